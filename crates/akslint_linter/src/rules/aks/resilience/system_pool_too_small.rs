use akslint_model::azure::{AgentPool, Lookup, ManagedCluster};

use super::{SystemPools, before_pool_modes, pool_name, system_pools};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The fewest system nodes that keep the system pods available while one node is drained for
/// an upgrade and another fails.
const MINIMUM_SYSTEM_NODES: i64 = 3;

declare_rule! {
    /// ## What it does
    /// Flags managed clusters whose system node pools have fewer than 3 nodes in total. A pool
    /// counts with its `minCount` when `enableAutoScaling` is true (the floor the autoscaler
    /// may scale down to), otherwise with its `count`. System pools are the pools with
    /// `mode: System`, among `agentPoolProfiles` and the cluster's `agentPools` resources.
    ///
    /// ## Why it matters
    /// The system pools run CoreDNS, metrics-server, konnectivity and the other pods the cluster
    /// cannot work without. With one or two nodes, an upgrade that drains a node, a node
    /// failure or a zone outage leaves too little room for them, and DNS or the API server
    /// tunnel fail for every workload. AKS recommends at least three system nodes in
    /// production, as PSRule's `Azure.AKS.MinNodeCount` checks (it counts every system pool,
    /// not only the first).
    ///
    /// Service defaults relied on: a missing `count` is 1; a pool without `mode` is a user
    /// pool (from API version 2020-03-01 the resource provider does not promote the first pool
    /// to a system pool: a template without any `mode: System` pool fails to deploy, so such
    /// a cluster is not flagged); with an API version older than 2020-03-01 there are no modes
    /// and every pool runs system pods, so all pools count. With autoscaling on and no
    /// `minCount`, `count` is used.
    ///
    /// Nothing is flagged when a number, a mode or the list of pools is only known during
    /// deployment, or when a system `agentPools` resource has a condition or a copy count that
    /// cannot be evaluated: the total is then unknown. A `ManagedSystem` pool (preview) is
    /// sized by AKS and is not flagged. System pools declared in another template of the same
    /// cluster are not counted.
    ///
    /// ## Example
    /// ```json
    /// "agentPoolProfiles": [
    ///   { "name": "system", "mode": "System", "count": 1, "vmSize": "Standard_D4ds_v5" },
    ///   { "name": "apps", "mode": "User", "count": 5, "vmSize": "Standard_D8ds_v5" }
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "agentPoolProfiles": [
    ///   {
    ///     "name": "system", "mode": "System", "vmSize": "Standard_D4ds_v5",
    ///     "enableAutoScaling": true, "count": 3, "minCount": 3, "maxCount": 5
    ///   },
    ///   { "name": "apps", "mode": "User", "count": 5, "vmSize": "Standard_D8ds_v5" }
    /// ]
    /// ```
    ///
    /// ## Options
    /// None: the minimum is 3 system nodes.
    ///
    /// ## References
    /// - [AKS: manage system node pools](https://learn.microsoft.com/azure/aks/use-system-pools)
    /// - [PSRule: Azure.AKS.MinNodeCount](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.MinNodeCount/)
    /// - [ARM reference: ManagedClusterAgentPoolProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteragentpoolprofile)
    pub struct SystemPoolTooSmall {
        code: "AKS602",
        name: "system-pool-too-small",
        category: Resilience,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: ["PSRule" => "Azure.AKS.MinNodeCount"],
    }
}

impl Rule for SystemPoolTooSmall {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let SystemPools::Known(pools) = system_pools(cluster) else {
            return;
        };
        let mut total = 0;
        let mut counted = Vec::new();
        for pool in pools {
            let Some(size) = minimum_size(pool) else {
                return;
            };
            total += size.nodes;
            counted.push((pool, size));
        }
        let Some((first_pool, first)) = counted.first() else {
            return;
        };
        if total >= MINIMUM_SYSTEM_NODES {
            return;
        }
        let nodes = if total == 1 { "node" } else { "nodes" };
        let mut message = if counted.len() == 1 {
            format!(
                "{} has {total} system {nodes} (`{}` of {}); fewer than {MINIMUM_SYSTEM_NODES} cannot keep the system pods up through an upgrade or a node failure",
                cluster.describe(),
                first.field,
                pool_name(first_pool),
            )
        } else {
            format!(
                "{} has {total} system {nodes} in {} system pools; fewer than {MINIMUM_SYSTEM_NODES} cannot keep the system pods up through an upgrade or a node failure",
                cluster.describe(),
                counted.len(),
            )
        };
        if let Some(version) = before_pool_modes(cluster) {
            message.push_str(&format!(
                " (apiVersion {version} has no pool modes: every pool runs system pods)"
            ));
        }
        cx.report_value(&first.lookup, message).help(format!(
            "give the system pools at least {MINIMUM_SYSTEM_NODES} nodes: `\"count\": {MINIMUM_SYSTEM_NODES}`, or `\"minCount\": {MINIMUM_SYSTEM_NODES}` with `\"enableAutoScaling\": true`"
        ));
    }
}

/// How many nodes a pool is sure to have, and where that number is set.
struct PoolSize<'t, 'a> {
    nodes: i64,
    field: &'static str,
    lookup: Lookup<'t, 'a>,
}

/// The pool's floor: `minCount` when autoscaling is on, else `count` (1 when absent); `None`
/// when it cannot be evaluated.
fn minimum_size<'t, 'a>(pool: &AgentPool<'t, 'a>) -> Option<PoolSize<'t, 'a>> {
    let autoscaling = pool.property("enableAutoScaling");
    if autoscaling.is_unknown() {
        return None;
    }
    if autoscaling.is_true() {
        let min_count = pool.property("minCount");
        match &min_count {
            Lookup::Known(value) => {
                return Some(PoolSize {
                    nodes: value.as_int()?,
                    field: "minCount",
                    lookup: min_count,
                });
            }
            Lookup::Unknown(_) => return None,
            Lookup::Absent { .. } => {}
        }
    }
    let count = pool.property("count");
    let nodes = match &count {
        Lookup::Known(value) => value.as_int()?,
        Lookup::Unknown(_) => return None,
        Lookup::Absent { .. } => 1,
    };
    Some(PoolSize {
        nodes,
        field: "count",
        lookup: count,
    })
}
