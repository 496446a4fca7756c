use akslint_model::k8s::Workload;

use super::report_host_namespace;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags pods that set `hostIPC: true`.
    ///
    /// ## Why it matters
    /// A pod in the host's IPC namespace can read and write the shared memory segments and
    /// message queues of every process on the node. The Pod Security Standards' baseline level
    /// forbids it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// spec:
    ///   hostIPC: true
    /// ```
    ///
    /// ## Use instead
    /// Leave `hostIPC` unset (it defaults to `false`).
    ///
    /// ## Fix
    /// Unsafe: sets `hostIPC: false`. A pod that shares memory with processes on the node needs the host namespace and stops
    /// working; such a pod should keep it and carry a suppression with the reason.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Host Namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub struct HostIpc {
        code: "K8S109",
        name: "host-ipc",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        fix: Unsafe,
        references: [
            "PSS" => "baseline: hostNamespaces",
            "kube-linter" => "host-ipc",
            "checkov" => "CKV_K8S_18",
            "trivy" => "KSV-0008",
            "Azure Policy" => "K8sAzureBlockHostNamespace",
        ],
    }
}

impl Rule for HostIpc {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        report_host_namespace(
            workload,
            cx,
            "hostIPC",
            "inter-process communication namespace",
        );
    }
}
