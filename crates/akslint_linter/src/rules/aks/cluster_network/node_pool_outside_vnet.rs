use akslint_model::azure::{AgentPool, Lookup};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags node pools without `vnetSubnetID`: every entry of a cluster's `agentPoolProfiles`
    /// and every `Microsoft.ContainerService/managedClusters/agentPools` resource, whether it
    /// is nested in the cluster, declared beside it, or deploys into a cluster of another
    /// template.
    ///
    /// ## Why it matters
    /// Without a subnet of your own, AKS puts the nodes into a virtual network it creates and
    /// manages in the node resource group. You then cannot put network security groups, route
    /// tables or a firewall in front of the nodes, peer the network with your hub, or reach
    /// private endpoints from it: egress control and a private cluster both start with nodes in
    /// a subnet you control. All pools of a cluster must be in the same virtual network, so a
    /// single pool without a subnet is already a finding.
    ///
    /// The value is evaluated: a subnet id from `resourceId()`, a parameter, a variable or a
    /// copy loop counts; an empty string does not. A subnet only known during deployment
    /// (`reference()`, a parameter without value) is not flagged.
    ///
    /// ## Example
    /// ```json
    /// "agentPoolProfiles": [
    ///   { "name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5" }
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "agentPoolProfiles": [
    ///   {
    ///     "name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5",
    ///     "vnetSubnetID": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-spoke', 'snet-nodes')]"
    ///   }
    /// ]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use your own virtual network (Azure CNI)](https://learn.microsoft.com/azure/aks/configure-azure-cni)
    /// - [AKS baseline architecture: network topology](https://learn.microsoft.com/azure/architecture/reference-architectures/containers/aks/baseline-aks#network-topology)
    /// - [ARM reference: ManagedClusterAgentPoolProfile.vnetSubnetID](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteragentpoolprofile)
    pub struct NodePoolOutsideVnet {
        code: "AKS203",
        name: "node-pool-outside-vnet",
        category: ClusterNetwork,
        severity: Warning,
        default_enabled: true,
        scope: Scope::NodePools,
        references: ["AKS baseline" => "seed: deploy into existing VNet subnets (no peer checks it)"],
    }
}

const HELP: &str = "set `vnetSubnetID` to the resource id of a subnet of your own virtual network, e.g. `[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet-nodes')]`";

impl Rule for NodePoolOutsideVnet {
    fn check_node_pool(&self, pool: &AgentPool<'_, '_>, cx: &mut Context<'_>) {
        let subnet = pool.property("vnetSubnetID");
        let message = match &subnet {
            Lookup::Absent { .. } => format!(
                "{} has no `vnetSubnetID`: its nodes go into a virtual network AKS creates and manages",
                pool.describe()
            ),
            Lookup::Known(value) if value.as_str().is_some_and(|s| s.trim().is_empty()) => format!(
                "{} has an empty `vnetSubnetID`: its nodes go into a virtual network AKS creates and manages",
                pool.describe()
            ),
            _ => return,
        };
        cx.report_value(&subnet, message).help(HELP);
    }
}
