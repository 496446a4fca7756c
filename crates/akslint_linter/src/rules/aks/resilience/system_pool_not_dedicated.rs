use akslint_model::azure::{AgentPool, Lookup, ManagedCluster};

use super::{FIRST_MODE_API_VERSION, SystemPools, before_pool_modes, pool_name, system_pools};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The taint key AKS's system pods tolerate (`operator: Exists`), so only they and
/// DaemonSets run on a pool that carries it.
const CRITICAL_ADDONS_ONLY: &str = "CriticalAddonsOnly";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters where no system node pool carries the taint
    /// `CriticalAddonsOnly=true:NoSchedule` in its `nodeTaints`, so application pods share the
    /// nodes of CoreDNS, metrics-server and konnectivity. System pools are the pools with
    /// `mode: System` among `agentPoolProfiles` and the cluster's `agentPools` resources.
    ///
    /// ## Why it matters
    /// AKS prefers to schedule its system pods on system pools, but nothing keeps application
    /// pods off them. A workload that leaks memory, fills the disk or floods the network on a
    /// system node then starves DNS and the API server tunnel of the whole cluster. The AKS
    /// baseline dedicates the system pool with the `CriticalAddonsOnly` taint, which the
    /// system pods tolerate, and runs workloads in `mode: User` pools. Terraform's
    /// `only_critical_addons_enabled` (checkov's `CKV_AZURE_232`) writes the same taint; ARM has
    /// no separate property for it.
    ///
    /// Any value of the taint counts (`CriticalAddonsOnly:NoSchedule` too, as the system pods
    /// tolerate the key whatever its value), with the effect `NoSchedule` or `NoExecute`;
    /// `PreferNoSchedule` does not keep pods off. One tainted system pool is enough to pass.
    /// Service defaults relied on: a pool without `mode` is a user pool from API version
    /// 2020-03-01 on; with an older API version there are no modes, every pool runs system
    /// pods and counts as a system pool. A cluster with a single pool is flagged too: add a
    /// user pool for the workloads. Nothing is flagged when a taint, a mode or the list of
    /// pools is only known during deployment, for a `ManagedSystem` pool (preview, run by
    /// AKS), or when the template declares no system pool.
    ///
    /// ## Example
    /// ```json
    /// "agentPoolProfiles": [
    ///   { "name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5" },
    ///   { "name": "apps", "mode": "User", "count": 3, "vmSize": "Standard_D8ds_v5" }
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "agentPoolProfiles": [
    ///   {
    ///     "name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5",
    ///     "nodeTaints": ["CriticalAddonsOnly=true:NoSchedule"]
    ///   },
    ///   { "name": "apps", "mode": "User", "count": 3, "vmSize": "Standard_D8ds_v5" }
    /// ]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: system node pools (taint a system pool)](https://learn.microsoft.com/azure/aks/use-system-pools#system-and-user-node-pools)
    /// - [AKS baseline architecture: node pools](https://learn.microsoft.com/azure/architecture/reference-architectures/containers/aks/baseline-aks#plan-the-node-pools)
    /// - [checkov CKV_AZURE_232 (Terraform): only critical system pods on system nodes](https://docs.prismacloud.io/en/enterprise-edition/policy-reference/azure-policies/azure-kubernetes-policies/bc-azure-232)
    pub struct SystemPoolNotDedicated {
        code: "AKS605",
        name: "system-pool-not-dedicated",
        category: Resilience,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: ["checkov" => "TF CKV_AZURE_232"],
    }
}

impl Rule for SystemPoolNotDedicated {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let SystemPools::Known(pools) = system_pools(cluster) else {
            return;
        };
        let mut first_untainted = None;
        for pool in &pools {
            match taint_state(pool) {
                Taint::Dedicated | Taint::Unknown => return,
                Taint::Missing(taints) => {
                    first_untainted.get_or_insert((*pool, taints));
                }
            }
        }
        let Some((pool, taints)) = first_untainted else {
            return;
        };
        let which = if pools.len() == 1 {
            format!("its system pool ({})", pool_name(pool))
        } else {
            format!("none of its {} system pools", pools.len())
        };
        let verb = if pools.len() == 1 { "lacks" } else { "has" };
        let mut message = format!(
            "{} is not dedicated to system pods: {which} {verb} the taint `CriticalAddonsOnly=true:NoSchedule`, so application pods can crowd out CoreDNS and the other system pods",
            cluster.describe()
        );
        let mut help = String::from(
            "add `\"nodeTaints\": [\"CriticalAddonsOnly=true:NoSchedule\"]` to the system pool and run workloads in `\"mode\": \"User\"` pools",
        );
        if let Some(version) = before_pool_modes(cluster) {
            message.push_str(&format!(
                " (apiVersion {version} has no pool modes: every pool runs system pods)"
            ));
            help = format!(
                "declare apiVersion {FIRST_MODE_API_VERSION} or newer, give a `\"mode\": \"System\"` pool `\"nodeTaints\": [\"CriticalAddonsOnly=true:NoSchedule\"]` and run workloads in `\"mode\": \"User\"` pools"
            );
        }
        cx.report_value(&taints, message).help(help);
    }
}

/// What a system pool's `nodeTaints` say about dedication.
enum Taint<'t, 'a> {
    /// It carries a `CriticalAddonsOnly` taint that keeps other pods off.
    Dedicated,
    /// The taints (or one of them) are only known during deployment.
    Unknown,
    /// No such taint: the lookup to report at.
    Missing(Lookup<'t, 'a>),
}

fn taint_state<'t, 'a>(pool: &AgentPool<'t, 'a>) -> Taint<'t, 'a> {
    let taints = pool.property("nodeTaints");
    match &taints {
        Lookup::Known(value) => {
            let Some(items) = value.as_array() else {
                return Taint::Missing(taints);
            };
            let mut unknown = false;
            for item in items {
                if item.is_unknown() {
                    unknown = true;
                } else if item.as_str().is_some_and(dedicates) {
                    return Taint::Dedicated;
                }
            }
            if unknown {
                Taint::Unknown
            } else {
                Taint::Missing(taints)
            }
        }
        Lookup::Unknown(_) => Taint::Unknown,
        Lookup::Absent { .. } => Taint::Missing(taints),
    }
}

/// Whether a taint written `key[=value]:Effect` is `CriticalAddonsOnly` with an effect that
/// keeps pods without the toleration off the node.
fn dedicates(taint: &str) -> bool {
    let Some((key_value, effect)) = taint.trim().rsplit_once(':') else {
        return false;
    };
    let key = key_value.split_once('=').map_or(key_value, |(key, _)| key);
    key.trim() == CRITICAL_ADDONS_ONLY && matches!(effect.trim(), "NoSchedule" | "NoExecute")
}

#[cfg(test)]
mod tests {
    use super::dedicates;

    #[test]
    fn the_taint_is_read_like_kubernetes() {
        assert!(dedicates("CriticalAddonsOnly=true:NoSchedule"));
        assert!(dedicates("CriticalAddonsOnly:NoSchedule"));
        assert!(dedicates(" CriticalAddonsOnly=yes:NoExecute "));
        assert!(!dedicates("CriticalAddonsOnly=true:PreferNoSchedule"));
        assert!(!dedicates("criticaladdonsonly=true:NoSchedule"));
        assert!(!dedicates("CriticalAddonsOnly=true"));
        assert!(!dedicates("sku=gpu:NoSchedule"));
    }
}
