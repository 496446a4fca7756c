use akslint_model::k8s::Object;

use super::{ALL, ROLE_KINDS, role_rules};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every `*` in the `verbs`, `resources` or `apiGroups` of every rule of a Role or
    /// ClusterRole, each at its own place.
    ///
    /// ## Why it matters
    /// A wildcard grants more than anyone reviewed: `verbs: ["*"]` includes `delete`,
    /// `deletecollection`, `escalate`, `bind` and `impersonate` where they apply;
    /// `resources: ["*"]` includes Secrets, every subresource such as `pods/exec` and
    /// `nodes/proxy`, and the resources of custom resource definitions installed later;
    /// `apiGroups: ["*"]` includes every API group added to the cluster in the future. Listing
    /// the verbs, resources and groups needed keeps the role from growing silently.
    ///
    /// All rules of the role are examined, not only the first (checkov's CKV_K8S_49 reads only
    /// `rules[0]`). A `*` in the `verbs` of a `nonResourceURLs` rule is flagged too (it allows
    /// every HTTP method on those URLs); a `*` in `nonResourceURLs` itself is not, as it is not
    /// one of the three fields. `*/scale`-style resources (a subresource of every resource) are
    /// not the `*` wildcard and are left to the rules about the subresource (K8S505, K8S508).
    /// A role that combines the three wildcards is equivalent to `cluster-admin`; its bindings
    /// are K8S502's finding.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: deployer
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "update", "patch"]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, least privilege](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege)
    /// - [Kubernetes: referring to resources](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources)
    pub struct RbacWildcard {
        code: "K8S503",
        name: "rbac-wildcard",
        category: Rbac,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(ROLE_KINDS),
        references: [
            "kube-linter" => "wildcard-in-rules",
            "checkov" => "CKV_K8S_49",
            "trivy" => "KSV-0044, KSV-0045, KSV-0046, KSV-0112",
        ],
    }
}

/// Each field, what its `*` grants, and what to write instead.
const FIELDS: [(&str, &str, &str); 3] = [
    (
        "verbs",
        "every verb, including `delete`, `escalate`, `bind` and `impersonate` where they apply",
        "list the verbs needed, for example `get`, `list`, `watch`",
    ),
    (
        "resources",
        "every resource and subresource of the rule's API groups, including those added later by custom resource definitions",
        "list the resources needed by name",
    ),
    (
        "apiGroups",
        "resources of every API group, including groups added to the cluster later",
        "list the API groups needed (`\"\"` is the core group)",
    ),
];

impl Rule for RbacWildcard {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for rule in role_rules(object) {
            for (field, grants, help) in FIELDS {
                let grants = match field {
                    "verbs" if rule.is_non_resource() => {
                        "every HTTP method on its non-resource URLs"
                    }
                    "resources" if rule.covers_group("") => {
                        "every resource and subresource of the rule's API groups, including Secrets, `pods/exec` and `nodes/proxy`"
                    }
                    _ => grants,
                };
                for (item, _) in rule.list(field).filter(|(_, written)| *written == ALL) {
                    let message = format!(
                        "{} has `*` in the `{field}` of a rule: it grants {grants}",
                        object.describe()
                    );
                    cx.report_node(item, message).help(help);
                }
            }
        }
    }
}
