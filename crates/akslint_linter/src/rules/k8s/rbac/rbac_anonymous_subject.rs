use akslint_model::k8s::Object;

use super::{BINDING_KINDS, describe_bound_role, subjects};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags RoleBindings and ClusterRoleBindings whose subjects include the anonymous user or
    /// the built-in groups of every caller: `system:anonymous`, `system:unauthenticated` or
    /// `system:authenticated` (as a `User` or a `Group` subject), or the group
    /// `system:masters`.
    ///
    /// ## Why it matters
    /// - `system:anonymous` and `system:unauthenticated` are every request that carries no
    ///   credentials: anyone who can reach the API server over the network gets the role.
    /// - `system:authenticated` is every identity the cluster accepts: on AKS with Microsoft
    ///   Entra ID that is any user or application of the tenant who can get a token for the
    ///   cluster, plus every ServiceAccount of every namespace (so every pod).
    /// - `system:masters` is the superuser group: its members bypass RBAC and authorization
    ///   webhooks altogether, and their access cannot be revoked by removing bindings. On AKS
    ///   only the local cluster-admin credential is in it. A binding to it grants nothing
    ///   its members lack, but it shows a design that relies on that break-glass identity, and
    ///   the binding's role is often meant for a group that should have been named instead.
    ///
    /// The subject is reported at its `name`. Other `system:` users and groups (nodes,
    /// control-plane components, ServiceAccounts) are not flagged.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: public-read
    /// subjects:
    ///   - kind: Group
    ///     name: system:unauthenticated
    ///     apiGroup: rbac.authorization.k8s.io
    /// roleRef:
    ///   kind: ClusterRole
    ///   name: view
    ///   apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## Use instead
    /// Bind the Microsoft Entra ID group (by object id) or the ServiceAccount that needs the
    /// role.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: anonymous requests](https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests)
    /// - [Kubernetes: RBAC good practices, least privilege](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege)
    /// - [AKS: disable local accounts](https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad)
    pub struct RbacAnonymousSubject {
        code: "K8S509",
        name: "rbac-anonymous-subject",
        category: Rbac,
        severity: Error,
        default_enabled: true,
        scope: Scope::Kinds(BINDING_KINDS),
        references: [
            "trivy" => "KSV-0122, KSV-0123",
            "kubesec" => "BindingsToSystemAnonymous",
        ],
    }
}

/// Why a subject is flagged (a phrase that follows the subject), or `None`.
fn risk(kind: &str, name: &str) -> Option<&'static str> {
    match (kind, name) {
        ("User" | "Group", "system:anonymous") => {
            Some(", the identity of every request made without credentials")
        }
        ("User" | "Group", "system:unauthenticated") => Some(
            ", which stands for every request made without credentials, by anyone who can reach the API server",
        ),
        ("User" | "Group", "system:authenticated") => Some(
            ", which stands for every identity the cluster accepts, including any Microsoft Entra ID user or application of the tenant and every ServiceAccount",
        ),
        ("Group", "system:masters") => Some(
            ", the superuser group that bypasses RBAC (nothing should be granted to it or rely on it)",
        ),
        _ => None,
    }
}

impl Rule for RbacAnonymousSubject {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for subject in subjects(object) {
            let (Some((_, kind)), Some((name_node, name))) = (subject.kind, subject.name) else {
                continue;
            };
            let Some(risk) = risk(kind, name) else {
                continue;
            };
            let message = format!(
                "{} grants {} to {}{risk}",
                object.describe(),
                describe_bound_role(object),
                subject.describe()
            );
            cx.report_node(name_node, message).help(
                "bind the Microsoft Entra ID group (by object id) or the ServiceAccount that needs the role instead",
            );
        }
    }
}
