use akslint_model::azure::{AgentPool, Lookup, PoolSource};

use super::{FIRST_POOL_SCALING_API_VERSION, before_pool_scaling, is_not_scale_set};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags node pools that do not turn on the cluster autoscaler: `enableAutoScaling` absent,
    /// `null` or `false` (also the string `"false"`), in every entry of a cluster's
    /// `agentPoolProfiles` and every `Microsoft.ContainerService/managedClusters/agentPools`
    /// resource.
    ///
    /// ## Why it matters
    /// A pool with a fixed `count` cannot add nodes when pods stay pending after a traffic peak,
    /// a node failure or a zone outage, and cannot give them back when the load drops. The
    /// cluster autoscaler keeps the pool between `minCount` and `maxCount` from the pods'
    /// requests. The service default for a missing `enableAutoScaling` is off, so an absent
    /// value is flagged.
    ///
    /// Left out: pools whose `type` is `AvailabilitySet` or `VirtualMachines` (the cluster
    /// autoscaler works on scale sets, as PSRule's `Azure.AKS.AutoScaling` also assumes), pools
    /// of a cluster that provisions nodes itself (node auto-provisioning,
    /// `nodeProvisioningProfile.mode: Auto`, or AKS Automatic, `sku.name: Automatic`; an
    /// `agentPools` resource does not show its cluster's settings, so it is checked anyway),
    /// and values only known during deployment. A pool declared with an API version older than
    /// 2019-02-01, which has no autoscaler settings, is flagged with a help to declare a newer
    /// one. This is an opt-in rule (note): a fixed size can
    /// be a deliberate choice, for example for licensed or stateful workloads.
    ///
    /// ## Example
    /// ```json
    /// { "name": "apps", "mode": "User", "count": 3, "vmSize": "Standard_D8ds_v5" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "name": "apps", "mode": "User", "count": 3, "vmSize": "Standard_D8ds_v5",
    ///   "enableAutoScaling": true, "minCount": 3, "maxCount": 10
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: cluster autoscaler](https://learn.microsoft.com/azure/aks/cluster-autoscaler)
    /// - [PSRule: Azure.AKS.AutoScaling](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.AutoScaling/)
    /// - [ARM reference: ManagedClusterAgentPoolProfile.enableAutoScaling](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteragentpoolprofile)
    pub struct AutoscalingDisabled {
        code: "AKS603",
        name: "autoscaling-disabled",
        category: Resilience,
        severity: Note,
        default_enabled: false,
        scope: Scope::NodePools,
        references: ["PSRule" => "Azure.AKS.AutoScaling"],
    }
}

const HELP: &str = "set `\"enableAutoScaling\": true` with `minCount` and `maxCount` bounds";

impl Rule for AutoscalingDisabled {
    fn check_node_pool(&self, pool: &AgentPool<'_, '_>, cx: &mut Context<'_>) {
        if is_not_scale_set(pool).is_some() || provisions_nodes_itself(pool) {
            return;
        }
        let autoscaling = pool.property("enableAutoScaling");
        let message = match &autoscaling {
            Lookup::Absent { .. } => format!(
                "{} has no `enableAutoScaling`: its node count stays fixed under load and after node failures",
                pool.describe()
            ),
            Lookup::Known(_) if autoscaling.is_false() => format!(
                "{} turns the cluster autoscaler off (`enableAutoScaling: false`): its node count stays fixed under load and after node failures",
                pool.describe()
            ),
            _ => return,
        };
        let help = match before_pool_scaling(pool) {
            Some(version) => format!(
                "declare apiVersion {FIRST_POOL_SCALING_API_VERSION} or newer ({version} has no cluster autoscaler) and {HELP}"
            ),
            None => HELP.to_owned(),
        };
        cx.report_value(&autoscaling, message).help(help);
    }
}

/// Whether the pool's cluster adds nodes without the cluster autoscaler: node auto-provisioning
/// (Karpenter) or AKS Automatic. Only known for pools declared in the cluster itself.
fn provisions_nodes_itself(pool: &AgentPool<'_, '_>) -> bool {
    if pool.source == PoolSource::ChildResource {
        return false;
    }
    let cluster = pool.resource;
    cluster
        .property("nodeProvisioningProfile.mode")
        .is_str_ignore_case("Auto")
        || cluster.get("sku.name").is_str_ignore_case("Automatic")
}
