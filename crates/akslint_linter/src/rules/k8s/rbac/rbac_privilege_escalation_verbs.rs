use akslint_model::k8s::Object;

use super::{ROLE_KINDS, role_rules};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags the verbs `bind`, `escalate` and `impersonate` written in any rule of a Role or
    /// ClusterRole, each at its own place.
    ///
    /// ## Why it matters
    /// These verbs switch off the RBAC API's protection against privilege escalation:
    /// - `escalate` on roles lets the holder create or update a Role or ClusterRole with
    ///   permissions they do not have themselves, and so grant themselves anything;
    /// - `bind` on roles lets the holder create RoleBindings and ClusterRoleBindings to roles
    ///   whose permissions they do not have, giving them to any subject of their choosing;
    /// - `impersonate` on users, groups or ServiceAccounts lets the holder send requests as
    ///   another identity (`kubectl --as`), for example a cluster administrator or a member of
    ///   an administrators group.
    ///
    /// Only the explicit verbs are flagged: a `*` verb also includes them where they apply, and
    /// is K8S503's finding. The verbs are flagged whatever the rule's resources, since
    /// Kubernetes only defines them on roles and on identities. A rule restricted by
    /// `resourceNames` (for example `bind` on the `view` ClusterRole only, a documented way to
    /// delegate role assignment) is still flagged, with the restriction in the message: review
    /// what the named roles or identities allow, and suppress the finding where it is intended.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: team-lead
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["bind", "escalate"]
    /// ```
    ///
    /// ## Use instead
    /// Let a small group of administrators manage roles and bindings, through reviewed
    /// manifests or Azure RBAC for Kubernetes authorization. When delegation is needed, limit
    /// `bind` to the roles that may be handed out:
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     resourceNames: ["view"]
    ///     verbs: ["bind"]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: restrictions on role creation or update](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update)
    /// - [Kubernetes: RBAC good practices, escalate verb](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb)
    /// - [Kubernetes: user impersonation](https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation)
    pub struct RbacPrivilegeEscalationVerbs {
        code: "K8S506",
        name: "rbac-privilege-escalation-verbs",
        category: Rbac,
        severity: Error,
        default_enabled: true,
        scope: Scope::Kinds(ROLE_KINDS),
        references: [
            "checkov" => "CKV_K8S_157, CKV_K8S_158, CKV2_K8S_3",
            "trivy" => "KSV-0043, KSV-0050",
        ],
    }
}

/// Each verb and what it lets its holder do.
const VERBS: [(&str, &str); 3] = [
    (
        "bind",
        "bind roles whose permissions they do not have to any subject",
    ),
    (
        "escalate",
        "create or update roles with permissions they do not have",
    ),
    (
        "impersonate",
        "send requests as other users, groups or ServiceAccounts, with their permissions",
    ),
];

impl Rule for RbacPrivilegeEscalationVerbs {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for rule in role_rules(object) {
            let restriction = rule.restriction_note();
            for (item, written) in rule.verbs() {
                let Some((verb, power)) = VERBS.iter().find(|(verb, _)| *verb == written) else {
                    continue;
                };
                let message = format!(
                    "{} grants the `{verb}` verb{restriction}: holders can {power}",
                    object.describe()
                );
                cx.report_node(item, message).help(
                    "remove the verb; leave role and binding management and impersonation to a small group of administrators",
                );
            }
        }
    }
}
