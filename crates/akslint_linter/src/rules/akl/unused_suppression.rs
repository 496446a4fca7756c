use crate::{Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a suppression comment or `ignore.akslint.io/` annotation that silences no finding,
    /// when every rule it names is enabled in this run.
    ///
    /// ## Why it matters
    /// Suppressions outlive the problems they were written for: once the manifest is fixed, a
    /// stale suppression would silently hide the same mistake if it came back. Removing unused
    /// ones keeps every accepted risk deliberate. Suppressions of rules that are not enabled in
    /// this run are not reported, since they could not have matched.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: false # akslint: ignore[K8S107] node agent
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   hostNetwork: false
    /// ```
    ///
    /// ## Options
    /// None. This rule cannot be turned off.
    ///
    /// ## References
    /// - [Suppressing findings](https://github.com/akslint/akslint#suppressing-findings)
    pub struct UnusedSuppression {
        code: "AKL003",
        name: "unused-suppression",
        category: Akslint,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Engine,
        references: [],
    }
}

impl Rule for UnusedSuppression {}
