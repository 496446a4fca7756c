use akslint_diagnostics::{Applicability, Severity};
use akslint_model::azure::{AgentPool, EvaluatedTemplate, ManagedCluster};
use akslint_model::k8s::{Object, Workload};

use crate::context::ProjectContext;
use crate::project::ProjectIndex;
use crate::{Context, PssLevel};

/// What area of AKS security a rule belongs to; selectable by its kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Pod Security Standards controls (K8S1xx).
    PodSecurity,
    /// Images and supply chain (K8S2xx).
    Images,
    /// Resource requests and limits (K8S3xx).
    Resources,
    /// Identity and secrets (K8S4xx).
    IdentityAndSecrets,
    /// Kubernetes RBAC (K8S5xx).
    Rbac,
    /// Network exposure (K8S6xx).
    Network,
    /// Namespaces and API hygiene (K8S7xx).
    ApiHygiene,
    /// AKS API server access and identity (AKS1xx).
    ApiServerAndIdentity,
    /// AKS cluster networking (AKS2xx).
    ClusterNetwork,
    /// AKS upgrades and versions (AKS3xx).
    Upgrades,
    /// AKS monitoring, Defender and policy (AKS4xx).
    MonitoringAndPolicy,
    /// AKS data protection and secrets (AKS5xx).
    DataProtection,
    /// AKS platform resilience (AKS6xx).
    Resilience,
    /// ARM template hygiene that leaks secrets (ARM0xx).
    TemplateHygiene,
    /// akslint's own diagnostics (AKLxxx).
    Akslint,
}

impl Category {
    /// The kebab-case name used in selectors and docs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PodSecurity => "pod-security",
            Self::Images => "images",
            Self::Resources => "resources",
            Self::IdentityAndSecrets => "identity-and-secrets",
            Self::Rbac => "rbac",
            Self::Network => "network",
            Self::ApiHygiene => "api-hygiene",
            Self::ApiServerAndIdentity => "api-server-and-identity",
            Self::ClusterNetwork => "cluster-network",
            Self::Upgrades => "upgrades",
            Self::MonitoringAndPolicy => "monitoring-and-policy",
            Self::DataProtection => "data-protection",
            Self::Resilience => "resilience",
            Self::TemplateHygiene => "template-hygiene",
            Self::Akslint => "akslint",
        }
    }
}

/// What a rule looks at, which decides when the engine calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every object that carries a pod spec, through [`Rule::check_workload`].
    Workloads,
    /// Objects of these kinds, through [`Rule::check_object`].
    Kinds(&'static [&'static str]),
    /// Every object, whatever its kind, through [`Rule::check_object`].
    Objects,
    /// Facts about the whole run, through [`Rule::check_project`], once after every file.
    Project,
    /// Every `Microsoft.ContainerService/managedClusters` resource of an ARM template (with
    /// its node pools), through [`Rule::check_cluster`].
    ManagedClusters,
    /// Every AKS node pool of an ARM template, through [`Rule::check_node_pool`]:
    /// `agentPoolProfiles[*]` of every cluster and every `managedClusters/agentPools` resource
    /// (also one whose cluster is not in the file).
    NodePools,
    /// Every ARM template (each evaluation of it), through [`Rule::check_template`].
    ArmTemplates,
    /// Raised by the engine itself (syntax errors, limits); never called.
    Engine,
}

/// An equivalent check in another tool or standard, so users can migrate and compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// The tool or standard (`PSS`, `kube-linter`, `checkov`, `trivy`, ...).
    pub source: &'static str,
    /// Its identifier there.
    pub id: &'static str,
}

/// Everything known about a rule apart from its logic.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Permanent code, e.g. `K8S102`.
    pub code: &'static str,
    /// Permanent kebab-case name, e.g. `privilege-escalation-allowed`.
    pub name: &'static str,
    /// The documentation page ([`akslint_diagnostics::rule_url()`] of the code), written once
    /// rather than per finding.
    pub url: &'static str,
    /// Category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// Whether the `recommended` profile enables it.
    pub default_enabled: bool,
    /// What it looks at.
    pub scope: Scope,
    /// The rule's documentation: its doc comment, in Markdown.
    pub docs: &'static str,
    /// The Pod Security Standards level whose control this rule implements, if any: the
    /// `pss-baseline` and `pss-restricted` profiles select by it, and a namespace's
    /// `pod-security.kubernetes.io/enforce` label decides whether it applies.
    pub pss: Option<PssLevel>,
    /// Equivalent checks elsewhere.
    pub references: &'static [Reference],
    /// Whether the rule's findings come with a fix, and how safe it is; `None` when the rule
    /// has no fix. Every fix the rule attaches has this applicability.
    pub fix: Option<Applicability>,
}

