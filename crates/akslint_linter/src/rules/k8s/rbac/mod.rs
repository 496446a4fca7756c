//! Kubernetes RBAC (K8S5xx).
//!
//! The permission rules read every `rules[*]` item of a Role or ClusterRole with the matching
//! semantics of the Kubernetes RBAC authorizer: a verb, resource or API group of a rule matches
//! when it is written exactly or as `*`; a resource `*/<subresource>` matches that subresource
//! of every resource; there is no other pattern (`pods/*` is a literal and matches nothing). A
//! resource rule without `apiGroups` is rejected by the API server; it is read as the core group
//! `""`, which is what its author meant and what the fix the server asks for adds.
//!
//! The binding rules read `subjects[*]` and `roleRef` of RoleBindings and ClusterRoleBindings.
//! Only objects of the group `rbac.authorization.k8s.io` (any version) are looked at.

mod cluster_admin_binding;
mod rbac_anonymous_subject;
mod rbac_create_workloads;
mod rbac_nodes_proxy;
mod rbac_pod_exec;
mod rbac_privilege_escalation_verbs;
mod rbac_secrets_access;
mod rbac_user_subject;
mod rbac_wildcard;

pub use cluster_admin_binding::ClusterAdminBinding;
pub use rbac_anonymous_subject::RbacAnonymousSubject;
pub use rbac_create_workloads::RbacCreateWorkloads;
pub use rbac_nodes_proxy::RbacNodesProxy;
pub use rbac_pod_exec::RbacPodExec;
pub use rbac_privilege_escalation_verbs::RbacPrivilegeEscalationVerbs;
pub use rbac_secrets_access::RbacSecretsAccess;
pub use rbac_user_subject::RbacUserSubject;
pub use rbac_wildcard::RbacWildcard;

use akslint_model::k8s::Object;
use akslint_syntax::NodeRef;

use crate::Rule;
use crate::project::policy_rules;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &RbacUserSubject,
    &ClusterAdminBinding,
    &RbacWildcard,
    &RbacSecretsAccess,
    &RbacPodExec,
    &RbacPrivilegeEscalationVerbs,
    &RbacCreateWorkloads,
    &RbacNodesProxy,
    &RbacAnonymousSubject,
];

/// The API group of the RBAC objects.
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The wildcard of verbs, resources and API groups.
const ALL: &str = "*";

/// The kinds whose `rules` grant permissions.
const ROLE_KINDS: &[&str] = &["Role", "ClusterRole"];

/// The kinds that grant a role to subjects.
const BINDING_KINDS: &[&str] = &["RoleBinding", "ClusterRoleBinding"];

fn is_rbac(object: &Object<'_>) -> bool {
    object.api_group() == RBAC_GROUP
}

/// One `rules[*]` item of a Role or ClusterRole.
#[derive(Debug, Clone, Copy)]
struct PolicyRule<'a> {
    node: NodeRef<'a>,
}

impl<'a> PolicyRule<'a> {
    /// The string items of the list `field`, with their nodes.
    fn list(self, field: &str) -> impl Iterator<Item = (NodeRef<'a>, &'a str)> + 'a {
        self.node
            .get(field)
            .into_iter()
            .flat_map(NodeRef::items)
            .filter_map(|item| item.as_str().map(|text| (item, text)))
    }

    fn verbs(self) -> impl Iterator<Item = (NodeRef<'a>, &'a str)> + 'a {
        self.list("verbs")
    }

    fn resources(self) -> impl Iterator<Item = (NodeRef<'a>, &'a str)> + 'a {
        self.list("resources")
    }

    fn api_groups(self) -> impl Iterator<Item = (NodeRef<'a>, &'a str)> + 'a {
        self.list("apiGroups")
    }

    /// Whether the rule is about non-resource URLs (`/healthz`, `/metrics`) rather than
    /// resources.
    fn is_non_resource(self) -> bool {
        self.list("nonResourceURLs").next().is_some()
    }

    /// How many objects `resourceNames` restricts the rule to (0: every object).
    fn resource_name_count(self) -> usize {
        self.list("resourceNames").count()
    }

    /// " (restricted by `resourceNames` to 2 named objects)", or "" without `resourceNames`.
    fn restriction_note(self) -> String {
        match self.resource_name_count() {
            0 => String::new(),
            1 => " (restricted by `resourceNames` to one named object)".to_owned(),
            n => format!(" (restricted by `resourceNames` to {n} named objects)"),
        }
    }

    /// Whether the rule applies to resources of API group `group`.
    fn covers_group(self, group: &str) -> bool {
        let mut groups = self.api_groups().peekable();
        if groups.peek().is_none() {
            // The API server rejects such a rule; its author means the core group.
            return group.is_empty();
        }
        groups.any(|(_, written)| matches_name(written, group))
    }

    /// The verbs of the rule, as written, that grant one of `wanted`.
    fn granted_verbs(self, wanted: Verbs) -> Vec<&'a str> {
        self.verbs()
            .map(|(_, written)| written)
            .filter(|written| match wanted {
                Verbs::Any => true,
                Verbs::OneOf(verbs) => verbs.iter().any(|verb| matches_name(written, verb)),
            })
            .collect()
    }
}

