use akslint_model::azure::{AgentPool, Lookup, PoolSource};

use super::{FIRST_POOL_SCALING_API_VERSION, before_pool_scaling, is_not_scale_set};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// Azure regions without availability zones (lower case, no spaces). A pool there cannot be
/// zonal, so it is not flagged. A region that gains zones later and stays in this list only
/// hides findings; it never raises a wrong one.
const REGIONS_WITHOUT_ZONES: &[&str] = &[
    "australiacentral",
    "australiacentral2",
    "australiasoutheast",
    "brazilsoutheast",
    "canadaeast",
    "chinaeast",
    "chinaeast2",
    "chinanorth",
    "chinanorth2",
    "francesouth",
    "germanynorth",
    "jioindiacentral",
    "jioindiawest",
    "koreasouth",
    "northcentralus",
    "norwaywest",
    "southafricawest",
    "southindia",
    "swedensouth",
    "switzerlandwest",
    "uaecentral",
    "ukwest",
    "usgovarizona",
    "usgovtexas",
    "westcentralus",
    "westindia",
    "westus",
];

declare_rule! {
    /// ## What it does
    /// Flags node pools without `availabilityZones` (absent, `null` or an empty list): every
    /// entry of a cluster's `agentPoolProfiles` and every
    /// `Microsoft.ContainerService/managedClusters/agentPools` resource. A pool whose `type` is
    /// `AvailabilitySet` is flagged too, since it cannot use zones at all.
    ///
    /// ## Why it matters
    /// Without availability zones AKS may place all the nodes of a pool in one datacenter of
    /// the region, and a zone outage takes the whole pool down. With zones the scale set
    /// spreads the nodes across them, and the control plane of a Standard tier cluster is zone
    /// redundant too. Zones are chosen when the pool is created and cannot be added later: the
    /// pool has to be recreated.
    ///
    /// The service default for a missing `availabilityZones` is no zones, so an absent value
    /// is flagged. A list of zones only known during deployment (`reference()`, a parameter
    /// without value) is not flagged, and neither is a pool pinned to a single zone (a
    /// deliberate zonal design, for example next to a zonal database). A cluster whose
    /// `location` is known to be a region without availability zones (such as `westus`,
    /// `northcentralus`, `ukwest`) is not flagged; a location only known at deployment
    /// (`resourceGroup().location`) is assumed to have zones. An `agentPools` resource does not
    /// carry the location, so its pool is flagged whatever the region. Pools whose `type` is
    /// `VirtualMachines` are left out. A pool declared with an API version older than
    /// 2019-02-01, which has no `availabilityZones`, is flagged with a help to declare a newer
    /// one. This is an opt-in rule (note): zones cost inter-zone
    /// traffic and are not available for every VM size.
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
    ///     "availabilityZones": ["1", "2", "3"]
    ///   }
    /// ]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: availability zones](https://learn.microsoft.com/azure/aks/availability-zones)
    /// - [PSRule: Azure.AKS.AvailabilityZone](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.AvailabilityZone/)
    /// - [ARM reference: ManagedClusterAgentPoolProfile.availabilityZones](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteragentpoolprofile)
    /// - [Azure regions with availability zones](https://learn.microsoft.com/azure/reliability/availability-zones-region-support)
    pub struct AvailabilityZonesMissing {
        code: "AKS601",
        name: "availability-zones-missing",
        category: Resilience,
        severity: Note,
        default_enabled: false,
        scope: Scope::NodePools,
        references: ["PSRule" => "Azure.AKS.AvailabilityZone"],
    }
}

impl Rule for AvailabilityZonesMissing {
    fn check_node_pool(&self, pool: &AgentPool<'_, '_>, cx: &mut Context<'_>) {
        if in_region_without_zones(pool) {
            return;
        }
        if let Some(kind) = is_not_scale_set(pool) {
            if kind.eq_ignore_ascii_case("AvailabilitySet") {
                let kind = pool.property("type");
                cx.report_value(
                    &kind,
                    format!(
                        "{} is an availability set, which cannot be spread across availability zones",
                        pool.describe()
                    ),
                )
                .help("use `\"type\": \"VirtualMachineScaleSets\"` with `\"availabilityZones\": [\"1\", \"2\", \"3\"]`");
            }
            return;
        }
        let zones = pool.property("availabilityZones");
        let message = match &zones {
            Lookup::Absent { .. } => format!(
                "{} has no `availabilityZones`: a zone outage can take down all its nodes",
                pool.describe()
            ),
            Lookup::Known(value) if value.as_array().is_some_and(<[_]>::is_empty) => format!(
                "{} has an empty `availabilityZones`: a zone outage can take down all its nodes",
                pool.describe()
            ),
            _ => return,
        };
        let help = match before_pool_scaling(pool) {
            Some(version) => format!(
                "declare apiVersion {FIRST_POOL_SCALING_API_VERSION} or newer ({version} has no availability zones) and set `\"availabilityZones\": [\"1\", \"2\", \"3\"]`"
            ),
            None => "set `\"availabilityZones\": [\"1\", \"2\", \"3\"]` (zones are chosen when the pool is created)".to_owned(),
        };
        cx.report_value(&zones, message).help(help);
    }
}

/// Whether the pool's cluster is declared in a region known to have no availability zones.
fn in_region_without_zones(pool: &AgentPool<'_, '_>) -> bool {
    if pool.source == PoolSource::ChildResource {
        return false;
    }
    let location = pool.resource.get("location");
    location.as_str().is_some_and(|location| {
        let region: String = location
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        REGIONS_WITHOUT_ZONES.contains(&region.as_str())
    })
}
