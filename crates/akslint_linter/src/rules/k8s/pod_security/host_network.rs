use akslint_model::k8s::Workload;

use super::report_host_namespace;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags pods that set `hostNetwork: true` (any spelling Kubernetes reads as true, such as
    /// an unquoted `yes` or `on`).
    ///
    /// ## Why it matters
    /// A pod on the host network sees every interface of the node, can bind to its ports, reach
    /// services that listen on localhost (the kubelet's read-only port, node-local agents) and
    /// sniff traffic, and it bypasses network policies. The Pod Security Standards' baseline
    /// level forbids it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// spec:
    ///   hostNetwork: true
    /// ```
    ///
    /// ## Use instead
    /// Leave `hostNetwork` unset (it defaults to `false`) and expose the pod through a Service.
    ///
    /// ## Fix
    /// Unsafe: sets `hostNetwork: false`. A pod that uses the node's network (a CNI plugin, a node agent, an ingress controller bound to node ports) needs the host namespace and stops
    /// working; such a pod should keep it and carry a suppression with the reason.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Host Namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct HostNetwork {
        code: "K8S107",
        name: "host-network",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        fix: Unsafe,
        references: [
            "PSS" => "baseline: hostNamespaces",
            "kube-linter" => "host-network",
            "checkov" => "CKV_K8S_19",
            "trivy" => "KSV-0009",
            "Azure Policy" => "K8sAzureHostNetworkingPorts",
        ],
    }
}

impl Rule for HostNetwork {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        report_host_namespace(workload, cx, "hostNetwork", "network namespace");
    }
}
