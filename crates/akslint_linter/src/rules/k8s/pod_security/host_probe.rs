use akslint_model::k8s::Workload;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a non-empty `host` in the `httpGet` or `tcpSocket` action of a container's
    /// liveness, readiness or startup probe, or of its `postStart` or `preStop` lifecycle hook
    /// (init and ephemeral containers included), when targeting Kubernetes 1.34 or newer.
    ///
    /// ## Why it matters
    /// The kubelet runs probes and HTTP/TCP hooks from the node. Without `host` it connects to
    /// the pod's own IP address; with `host` it connects wherever the manifest says, with the
    /// node's network position: services listening on the node, the cloud metadata endpoint
    /// (`169.254.169.254` on Azure), or anything else the node can reach but the pod should not.
    /// Pod Security's baseline level forbids the field from policy version 1.34
    /// (`hostProbesAndHostLifecycle`); earlier versions do not check it, so neither does this
    /// rule when the target is older. No other common scanner checks it.
    ///
    /// To send a virtual-host name, set an HTTP `Host` header with `httpGet.httpHeaders` instead.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     host: 10.0.0.4
    ///     path: /healthz
    ///     port: 8080
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     path: /healthz
    ///     port: 8080
    ///     httpHeaders:
    ///       - name: Host
    ///         value: app.example.com
    /// ```
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides whether the check applies
    /// (1.34).
    ///
    /// ## References
    /// - [Pod Security Standards: Host Probes / Lifecycle Hooks](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub struct HostProbe {
        code: "K8S121",
        name: "host-probe",
        category: PodSecurity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        references: [
            "PSS" => "baseline: hostProbesAndHostLifecycle",
        ],
    }
}

/// The first policy version that checks the field.
const CHECKED_FROM: u32 = 34;

impl Rule for HostProbe {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if !cx.kubernetes_version().at_least(CHECKED_FROM) {
            return;
        }
        for container in workload.containers() {
            for (path, handler) in container.handlers() {
                for action in ["httpGet", "tcpSocket"] {
                    let Some(node) = handler.get(action).and_then(|a| a.get("host")) else {
                        continue;
                    };
                    let Some(host) = node.as_str().filter(|h| !h.is_empty()) else {
                        continue;
                    };
                    let message = format!(
                        "{} sets `{path}.{action}.host: {host}`: the kubelet connects to that host from the node instead of to the pod",
                        container.describe_in(workload)
                    );
                    let help = if action == "httpGet" {
                        "remove `host` so the kubelet targets the pod's IP; to send a virtual-host name, add a `Host` header under `httpHeaders`"
                    } else {
                        "remove `host` so the kubelet targets the pod's IP"
                    };
                    cx.report_node(node, message).help(help);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint_at;

    const PROBES: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      readinessProbe: {tcpSocket: {host: db.internal, port: 5432}}
      lifecycle:
        preStop: {httpGet: {host: 169.254.169.254, path: /metadata, port: 80}}
";

    #[test]
    fn checked_only_from_1_34() {
        assert!(lint_at("K8S121", 33, PROBES).is_empty());
        assert_eq!(lint_at("K8S121", 34, PROBES).len(), 2);
    }
}
