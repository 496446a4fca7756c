use akslint_model::k8s::Object;

use super::{ROLE_KINDS, Target, Verbs, grants};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags rules of Roles and ClusterRoles that allow creating pods or the workload
    /// resources that create pods: `create` (or `*`) on `pods` and `replicationcontrollers`
    /// (core group), `deployments`, `replicasets`, `statefulsets` and `daemonsets` (`apps`),
    /// `jobs` and `cronjobs` (`batch`), also through `resources: ["*"]` or `apiGroups: ["*"]`.
    ///
    /// ## Why it matters
    /// Whoever can create a pod in a namespace can run it as any ServiceAccount of that
    /// namespace and mount any of its Secrets, ConfigMaps and PersistentVolumeClaims, so the
    /// permission implicitly includes all of those. Where the namespace does not enforce the
    /// Pod Security Standards, it also allows privileged pods and with them the node. Many
    /// deployment pipelines and operators need it, which is why the rule is a note and opt-in:
    /// enable it to review who holds this power, and enforce the `baseline` or `restricted`
    /// Pod Security level (or Azure Policy for AKS) in the namespaces where it is granted.
    ///
    /// The resources are matched in their own API groups only (`deployments` in the core
    /// group grants nothing); the long-removed `extensions` group is not considered. Other
    /// verbs (`update`, `patch`) on workloads are not flagged, although changing a pod
    /// template has a similar effect.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: runner
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods"]
    ///     verbs: ["create", "delete"]
    /// ```
    ///
    /// ## Use instead
    /// Grant workload creation only to deployment identities, in namespaces that enforce a
    /// Pod Security level, and give people read access:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, workload creation](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation)
    /// - [AKS: secure pods with Azure Policy](https://learn.microsoft.com/azure/aks/use-azure-policy)
    pub struct RbacCreateWorkloads {
        code: "K8S507",
        name: "rbac-create-workloads",
        category: Rbac,
        severity: Note,
        default_enabled: false,
        scope: Scope::Kinds(ROLE_KINDS),
        references: [
            "kube-linter" => "access-to-create-pods",
            "trivy" => "KSV-0048",
        ],
    }
}

const WORKLOADS: [Target; 8] = [
    Target::new("", "pods"),
    Target::new("", "replicationcontrollers"),
    Target::new("apps", "deployments"),
    Target::new("apps", "replicasets"),
    Target::new("apps", "statefulsets"),
    Target::new("apps", "daemonsets"),
    Target::new("batch", "jobs"),
    Target::new("batch", "cronjobs"),
];

const CREATE: Verbs = Verbs::OneOf(&["create"]);

impl Rule for RbacCreateWorkloads {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for grant in grants(object, CREATE, &WORKLOADS) {
            let message = format!(
                "{} grants {}: holders can run pods as any ServiceAccount, and mount any Secret, of the namespaces it applies to",
                object.describe(),
                grant.describe()
            );
            cx.report_node(grant.item, message).help(
                "grant workload creation only to deployment identities, in namespaces that enforce a Pod Security level",
            );
        }
    }
}
