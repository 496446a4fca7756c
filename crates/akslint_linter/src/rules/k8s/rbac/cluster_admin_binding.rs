use std::sync::Arc;

use akslint_diagnostics::Related;
use akslint_model::k8s::Object;

use super::{BINDING_KINDS, role_ref};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags RoleBindings and ClusterRoleBindings whose `roleRef` is the built-in ClusterRole
    /// `cluster-admin`, or a Role or ClusterRole of the input that is equivalent to it: one of
    /// its rules grants `*` verbs on `*` resources in `*` API groups.
    ///
    /// ## Why it matters
    /// `cluster-admin` allows every action on every object. Bound by a ClusterRoleBinding it
    /// gives its subjects the whole cluster: every Secret, every workload, and the power to
    /// grant themselves or others anything. Bound by a RoleBinding it is limited to the
    /// binding's namespace, but there it still includes every Secret, the namespace's Roles and
    /// RoleBindings, and pods that can mount any ServiceAccount of the namespace. The subjects of
    /// such a binding, and anyone who can act as them, are full administrators.
    ///
    /// The role is found through the project index: a ClusterRole named in `roleRef` is looked
    /// up among the ClusterRoles of every file of the run, a `Role` among the Roles of the
    /// binding's namespace. A role that is not in the input is only recognised by the name
    /// `cluster-admin` (the API server reconciles that built-in role, so the name is enough). The
    /// finding is reported on the binding's `roleRef.name`, with the equivalent role's location
    /// attached; the wildcard rule itself is K8S503's finding on the role.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: ci
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// ```
    ///
    /// ## Use instead
    /// Bind a role that grants only what the subjects need, in the namespaces where they need
    /// it, for example the built-in `edit` ClusterRole through a RoleBinding:
    /// ```yaml
    /// kind: RoleBinding
    /// metadata:
    ///   name: ci
    ///   namespace: apps
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: edit
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: user-facing roles](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles)
    /// - [Kubernetes: RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    /// - [AKS: best practices for authentication and authorization](https://learn.microsoft.com/azure/aks/operator-best-practices-identity)
    pub struct ClusterAdminBinding {
        code: "K8S502",
        name: "cluster-admin-binding",
        category: Rbac,
        severity: Error,
        default_enabled: true,
        scope: Scope::Kinds(BINDING_KINDS),
        references: [
            "kube-linter" => "cluster-admin-role-binding",
            "trivy" => "KSV-0111",
            "polaris" => "clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole",
        ],
    }
}

const HELP: &str = "bind a role that grants only the verbs and resources the subjects need (for example the built-in `edit` or `view` ClusterRole through a RoleBinding in one namespace)";

impl Rule for ClusterAdminBinding {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let Some(role) = role_ref(object) else {
            return;
        };
        let cluster = match role.kind {
            "ClusterRole" => true,
            "Role" => false,
            _ => return,
        };
        let reach = match (object.kind, object.namespace) {
            (Some("ClusterRoleBinding"), _) => "in the whole cluster".to_owned(),
            (_, Some(namespace)) => format!("in namespace `{namespace}`"),
            (_, None) => "in the binding's namespace".to_owned(),
        };
        if cluster && role.name_text == "cluster-admin" {
            let message = format!(
                "{} binds the ClusterRole `cluster-admin`: its subjects may do anything to any object {reach}",
                object.describe()
            );
            cx.report_node(role.name, message).help(HELP);
            return;
        }
        let equivalent = cx
            .project()
            .role(cluster, object.namespace, role.name_text)
            .filter(|facts| facts.grants_everything)
            .map(|facts| facts.location.clone());
        let Some(location) = equivalent else {
            return;
        };
        let message = format!(
            "{} binds {}, which, like `cluster-admin`, grants `*` verbs on `*` resources in `*` API groups: its subjects may do anything to any object {reach}",
            object.describe(),
            role.describe()
        );
        let diagnostic = cx.report_node(role.name, message);
        diagnostic.related.push(Related {
            file: Arc::clone(&location.file),
            span: location.span,
            message: format!("{} is defined here", role.describe()),
        });
        diagnostic.help(HELP);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::KubernetesVersion;

    use super::super::lint_project;

    #[test]
    fn equivalent_roles_are_found_in_other_files() {
        let role = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: root
rules:
  - apiGroups: ['*']
    resources: ['*']
    verbs: ['*']
";
        let binding = "apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: b
  namespace: apps
roleRef:
  kind: ClusterRole
  name: root
";
        let found = lint_project(
            "K8S502",
            KubernetesVersion::new(35),
            &[("role.yaml", role), ("binding.yaml", binding)],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let finding = &found[0];
        assert_eq!(finding.file.path(), Path::new("binding.yaml"));
        assert!(
            finding.message.contains("in namespace `apps`"),
            "{finding:?}"
        );
        assert_eq!(finding.related.len(), 1);
        assert_eq!(finding.related[0].file.path(), Path::new("role.yaml"));
    }
}
