use akslint_model::azure::ManagedCluster;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that ask for the Basic load balancer
    /// (`properties.networkProfile.loadBalancerSku: basic`, in any case).
    ///
    /// ## Why it matters
    /// The Basic SKU of Azure Load Balancer is retired (30 September 2025): it has no SLA, no
    /// availability zones, and is open by default, where the Standard SKU is closed to inbound
    /// traffic unless a network security group allows it. AKS clusters on Basic cannot use
    /// several pools, authorized IP ranges, or most outbound options, and new clusters with
    /// it are no longer created.
    ///
    /// An absent `loadBalancerSku` passes: the service default is `standard`. A value that
    /// cannot be evaluated passes too.
    ///
    /// ## Example
    /// ```json
    /// "networkProfile": { "networkPlugin": "kubenet", "loadBalancerSku": "basic" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "networkProfile": { "networkPlugin": "azure", "loadBalancerSku": "standard" }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use a Standard public load balancer](https://learn.microsoft.com/azure/aks/load-balancer-standard)
    /// - [Azure Load Balancer: Basic SKU retirement](https://learn.microsoft.com/azure/load-balancer/skus)
    /// - [PSRule: Azure.AKS.StandardLB](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.StandardLB/)
    pub struct BasicLoadBalancer {
        code: "AKS207",
        name: "basic-load-balancer",
        category: ClusterNetwork,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["PSRule" => "Azure.AKS.StandardLB"],
    }
}

impl Rule for BasicLoadBalancer {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let sku = cluster.property("networkProfile.loadBalancerSku");
        if sku.is_str_ignore_case("basic") {
            cx.report_value(
                &sku,
                format!(
                    "{} uses the retired Basic load balancer (`loadBalancerSku: basic`)",
                    cluster.describe()
                ),
            )
            .help("set `networkProfile.loadBalancerSku` to `standard` (or remove it: `standard` is the default)");
        }
    }
}