/// The rules of a Role or ClusterRole of the RBAC group (none for other objects).
fn role_rules<'a>(object: &Object<'a>) -> impl Iterator<Item = PolicyRule<'a>> + 'a {
    let rules = is_rbac(object).then(|| policy_rules(object));
    rules.into_iter().flatten().map(|node| PolicyRule { node })
}

/// Whether a verb or API group written in a rule matches `wanted`.
fn matches_name(written: &str, wanted: &str) -> bool {
    written == ALL || written == wanted
}

/// Whether a resource written in a rule matches `wanted` (`resource` or
/// `resource/subresource`), as the RBAC authorizer decides it.
fn matches_resource(written: &str, wanted: &str) -> bool {
    if written == ALL || written == wanted {
        return true;
    }
    match (written.strip_prefix("*/"), wanted.split_once('/')) {
        (Some(subresource), Some((_, wanted_subresource))) => subresource == wanted_subresource,
        _ => false,
    }
}

/// The verbs a permission check is about.
#[derive(Debug, Clone, Copy)]
enum Verbs {
    /// Any verb at all.
    Any,
    /// One of these (a rule's `*` grants each of them).
    OneOf(&'static [&'static str]),
}

/// A resource a rule can grant: its API group and `resource` or `resource/subresource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Target {
    group: &'static str,
    resource: &'static str,
}

impl Target {
    const fn new(group: &'static str, resource: &'static str) -> Self {
        Self { group, resource }
    }
}

/// One resource item of a rule that grants some of the checked targets with some of the
/// checked verbs.
#[derive(Debug, Clone)]
struct Grant<'a> {
    rule: PolicyRule<'a>,
    /// The resource item, where the finding goes.
    item: NodeRef<'a>,
    /// Its text.
    written: &'a str,
    /// The checked targets it covers (in the order given).
    targets: Vec<Target>,
    /// The rule's verbs that grant the checked verbs, as written.
    verbs: Vec<&'a str>,
}

impl Grant<'_> {
    /// "`get`, `list` on `secrets`", or "... on `*`, which covers `secrets`" when the item
    /// reaches the targets through a wildcard.
    fn describe(&self) -> String {
        let verbs = if self.verbs.contains(&ALL) {
            "every verb (`*`)".to_owned()
        } else {
            code_list(self.verbs.iter().copied())
        };
        let on = if self.targets.iter().all(|t| t.resource == self.written) {
            format!("`{}`", self.written)
        } else {
            format!(
                "`{}`, which covers {}",
                self.written,
                code_list(self.targets.iter().map(|t| t.resource))
            )
        };
        format!("{verbs} on {on}")
    }
}

/// Every resource item of the object's rules that grants one of `targets` with `verbs`, one
/// per item, rule after rule.
fn grants<'a>(object: &Object<'a>, verbs: Verbs, targets: &[Target]) -> Vec<Grant<'a>> {
    let mut found = Vec::new();
    for rule in role_rules(object) {
        let granted = rule.granted_verbs(verbs);
        if granted.is_empty() {
            continue;
        }
        for (item, written) in rule.resources() {
            let covered: Vec<Target> = targets
                .iter()
                .filter(|t| matches_resource(written, t.resource) && rule.covers_group(t.group))
                .copied()
                .collect();
            if !covered.is_empty() {
                found.push(Grant {
                    rule,
                    item,
                    written,
                    targets: covered,
                    verbs: granted.clone(),
                });
            }
        }
    }
    found
}

