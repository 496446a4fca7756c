//! Resilience of the platform (AKS6xx, opt-in).

mod autoscaling_disabled;
mod availability_zones_missing;
mod free_tier_control_plane;
mod system_pool_not_dedicated;
mod system_pool_too_small;

pub use autoscaling_disabled::AutoscalingDisabled;
pub use availability_zones_missing::AvailabilityZonesMissing;
pub use free_tier_control_plane::FreeTierControlPlane;
pub use system_pool_not_dedicated::SystemPoolNotDedicated;
pub use system_pool_too_small::SystemPoolTooSmall;

use akslint_model::azure::{AgentPool, ApiVersion, Condition, Lookup, ManagedCluster, PoolSource};

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &AvailabilityZonesMissing,
    &SystemPoolTooSmall,
    &AutoscalingDisabled,
    &FreeTierControlPlane,
    &SystemPoolNotDedicated,
];

/// The first API version with node pool modes. Pools declared with an older one have no mode:
/// the system pods may run on any of them.
const FIRST_MODE_API_VERSION: &str = "2020-03-01";

/// The first API version with a pool's `availabilityZones`, `enableAutoScaling`, `minCount` and
/// `type`.
const FIRST_POOL_SCALING_API_VERSION: &str = "2019-02-01";

/// The pool's API version when it predates `availabilityZones` and `enableAutoScaling`, so the
/// help says to declare a newer one.
fn before_pool_scaling(pool: &AgentPool<'_, '_>) -> Option<ApiVersion> {
    pool.api_version()
        .filter(|version| !version.at_least(FIRST_POOL_SCALING_API_VERSION))
}

/// The node pools of a cluster that run its system pods, as far as the template tells.
enum SystemPools<'c, 't, 'a> {
    /// The system pools (`mode: System`; every pool declared with an API version that has no
    /// modes). Empty when the template declares none: the deployment then fails, or the
    /// system pool is declared elsewhere.
    Known(Vec<&'c AgentPool<'t, 'a>>),
    /// A pool that may be a system pool cannot be evaluated (its mode, the pool list, whether
    /// it is deployed): rules about the set of system pools cannot decide.
    Unknown,
    /// A `ManagedSystem` pool (preview): AKS sizes and runs the system pool itself.
    Managed,
}

/// The system pools of `cluster`.
///
/// A pool without `mode` is a user pool: from API version 2020-03-01 the resource provider
/// reads a missing mode as `User`, and rejects a cluster without any system pool
/// (`MustDefineAtLeastOneSystemPool`) rather than promoting the first pool. Before that
/// version there are no modes and every pool runs system pods, so each counts.
fn system_pools<'c, 't, 'a>(cluster: &'c ManagedCluster<'t, 'a>) -> SystemPools<'c, 't, 'a> {
    if cluster.unknown_profiles().is_some() {
        return SystemPools::Unknown;
    }
    let mut system = Vec::new();
    for pool in cluster.pools() {
        let mode = pool.property("mode");
        let is_system = match &mode {
            Lookup::Known(value) => match value.as_str() {
                Some(mode) if mode.eq_ignore_ascii_case("ManagedSystem") => {
                    return SystemPools::Managed;
                }
                Some(mode) => mode.eq_ignore_ascii_case("System"),
                None => false,
            },
            Lookup::Unknown(_) => return SystemPools::Unknown,
            Lookup::Absent { .. } => pool
                .api_version()
                .is_some_and(|version| !version.at_least(FIRST_MODE_API_VERSION)),
        };
        if !is_system {
            continue;
        }
        if may_not_exist(pool) {
            return SystemPools::Unknown;
        }
        system.push(pool);
    }
    SystemPools::Known(system)
}

/// Whether an `agentPools` resource is deployed only under a condition that cannot be
/// evaluated, or stands for a copy loop whose count is unknown: how many such pools exist is
/// unknown.
fn may_not_exist(pool: &AgentPool<'_, '_>) -> bool {
    pool.source == PoolSource::ChildResource
        && (pool.resource.condition == Condition::Unknown
            || pool
                .resource
                .copy
                .as_ref()
                .is_some_and(|copy| copy.index.is_none()))
}

/// Whether the pool's `type` is known to be other than `VirtualMachineScaleSets` (availability
/// set or single-VM pools: no zones, no cluster autoscaler). An absent `type` counts as a scale
/// set, the default of current API versions.
fn is_not_scale_set(pool: &AgentPool<'_, '_>) -> Option<String> {
    let kind = pool.property("type");
    let kind = kind.as_str()?;
    (!kind.eq_ignore_ascii_case("VirtualMachineScaleSets")).then(|| kind.to_owned())
}

/// "node pool `system`" or "agentPools `aks/system`": a pool named in a message that already
/// names its cluster.
fn pool_name(pool: &AgentPool<'_, '_>) -> String {
    match (pool.source, pool.name()) {
        (PoolSource::Profile { .. }, Some(name)) => format!("node pool `{name}`"),
        _ => pool.resource.describe(),
    }
}

/// The cluster's API version when it predates node pool modes, for messages that explain why
/// every pool counts as a system pool.
fn before_pool_modes(cluster: &ManagedCluster<'_, '_>) -> Option<ApiVersion> {
    cluster
        .api_version()
        .filter(|version| !version.at_least(FIRST_MODE_API_VERSION))
}
