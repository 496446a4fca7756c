use crate::{Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a file, or one document of a YAML stream, that cannot be parsed, at the position
    /// where parsing failed. A mapping that names the same key twice is reported too.
    ///
    /// ## Why it matters
    /// A file that cannot be read cannot be checked, so it must never pass as clean. In a
    /// multi-document stream only the broken document is skipped; the others are still linted.
    /// Duplicate keys are rejected by the API server's strict field validation (the default of
    /// `kubectl` since Kubernetes 1.27), and where they are accepted only the last one counts,
    /// silently dropping the first.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers: [{name: app, image: nginx
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   containers: [{name: app, image: nginx}]
    /// ```
    ///
    /// ## Options
    /// None. This rule cannot be turned off.
    ///
    /// ## References
    /// - [YAML 1.2.2 specification](https://yaml.org/spec/1.2.2/)
    /// - [Kubernetes: field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)
    pub struct InvalidSyntax {
        code: "AKL001",
        name: "invalid-syntax",
        category: Akslint,
        severity: Error,
        default_enabled: true,
        scope: Scope::Engine,
        references: [],
    }
}

impl Rule for InvalidSyntax {}
