use crate::context::{ProjectContext, WithHelp};
use crate::project::ProjectIndex;
use crate::{Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags namespaces that have workloads in the input but no `NetworkPolicy` in the input
    /// (project-wide: every file of the run is considered together).
    ///
    /// ## Why it matters
    /// Kubernetes lets every pod talk to every other pod of the cluster, in any namespace,
    /// until a network policy selects it. A compromised pod can then reach databases, internal
    /// APIs and the pods of other teams. AKS enforces network policies with Azure Network
    /// Policy Manager, Calico or Cilium (Azure CNI powered by Cilium); a default-deny policy per
    /// namespace, plus policies that allow the expected flows, limits what an attacker can
    /// reach.
    ///
    /// Namespaces are compared as written: workloads and policies without
    /// `metadata.namespace` go to the namespace chosen at deploy time (`kubectl -n`, Helm's
    /// release namespace), so they only match each other. The finding points at the
    /// `Namespace` object when it is in the input, otherwise at the namespace's first workload
    /// (by file path, then position). `networking.k8s.io` `NetworkPolicy`, Cilium's
    /// `CiliumNetworkPolicy` and Calico's `NetworkPolicy` count for their namespace; a
    /// cluster-wide policy in the input (`CiliumClusterwideNetworkPolicy`, Calico's
    /// `GlobalNetworkPolicy`, `AdminNetworkPolicy`) silences the rule for every namespace.
    /// Whether the policies actually select the workloads is not checked.
    ///
    /// This rule is opt-in: policies are often managed by the platform team, outside the
    /// application's manifests, and a run over one application cannot see them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// ```
    /// and no NetworkPolicy in namespace `shop`.
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny
    ///   namespace: shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    /// plus policies that allow the traffic the workloads need.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: secure traffic between pods with network policies](https://learn.microsoft.com/azure/aks/use-network-policies)
    /// - [AKS: best practices for network connectivity and security](https://learn.microsoft.com/azure/aks/operator-best-practices-network)
    /// - [Kubernetes: network policies](https://kubernetes.io/docs/concepts/services-networking/network-policies/)
    pub struct NamespaceWithoutNetworkPolicy {
        code: "K8S606",
        name: "namespace-without-network-policy",
        category: Network,
        severity: Warning,
        default_enabled: false,
        scope: Scope::Project,
        references: [
            "kube-linter" => "non-isolated-pod",
            "checkov" => "CKV2_K8S_6",
            "AKS best practices" => "network connectivity: network policies",
        ],
    }
}

impl Rule for NamespaceWithoutNetworkPolicy {
    fn check_project(&self, project: &ProjectIndex, cx: &mut ProjectContext<'_>) {
        // A cluster-wide policy (Cilium, Calico, AdminNetworkPolicy) may isolate every
        // namespace; what it selects is not decided here.
        if project.cluster_network_policy.is_some() {
            return;
        }
        for (namespace, workload) in &project.workload_namespaces {
            if project.network_policy_namespaces.contains_key(namespace) {
                continue;
            }
            let (name, location) = match namespace {
                Some(name) => (
                    format!("namespace `{name}`"),
                    project
                        .namespace(Some(name))
                        .map_or(&workload.location, |facts| &facts.location),
                ),
                None => (
                    "the namespace chosen at deploy time".to_owned(),
                    &workload.location,
                ),
            };
            let message = format!(
                "{name} runs {} but has no NetworkPolicy in the input: its pods accept traffic from every pod of the cluster",
                workload.description
            );
            cx.report(location, message).help(
                "add a default-deny NetworkPolicy (`podSelector: {}`) to the namespace, and policies that allow the expected traffic",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::KubernetesVersion;
    use crate::test_support::lint_files;

    const WORKLOAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: web}]\n";

    #[test]
    fn a_cluster_wide_policy_in_another_file_counts_for_every_namespace() {
        let minor = KubernetesVersion::NEWEST.minor;
        assert_eq!(
            lint_files("K8S606", minor, &[("web.yaml", WORKLOAD)]).len(),
            1
        );
        let global = "apiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  selector: all()\n";
        let found = lint_files(
            "K8S606",
            minor,
            &[("web.yaml", WORKLOAD), ("policy.yaml", global)],
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
