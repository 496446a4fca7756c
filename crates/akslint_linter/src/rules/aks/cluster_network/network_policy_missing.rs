use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters without a network policy engine:
    /// `properties.networkProfile.networkPolicy` absent, `none` or empty. `azure`, `calico` and
    /// `cilium` pass, in any case.
    ///
    /// ## Why it matters
    /// Kubernetes `NetworkPolicy` objects are only enforced when the cluster runs a network
    /// policy engine. Without one every pod can reach every other pod and every node: one
    /// compromised workload can scan and attack the rest of the cluster, and the policies in
    /// your manifests silently do nothing. The service default for an absent `networkPolicy`
    /// is no engine (`none`), so absent is flagged.
    ///
    /// Not flagged:
    /// - `networkPlugin: none` (bring your own CNI): AKS installs no networking, and the CNI
    ///   you install (Cilium, Calico, ...) is what enforces policies;
    /// - `networkDataplane: cilium` without `networkPolicy`: Azure CNI powered by Cilium
    ///   enforces policies with Cilium (AKS202 checks that the two agree);
    /// - a value that cannot be evaluated (`reference()`, a parameter without value).
    ///
    /// Cilium (with `networkDataplane: cilium`) is the engine AKS recommends.
    ///
    /// ## Example
    /// ```json
    /// "networkProfile": {
    ///   "networkPlugin": "azure",
    ///   "networkPluginMode": "overlay"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "networkProfile": {
    ///   "networkPlugin": "azure",
    ///   "networkPluginMode": "overlay",
    ///   "networkDataplane": "cilium",
    ///   "networkPolicy": "cilium"
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: secure traffic between pods with network policies](https://learn.microsoft.com/azure/aks/use-network-policies)
    /// - [AKS: Azure CNI powered by Cilium](https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium)
    /// - [Kubernetes: network policies](https://kubernetes.io/docs/concepts/services-networking/network-policies/)
    pub struct NetworkPolicyMissing {
        code: "AKS201",
        name: "network-policy-missing",
        category: ClusterNetwork,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: [
            "PSRule" => "Azure.AKS.NetworkPolicy",
            "checkov" => "CKV_AZURE_7",
            "trivy" => "AVD-AZU-0043",
        ],
    }
}

const HELP: &str = "set `networkProfile.networkPolicy` to `cilium` (with `networkDataplane: cilium`), `calico` or `azure`";

impl Rule for NetworkPolicyMissing {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        if cluster
            .property("networkProfile.networkPlugin")
            .is_str_ignore_case("none")
        {
            return;
        }
        let policy = cluster.property("networkProfile.networkPolicy");
        let message = match &policy {
            Lookup::Absent { .. } => {
                if cluster
                    .property("networkProfile.networkDataplane")
                    .is_str_ignore_case("cilium")
                {
                    return;
                }
                format!(
                    "{} sets no `networkProfile.networkPolicy`: no network policy engine runs, so NetworkPolicy objects are not enforced and every pod can reach every other pod",
                    cluster.describe()
                )
            }
            Lookup::Known(value) => match value.as_str() {
                Some(text) if text.eq_ignore_ascii_case("none") || text.trim().is_empty() => {
                    format!(
                        "{} runs no network policy engine (`networkPolicy: {text:?}`): NetworkPolicy objects are not enforced and every pod can reach every other pod",
                        cluster.describe()
                    )
                }
                _ => return,
            },
            Lookup::Unknown(_) => return,
        };
        cx.report_value(&policy, message).help(HELP);
    }
}