/// "`a`, `b` and `c`".
fn code_list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let quoted: Vec<String> = items.map(|item| format!("`{item}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// One `subjects[*]` item of a binding.
#[derive(Debug, Clone, Copy)]
struct Subject<'a> {
    /// `kind`, when written as a string.
    kind: Option<(NodeRef<'a>, &'a str)>,
    /// `name`, when written as a string.
    name: Option<(NodeRef<'a>, &'a str)>,
}

impl Subject<'_> {
    /// "User `alice`", for messages.
    fn describe(&self) -> String {
        let kind = self.kind.map_or("subject", |(_, kind)| kind);
        match self.name {
            Some((_, name)) => format!("{kind} `{name}`"),
            None => kind.to_owned(),
        }
    }
}

fn string_field<'a>(node: NodeRef<'a>, key: &str) -> Option<(NodeRef<'a>, &'a str)> {
    let value = node.get(key)?;
    value.as_str().map(|text| (value, text))
}

/// The subjects of a RoleBinding or ClusterRoleBinding of the RBAC group.
fn subjects<'a>(object: &Object<'a>) -> impl Iterator<Item = Subject<'a>> + 'a {
    let list = is_rbac(object)
        .then(|| object.node.get("subjects"))
        .flatten();
    list.into_iter()
        .flat_map(NodeRef::items)
        .filter(|item| item.is_mapping())
        .map(|item| Subject {
            kind: string_field(item, "kind"),
            name: string_field(item, "name"),
        })
}

/// The `roleRef` of a binding of the RBAC group: its kind and name.
#[derive(Debug, Clone, Copy)]
struct RoleRef<'a> {
    kind: &'a str,
    name: NodeRef<'a>,
    name_text: &'a str,
}

impl RoleRef<'_> {
    /// "ClusterRole `edit`", for messages.
    fn describe(&self) -> String {
        format!("{} `{}`", self.kind, self.name_text)
    }
}

/// "ClusterRole `edit`" for a binding's role, "its role" when the `roleRef` is incomplete.
fn describe_bound_role(object: &Object<'_>) -> String {
    role_ref(object).map_or_else(|| "its role".to_owned(), |role| role.describe())
}

fn role_ref<'a>(object: &Object<'a>) -> Option<RoleRef<'a>> {
    if !is_rbac(object) {
        return None;
    }
    let role_ref = object.node.get("roleRef")?;
    let (_, kind) = string_field(role_ref, "kind")?;
    let (name, name_text) = string_field(role_ref, "name")?;
    Some(RoleRef {
        kind,
        name,
        name_text,
    })
}

/// Lints `files` as one project with only rule `code` enabled, for the rules' own tests.
#[cfg(test)]
fn lint_project(
    code: &str,
    version: crate::KubernetesVersion,
    files: &[(&str, &str)],
) -> Vec<akslint_diagnostics::Diagnostic> {
    crate::test_support::lint_files(code, version.minor, files)
}

#[cfg(test)]
mod tests {
    use akslint_model::k8s::objects;
    use akslint_syntax::{Limits, yaml};

    use super::*;

    const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1beta1
kind: ClusterRole
metadata:
  name: r
rules:
  - apiGroups: ['']
    resources: [pods]
    verbs: [get]
  - apiGroups: ['*']
    resources: [secrets, '*/exec', 'pods/*']
    verbs: ['*']
    resourceNames: [a, b]
  - resources: [configmaps]
    verbs: [list, watch]
  - nonResourceURLs: ['/healthz']
    verbs: [get]
  - not a mapping
";

