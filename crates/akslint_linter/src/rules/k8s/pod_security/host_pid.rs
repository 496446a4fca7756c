use akslint_model::k8s::Workload;

use super::report_host_namespace;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags pods that set `hostPID: true`.
    ///
    /// ## Why it matters
    /// A pod in the host's process namespace sees every process on the node, can read their
    /// environment and command lines (where secrets often are), and with enough privileges can
    /// signal or trace them. The Pod Security Standards' baseline level forbids it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// spec:
    ///   hostPID: true
    /// ```
    ///
    /// ## Use instead
    /// Leave `hostPID` unset (it defaults to `false`). To share processes between the
    /// containers of one pod, use `shareProcessNamespace: true` instead.
    ///
    /// ## Fix
    /// Unsafe: sets `hostPID: false`. A pod that sees or signals the node's processes (a node monitor, a debugger) needs the host namespace and stops
    /// working; such a pod should keep it and carry a suppression with the reason.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Host Namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub struct HostPid {
        code: "K8S108",
        name: "host-pid",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        fix: Unsafe,
        references: [
            "PSS" => "baseline: hostNamespaces",
            "kube-linter" => "host-pid",
            "checkov" => "CKV_K8S_17",
            "trivy" => "KSV-0010",
            "Azure Policy" => "K8sAzureBlockHostNamespace",
        ],
    }
}

impl Rule for HostPid {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        report_host_namespace(workload, cx, "hostPID", "process namespace");
    }
}
