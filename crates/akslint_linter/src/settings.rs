use akslint_model::k8s::WorkloadKinds;
use akslint_syntax::Limits;

use crate::RuleSelection;

/// A Kubernetes minor version (`1.minor`), the target that version-gated checks follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubernetesVersion {
    /// The minor version.
    pub minor: u32,
}

impl KubernetesVersion {
    /// The newest minor version whose Pod Security behaviour akslint knows.
    pub const NEWEST: Self = Self { minor: 35 };

    /// `1.N`.
    #[must_use]
    pub const fn new(minor: u32) -> Self {
        Self { minor }
    }

    /// Whether this version is `1.minor` or newer.
    #[must_use]
    pub const fn at_least(self, minor: u32) -> bool {
        self.minor >= minor
    }

    /// Parses `1.30`, `v1.30` or `1.30.2`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches('v');
        let mut parts = text.split('.');
        let major = parts.next()?.parse::<u32>().ok()?;
        let minor = parts.next()?.parse::<u32>().ok()?;
        (major == 1).then_some(Self { minor })
    }
}

impl Default for KubernetesVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

impl std::fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

/// A Pod Security Standards level, as in the `pod-security.kubernetes.io/enforce` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PssLevel {
    /// Unrestricted: no control applies.
    Privileged,
    /// Stops known privilege escalations.
    Baseline,
    /// Hardened: baseline plus the restricted controls.
    Restricted,
}

impl PssLevel {
    /// Parses a label value (`privileged`, `baseline`, `restricted`).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "privileged" => Some(Self::Privileged),
            "baseline" => Some(Self::Baseline),
            "restricted" => Some(Self::Restricted),
            _ => None,
        }
    }

    /// The label value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
        }
    }

    /// Whether a control of level `control` is enforced at this level.
    #[must_use]
    pub fn enforces(self, control: Self) -> bool {
        control != Self::Privileged && control <= self
    }
}

/// Options of individual rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOptions {
    /// Registries images may come from (K8S203): globs on the registry host (and optional path
    /// prefix), `*` matching any run of characters.
    pub allowed_registries: Vec<String>,
    /// The oldest Kubernetes minor version a cluster or node pool may run (AKS301,
    /// `minimum-kubernetes-version`). Default: the oldest minor AKS supports on the date of
    /// the support calendar in `rules::aks::upgrades`.
    pub minimum_kubernetes_version: KubernetesVersion,
}

impl Default for RuleOptions {
    fn default() -> Self {
        Self {
            allowed_registries: vec!["*.azurecr.io".to_owned(), "mcr.microsoft.com".to_owned()],
            minimum_kubernetes_version: crate::rules::aks::upgrades::oldest_supported_minor(),
        }
    }
}

/// Everything that changes what a lint run reports.
#[derive(Debug, Clone, Default)]
pub struct LintSettings {
    /// Which rules run.
    pub rules: RuleSelection,
    /// The Kubernetes version that version-gated checks follow.
    pub kubernetes_version: KubernetesVersion,
    /// Which kinds carry a pod spec.
    pub workload_kinds: WorkloadKinds,
    /// Input limits.
    pub limits: Limits,
    /// Rule options.
    pub options: RuleOptions,
    /// Whether suppression comments and annotations are honoured (`--no-suppressions` audits).
    pub ignore_suppressions: bool,
}