impl RuleMeta {
    /// The first sentence of "What it does", for tables and SARIF short descriptions.
    #[must_use]
    pub fn summary(&self) -> String {
        crate::docs::summary(self.docs)
    }

    /// Whether the rule belongs to akslint itself and cannot be turned off.
    #[must_use]
    pub fn is_engine_rule(&self) -> bool {
        matches!(self.scope, Scope::Engine)
    }
}

/// The metadata half of a rule, generated by [`declare_rule!`](crate::declare_rule).
pub trait RuleMetadata {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule's logic. Implement the hook its [`Scope`] names.
pub trait Rule: RuleMetadata + Send + Sync {
    /// Called for every workload when the scope is [`Scope::Workloads`].
    fn check_workload(&self, _workload: &Workload<'_>, _cx: &mut Context<'_>) {}

    /// Called for every object of a matching kind when the scope is [`Scope::Kinds`], and for
    /// every object when it is [`Scope::Objects`].
    fn check_object(&self, _object: &Object<'_>, _cx: &mut Context<'_>) {}

    /// Called once per run, after every file, when the scope is [`Scope::Project`].
    fn check_project(&self, _project: &ProjectIndex, _cx: &mut ProjectContext<'_>) {}

    /// Called for every managed cluster of every evaluation of an ARM template when the scope
    /// is [`Scope::ManagedClusters`]; findings name the cluster resource.
    fn check_cluster(&self, _cluster: &ManagedCluster<'_, '_>, _cx: &mut Context<'_>) {}

    /// Called for every node pool of every evaluation of an ARM template when the scope is
    /// [`Scope::NodePools`]; findings name the resource declaring the pool (the cluster for
    /// `agentPoolProfiles`, the `agentPools` resource otherwise).
    fn check_node_pool(&self, _pool: &AgentPool<'_, '_>, _cx: &mut Context<'_>) {}

    /// Called for every evaluation of an ARM template (one per parameter file, or one with the
    /// defaults) when the scope is [`Scope::ArmTemplates`].
    fn check_template(&self, _template: &EvaluatedTemplate<'_>, _cx: &mut Context<'_>) {}
}

/// Declares a rule: a unit struct whose doc comment is its documentation, and its metadata.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct HostNetwork {
///         code: "K8S107",
///         name: "host-network",
///         category: PodSecurity,
///         severity: Error,
///         default_enabled: true,
///         scope: Scope::Workloads,
///         pss: Baseline, // optional: the PSS level of the control
///         fix: Unsafe,   // optional: Safe or Unsafe when the rule attaches fixes
///         references: ["PSS" => "baseline: hostNamespaces", "checkov" => "CKV_K8S_19"],
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            category: $category:ident,
            severity: $severity:ident,
            default_enabled: $default:literal,
            scope: $scope:expr,
            $(pss: $pss:ident,)?
            $(fix: $fix:ident,)?
            references: [$($source:literal => $id:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $crate::RuleMetadata for $name {
            fn meta(&self) -> &'static $crate::RuleMeta {
                static META: $crate::RuleMeta = $crate::RuleMeta {
                    code: $code,
                    name: $rule_name,
                    url: ::akslint_diagnostics::rule_url!($code),
                    category: $crate::Category::$category,
                    severity: ::akslint_diagnostics::Severity::$severity,
                    default_enabled: $default,
                    scope: $scope,
                    docs: concat!($($doc, "\n"),*),
                    pss: $crate::declare_rule!(@pss $($pss)?),
                    references: &[$($crate::Reference { source: $source, id: $id }),*],
                    fix: $crate::declare_rule!(@fix $($fix)?),
                };
                &META
            }
        }
    };
    (@pss) => { None };
    (@pss $level:ident) => { Some($crate::PssLevel::$level) };
    (@fix) => { None };
    (@fix $applicability:ident) => { Some(::akslint_diagnostics::Applicability::$applicability) };
}
