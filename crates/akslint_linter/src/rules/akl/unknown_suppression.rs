use crate::{Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a suppression that names a rule code or name akslint does not have, and an
    /// `akslint:` comment that is not a valid suppression (a misspelled `ignore`, a missing `]`).
    ///
    /// ## Why it matters
    /// A misspelled suppression silences nothing, so the finding it was meant to silence keeps
    /// failing the build, or, worse, the author believes a risk is accepted and documented when
    /// the suppression is in fact a no-op. Reporting it makes the mistake visible at once.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true # akslint: ignore[K8S170] node agent
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   hostNetwork: true # akslint: ignore[K8S107] node agent
    /// ```
    ///
    /// ## Options
    /// None. This rule cannot be turned off.
    ///
    /// ## References
    /// - [Suppressing findings](https://github.com/akslint/akslint#suppressing-findings)
    pub struct UnknownSuppression {
        code: "AKL002",
        name: "unknown-suppression",
        category: Akslint,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Engine,
        references: [],
    }
}

impl Rule for UnknownSuppression {}
