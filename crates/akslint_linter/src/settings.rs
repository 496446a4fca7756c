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
}
