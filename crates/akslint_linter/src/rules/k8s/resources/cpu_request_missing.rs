use akslint_model::k8s::Workload;

use super::{pod_quantity, quantity, resource_containers};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers and init containers without a CPU request (`resources.requests.cpu`).
    ///
    /// ## Why it matters
    /// The scheduler places pods by their requests. A container without a CPU request counts
    /// as needing no CPU, so nodes get overcommitted, and under contention the container gets
    /// the smallest share of CPU time: a noisy neighbour (or an attacker burning CPU in another
    /// pod) can starve it. A request also reserves CPU for it on the node.
    ///
    /// When a container sets `resources.limits.cpu` but no request, Kubernetes defaults the
    /// request to the limit, so a CPU limit alone satisfies the rule. Ephemeral containers are
    /// not checked: Kubernetes does not allow them to set resources. From Kubernetes 1.34 a
    /// pod-level `spec.resources` CPU request (or limit) covers every container of the pod.
    ///
    /// This rule is opt-in: it is about capacity planning and fairness more than security.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: shop.azurecr.io/api:2.1.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: shop.azurecr.io/api:2.1.0
    ///     resources:
    ///       requests:
    ///         cpu: 250m
    /// ```
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides whether pod-level resources
    /// (1.34) count.
    ///
    /// ## References
    /// - [Kubernetes: resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    /// - [AKS: resource management best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-resource-management)
    pub struct CpuRequestMissing {
        code: "K8S302",
        name: "cpu-request-missing",
        category: Resources,
        severity: Note,
        default_enabled: false,
        scope: Scope::Workloads,
        references: [
            "kube-linter" => "unset-cpu-requirements",
            "checkov" => "CKV_K8S_10",
            "trivy" => "KSV-0015",
            "polaris" => "cpuRequestsMissing",
        ],
    }
}

impl Rule for CpuRequestMissing {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let pod_level = pod_quantity(workload, cx, "requests", "cpu")
            .or_else(|| pod_quantity(workload, cx, "limits", "cpu"));
        if pod_level.is_some() {
            return;
        }
        for container in resource_containers(workload) {
            // A limit without a request defaults the request to the limit.
            let covered = quantity(container.node, "requests", "cpu")
                .or_else(|| quantity(container.node, "limits", "cpu"));
            if covered.is_some() {
                continue;
            }
            let message = format!(
                "{} of {} has no CPU request: the scheduler counts it as needing no CPU and it gets the smallest share under contention",
                container.describe(),
                workload.describe()
            );
            cx.report_missing(container.node, "resources.requests.cpu", message)
                .help("set `resources.requests.cpu` (e.g. `250m`) to the CPU the container needs in normal operation");
        }
    }
}