    fn with_object(text: &str, check: impl FnOnce(&Object<'_>)) {
        let parsed = yaml::parse(text, &Limits::default());
        let all = objects(&parsed);
        check(all.first().expect("one object"));
    }

    #[test]
    fn names_match_exactly_or_through_the_wildcard() {
        assert!(matches_name("get", "get"));
        assert!(matches_name("*", "create"));
        assert!(!matches_name("Get", "get"));
        assert!(!matches_name("", "apps"));
        assert!(matches_name("", ""));
    }

    #[test]
    fn resources_match_like_the_rbac_authorizer() {
        assert!(matches_resource("*", "secrets"));
        assert!(matches_resource("*", "pods/exec"));
        assert!(matches_resource("pods/exec", "pods/exec"));
        assert!(matches_resource("*/exec", "pods/exec"));
        assert!(!matches_resource("*/exec", "pods"));
        assert!(!matches_resource("pods", "pods/exec"));
        assert!(!matches_resource("pods/*", "pods/exec"));
        assert!(!matches_resource("*/proxy", "pods/exec"));
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(code_list([].into_iter()), "");
        assert_eq!(code_list(["a"].into_iter()), "`a`");
        assert_eq!(code_list(["a", "b", "c"].into_iter()), "`a`, `b` and `c`");
    }

    #[test]
    fn reads_every_rule_and_its_lists() {
        with_object(ROLE, |object| {
            let rules: Vec<_> = role_rules(object).collect();
            assert_eq!(rules.len(), 4);
            assert_eq!(
                rules[1].resources().map(|(_, r)| r).collect::<Vec<_>>(),
                ["secrets", "*/exec", "pods/*"]
            );
            assert_eq!(rules[1].resource_name_count(), 2);
            assert_eq!(rules[0].resource_name_count(), 0);
            assert_eq!(rules[0].restriction_note(), "");
            assert_eq!(
                rules[1].restriction_note(),
                " (restricted by `resourceNames` to 2 named objects)"
            );
            assert!(rules[0].covers_group(""));
            assert!(!rules[0].covers_group("apps"));
            assert!(rules[1].covers_group("batch"));
            // No apiGroups: read as the core group.
            assert!(rules[2].covers_group(""));
            assert!(!rules[2].covers_group("apps"));
            assert_eq!(rules[1].granted_verbs(Verbs::OneOf(&["get"])), ["*"]);
            assert!(rules[2].granted_verbs(Verbs::OneOf(&["get"])).is_empty());
            assert_eq!(rules[2].granted_verbs(Verbs::Any), ["list", "watch"]);
        });
    }

    #[test]
    fn grants_report_each_resource_item_with_what_it_covers() {
        with_object(ROLE, |object| {
            let targets = [Target::new("", "pods/exec"), Target::new("", "secrets")];
            let found = grants(object, Verbs::OneOf(&["create"]), &targets);
            let written: Vec<_> = found.iter().map(|g| g.written).collect();
            assert_eq!(written, ["secrets", "*/exec"]);
            assert_eq!(found[0].describe(), "every verb (`*`) on `secrets`");
            assert_eq!(
                found[1].describe(),
                "every verb (`*`) on `*/exec`, which covers `pods/exec`"
            );
            assert_eq!(found[1].rule.resource_name_count(), 2);
        });
    }

    #[test]
    fn other_groups_have_no_rules_or_subjects() {
        with_object(
            "apiVersion: example.com/v1\nkind: ClusterRole\nrules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n",
            |object| assert_eq!(role_rules(object).count(), 0),
        );
        with_object(
            "apiVersion: example.com/v1\nkind: RoleBinding\nsubjects: [{kind: User, name: a}]\nroleRef: {kind: ClusterRole, name: cluster-admin}\n",
            |object| {
                assert_eq!(subjects(object).count(), 0);
                assert!(role_ref(object).is_none());
            },
        );
    }

    #[test]
    fn reads_subjects_and_the_role_ref() {
        with_object(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n  - kind: User\n    name: alice\n  - kind: Group\n  - 3\nroleRef:\n  kind: Role\n  name: reader\n",
            |object| {
                let all: Vec<_> = subjects(object).map(|s| s.describe()).collect();
                assert_eq!(all, ["User `alice`", "Group"]);
                let role_ref = role_ref(object).expect("roleRef");
                assert_eq!((role_ref.kind, role_ref.name_text), ("Role", "reader"));
            },
        );
    }
}
