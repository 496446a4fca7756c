use akslint_model::k8s::Object;

use super::{ROLE_KINDS, Target, Verbs, grants};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags rules of Roles and ClusterRoles that grant any verb on `nodes/proxy` of the core
    /// API group, also through `resources: ["*"]` or the subresource wildcard `*/proxy`.
    ///
    /// ## Why it matters
    /// `nodes/proxy` forwards requests to the kubelet API of the node. The kubelet API runs
    /// commands in every container on the node (`/exec`, `/run`, `/attach`), reads logs and
    /// pod specs, and these requests bypass the API server's admission control and audit
    /// logging. Even `get` is enough: the kubelet authorizes a WebSocket `exec` (an HTTP
    /// `GET`) with the `get` verb, so read-only looking access gives code execution in every
    /// pod of the node, and with a ClusterRole of every node.
    ///
    /// Monitoring agents sometimes ask for `nodes/proxy` to scrape kubelet metrics; the
    /// narrower subresources `nodes/metrics` and `nodes/stats` serve that purpose and are not
    /// flagged.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: metrics
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/proxy"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/metrics", "nodes/stats"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, access to the proxy subresource of Nodes](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes)
    /// - [Kubernetes: kubelet authentication and authorization](https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/)
    pub struct RbacNodesProxy {
        code: "K8S508",
        name: "rbac-nodes-proxy",
        category: Rbac,
        severity: Error,
        default_enabled: true,
        scope: Scope::Kinds(ROLE_KINDS),
        references: [
            "trivy" => "KSV-0047",
            "checkov" => "CKV2_K8S_2",
        ],
    }
}

const NODES_PROXY: [Target; 1] = [Target::new("", "nodes/proxy")];

impl Rule for RbacNodesProxy {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for grant in grants(object, Verbs::Any, &NODES_PROXY) {
            let message = format!(
                "{} grants {}: holders can call the kubelet API and run commands in every container of the nodes, bypassing admission and audit",
                object.describe(),
                grant.describe()
            );
            cx.report_node(grant.item, message).help(
                "remove `nodes/proxy`; to read kubelet metrics grant `get` on `nodes/metrics` and `nodes/stats` instead",
            );
        }
    }
}
