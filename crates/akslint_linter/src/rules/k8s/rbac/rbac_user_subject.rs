use akslint_model::k8s::Object;

use super::{BINDING_KINDS, describe_bound_role, subjects};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags RoleBindings and ClusterRoleBindings that grant a role to an individual identity, a
    /// subject of kind `User`.
    ///
    /// ## Why it matters
    /// On an AKS cluster integrated with Microsoft Entra ID, a `User` subject is one person (by
    /// user principal name or object id) or one application (a service principal or managed
    /// identity, by object id). Permissions bound to individuals are hard to review, survive
    /// the person changing teams or leaving, and have to be repeated in every binding for every
    /// newcomer. Binding an Entra ID group instead puts access under the group's membership,
    /// which is managed, reviewed and audited in one place (and can use Privileged Identity
    /// Management for just-in-time membership).
    ///
    /// Users whose name starts with `system:` are Kubernetes' own identities (control-plane
    /// components, nodes, and ServiceAccounts written as `system:serviceaccount:<ns>:<name>`)
    /// and are not flagged; the anonymous user `system:anonymous` is K8S509's finding.
    /// ServiceAccount and Group subjects are never flagged by this rule.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: dev-edit
    ///   namespace: dev
    /// subjects:
    ///   - kind: User
    ///     name: alice@contoso.com
    ///     apiGroup: rbac.authorization.k8s.io
    /// roleRef:
    ///   kind: ClusterRole
    ///   name: edit
    ///   apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// subjects:
    ///   - kind: Group
    ///     name: 00000000-0000-0000-0000-000000000000 # the Entra ID group's object id
    ///     apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: control access with Kubernetes RBAC and Microsoft Entra identities](https://learn.microsoft.com/azure/aks/azure-ad-rbac)
    /// - [AKS: best practices for authentication and authorization](https://learn.microsoft.com/azure/aks/operator-best-practices-identity)
    /// - [Kubernetes: RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    pub struct RbacUserSubject {
        code: "K8S501",
        name: "rbac-user-subject",
        category: Rbac,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(BINDING_KINDS),
        references: ["seed" => "groups, not individual identities"],
    }
}

impl Rule for RbacUserSubject {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for subject in subjects(object) {
            let (Some((kind, "User")), Some((_, name))) = (subject.kind, subject.name) else {
                continue;
            };
            if name.starts_with("system:") {
                continue;
            }
            let message = format!(
                "{} grants {} to the individual user `{name}`",
                object.describe(),
                describe_bound_role(object)
            );
            cx.report_node(kind, message).help(
                "bind a Microsoft Entra ID group instead: `kind: Group` with the group's object id as `name`, and manage access through its membership",
            );
        }
    }
}
