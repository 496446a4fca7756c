use akslint_model::k8s::Object;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags namespaced objects written explicitly into the `default` namespace
    /// (`metadata.namespace: default`).
    ///
    /// ## Why it matters
    /// The `default` namespace is where everything lands that nobody placed: it usually has
    /// no Pod Security label, no network policy, no resource quota and broad RBAC bindings,
    /// and mixing applications there lets one team's mistakes reach another's workloads. Give
    /// each application its own namespace with its own policies.
    ///
    /// Only an explicit `default` is flagged: an object without `metadata.namespace` goes to
    /// the namespace chosen at deploy time. Cluster-scoped kinds (`Namespace`, `Node`,
    /// `PersistentVolume`, `ClusterRole`, `StorageClass`, `CustomResourceDefinition`,
    /// `IngressClass`, webhook configurations, ...) have no namespace and are skipped; the API
    /// server ignores a namespace written on them. Custom resources are assumed namespaced.
    ///
    /// This rule is opt-in: `helm template` without `--namespace` writes `default` into
    /// every chart that sets `namespace: {{ .Release.Namespace }}`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: default
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: namespaces](https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/)
    /// - [AKS: best practices for cluster isolation](https://learn.microsoft.com/azure/aks/operator-best-practices-cluster-isolation)
    pub struct DefaultNamespace {
        code: "K8S702",
        name: "default-namespace",
        category: ApiHygiene,
        severity: Note,
        default_enabled: false,
        scope: Scope::Objects,
        references: ["checkov" => "CKV_K8S_21", "trivy" => "KSV-0110"],
    }
}

/// Built-in cluster-scoped kinds, by API group.
const CLUSTER_SCOPED: &[(&str, &[&str])] = &[
    (
        "",
        &["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
    ),
    (
        "admissionregistration.k8s.io",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy",
            "MutatingAdmissionPolicyBinding",
        ],
    ),
    ("apiextensions.k8s.io", &["CustomResourceDefinition"]),
    ("apiregistration.k8s.io", &["APIService"]),
    (
        "authentication.k8s.io",
        &["TokenReview", "SelfSubjectReview"],
    ),
    (
        "authorization.k8s.io",
        &[
            "SubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
        ],
    ),
    (
        "certificates.k8s.io",
        &["CertificateSigningRequest", "ClusterTrustBundle"],
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        &["FlowSchema", "PriorityLevelConfiguration"],
    ),
    (
        "networking.k8s.io",
        &["IngressClass", "IPAddress", "ServiceCIDR"],
    ),
    ("node.k8s.io", &["RuntimeClass"]),
    ("policy", &["PodSecurityPolicy"]),
    ("extensions", &["PodSecurityPolicy"]),
    (
        "rbac.authorization.k8s.io",
        &["ClusterRole", "ClusterRoleBinding"],
    ),
    ("resource.k8s.io", &["DeviceClass", "ResourceSlice"]),
    ("scheduling.k8s.io", &["PriorityClass"]),
    (
        "storage.k8s.io",
        &[
            "StorageClass",
            "CSIDriver",
            "CSINode",
            "VolumeAttachment",
            "VolumeAttributesClass",
        ],
    ),
    ("storagemigration.k8s.io", &["StorageVersionMigration"]),
    ("internal.apiserver.k8s.io", &["StorageVersion"]),
];

/// Whether `kind` in `group` is a built-in cluster-scoped kind.
fn is_cluster_scoped(group: &str, kind: &str) -> bool {
    CLUSTER_SCOPED
        .iter()
        .any(|(g, kinds)| *g == group && kinds.contains(&kind))
}

impl Rule for DefaultNamespace {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.namespace != Some("default") {
            return;
        }
        let Some(kind) = object.kind else {
            return;
        };
        if is_cluster_scoped(object.api_group(), kind) {
            return;
        }
        let Some(node) = object.metadata().and_then(|m| m.get("namespace")) else {
            return;
        };
        let message = format!("{} is placed in the `default` namespace", object.describe());
        cx.report_node(node, message)
            .help("put it in the application's own namespace, with its own Pod Security label, network policies and quotas");
    }
}
