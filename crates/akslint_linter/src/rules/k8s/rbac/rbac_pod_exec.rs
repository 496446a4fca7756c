use akslint_model::k8s::Object;

use super::{ROLE_KINDS, Target, Verbs, grants};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags rules of Roles and ClusterRoles that allow running commands in containers: `create`
    /// (or `*`) on `pods/exec` or `pods/attach` of the core API group, also through
    /// `resources: ["*"]` or the subresource wildcards `*/exec` and `*/attach`. For a target
    /// Kubernetes version before 1.35, `get` counts too.
    ///
    /// ## Why it matters
    /// `kubectl exec` and `kubectl attach` give a shell, or the console of the main process,
    /// inside the pod: its ServiceAccount token, mounted Secrets, environment and network
    /// position become the caller's. Whoever can exec into a privileged pod controls its node.
    ///
    /// The API server authorizes an exec or attach request with the verb of its HTTP method:
    /// `create` for the SPDY protocol (a `POST`), `get` for a WebSocket upgrade (a `GET`).
    /// Before Kubernetes 1.35, `get` on `pods/exec` alone was therefore enough to exec through a
    /// WebSocket; from 1.35 the `AuthorizePodWebsocketUpgradeCreatePermission` feature (on by
    /// default) also requires `create`. The rule follows the target version (the namespace's
    /// `pod-security.kubernetes.io/enforce-version` label or `--kubernetes-version`).
    ///
    /// `pods/*` is not flagged: RBAC has no resource-prefix wildcard, so it grants nothing on
    /// `pods/exec`. Port forwarding (`pods/portforward`) is not part of this rule.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: debug
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/exec"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## Use instead
    /// Remove the rule, and grant exec only to a break-glass group for the time it is needed
    /// (Microsoft Entra Privileged Identity Management), or debug with `kubectl debug` under a
    /// reviewed role. Read logs with `get` on `pods/log` instead.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, escalation paths](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#kubernetes-rbac-privilege-escalation-risks)
    /// - [KEP-4006: transition from SPDY to WebSockets](https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/4006-transition-spdy-to-websockets)
    pub struct RbacPodExec {
        code: "K8S505",
        name: "rbac-pod-exec",
        category: Rbac,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(ROLE_KINDS),
        references: [
            "trivy" => "KSV-0053, KSV-0054",
            "polaris" => "clusterrolePodExecAttach, rolePodExecAttach",
            "checkov" => "CKV2_K8S_2",
        ],
    }
}

const EXEC_ATTACH: [Target; 2] = [Target::new("", "pods/exec"), Target::new("", "pods/attach")];

impl Rule for RbacPodExec {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let websocket_needs_create = cx.kubernetes_version().at_least(35);
        let verbs = if websocket_needs_create {
            Verbs::OneOf(&["create"])
        } else {
            Verbs::OneOf(&["create", "get"])
        };
        for grant in grants(object, verbs, &EXEC_ATTACH) {
            let through_get = if grant.verbs.iter().all(|verb| *verb == "get") {
                " (before Kubernetes 1.35, `get` is enough for a WebSocket exec or attach)"
            } else {
                ""
            };
            let message = format!(
                "{} grants {}{through_get}: holders can run commands inside the pods' containers",
                object.describe(),
                grant.describe()
            );
            cx.report_node(grant.item, message).help(
                "remove exec and attach access, or grant it only to a break-glass group for the time it is needed",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::KubernetesVersion;

    use super::super::lint_project;

    const GET_ONLY: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: viewer
  namespace: apps
rules:
  - apiGroups: [\"\"]
    resources: [\"pods/exec\", \"pods/attach\"]
    verbs: [\"get\"]
";

    #[test]
    fn get_is_enough_before_1_35() {
        let old = lint_project(
            "K8S505",
            KubernetesVersion::new(34),
            &[("r.yaml", GET_ONLY)],
        );
        assert_eq!(old.len(), 2, "{old:?}");
        assert!(old[0].message.contains("before Kubernetes 1.35"), "{old:?}");
        let current = lint_project(
            "K8S505",
            KubernetesVersion::new(35),
            &[("r.yaml", GET_ONLY)],
        );
        assert!(current.is_empty(), "{current:?}");
    }

    #[test]
    fn the_namespace_enforce_version_sets_the_target() {
        let namespace = "apiVersion: v1
kind: Namespace
metadata:
  name: apps
  labels:
    pod-security.kubernetes.io/enforce-version: v1.33
";
        let found = lint_project(
            "K8S505",
            KubernetesVersion::new(35),
            &[("ns.yaml", namespace), ("r.yaml", GET_ONLY)],
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }
}
