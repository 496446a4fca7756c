use akslint_model::k8s::Workload;

use super::{is_zero_quantity, pod_quantity, quantity, resource_containers};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers and init containers without a memory limit
    /// (`resources.limits.memory`), or with a limit of zero.
    ///
    /// ## Why it matters
    /// A container without a memory limit can take all the memory of its node: a leak, a
    /// traffic spike or a deliberate memory-exhaustion attack then gets neighbouring pods
    /// OOM-killed or evicted and can make the kubelet itself unstable. With a limit, the kernel
    /// kills only the offending container. A limit of `0` is read by the container runtime as
    /// no limit at all, so it is reported too.
    ///
    /// Ephemeral containers are not checked: Kubernetes does not allow them to set resources.
    /// From Kubernetes 1.34 a pod-level `spec.resources.limits.memory` bounds all containers of
    /// the pod together and satisfies the rule; before 1.34 the field is behind a disabled
    /// feature gate and does not count. A namespace `LimitRange` that injects default limits is
    /// not taken into account: the manifest should not depend on it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: shop.azurecr.io/api:2.1.0
    ///     resources:
    ///       requests:
    ///         memory: 256Mi
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: shop.azurecr.io/api:2.1.0
    ///     resources:
    ///       requests:
    ///         memory: 256Mi
    ///       limits:
    ///         memory: 512Mi
    /// ```
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides whether pod-level resources
    /// (1.34) count.
    ///
    /// ## References
    /// - [Kubernetes: resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    /// - [AKS: resource management best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-resource-management)
    pub struct MemoryLimitMissing {
        code: "K8S301",
        name: "memory-limit-missing",
        category: Resources,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        references: [
            "kube-linter" => "unset-memory-requirements",
            "checkov" => "CKV_K8S_13",
            "trivy" => "KSV-0018",
            "polaris" => "memoryLimitsMissing",
            "Azure Policy" => "K8sAzureContainerLimits",
        ],
    }
}

const HELP: &str =
    "set `resources.limits.memory` (e.g. `512Mi`) to the most memory the container may use";

impl Rule for MemoryLimitMissing {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if pod_quantity(workload, cx, "limits", "memory").is_some_and(|n| !is_zero_quantity(n)) {
            return;
        }
        for container in resource_containers(workload) {
            let who = || container.describe_in(workload);
            match quantity(container.node, "limits", "memory") {
                Some(limit) if is_zero_quantity(limit) => {
                    let message = format!(
                        "{} sets its memory limit to zero, which the container runtime reads as no limit",
                        who()
                    );
                    cx.report_node(limit, message).help(HELP);
                }
                Some(_) => {}
                None => {
                    let message = format!(
                        "{} has no memory limit: it can use all the memory of its node and get other pods killed or evicted",
                        who()
                    );
                    cx.report_missing(container.node, "resources.limits.memory", message)
                        .help(HELP);
                }
            }
        }
    }
}
