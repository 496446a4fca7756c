use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with the `Base` SKU and the `Standard` tier (it still accepts `Paid`,
/// the older name of the paid tier; 2023-02-01 drops it).
const STANDARD_TIER_API_VERSION: &str = "2023-01-01";

/// The first API version with `sku` (and the paid tier, then called `Paid`).
const FIRST_SKU_API_VERSION: &str = "2020-03-01";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters on the Free tier: `sku.tier: Free` (any case), or no `sku.tier`,
    /// whose service default is Free.
    ///
    /// ## Why it matters
    /// The Free tier has no uptime SLA and a control plane sized for development: the API
    /// server gets fewer replicas and resources, and it is not guaranteed to be zone redundant.
    /// When it is slow or down, deployments, autoscaling, and every controller that watches
    /// the API stop working even though the nodes are up. The Standard tier (and Premium, which
    /// adds long-term support) gives a financially backed SLA of 99.95% with availability
    /// zones and scales the control plane with the cluster.
    ///
    /// `Standard` and `Premium` pass, and so does `Paid`, the name of the paid tier before API
    /// version 2023-01-01 (AKS305 flags it as legacy on newer API versions); the help suggests
    /// the name the declared API version knows. API versions older than 2020-03-01 have no
    /// `sku` at all: such clusters are on the Free tier and are flagged. A cluster of AKS
    /// Automatic (`sku.name: Automatic`) without a tier is not flagged: Automatic clusters run
    /// on the Standard tier. A tier only known during deployment is not flagged. This is an
    /// opt-in rule (note): the Free tier is fine for development and test clusters.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "sku": { "name": "Base", "tier": "Free" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "sku": { "name": "Base", "tier": "Standard" }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: Free, Standard and Premium pricing tiers](https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers)
    /// - [PSRule: Azure.AKS.UptimeSLA](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.UptimeSLA/)
    /// - [ARM reference: ManagedClusterSKU](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclustersku)
    pub struct FreeTierControlPlane {
        code: "AKS604",
        name: "free-tier-control-plane",
        category: Resilience,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: ["PSRule" => "Azure.AKS.UptimeSLA"],
    }
}

impl Rule for FreeTierControlPlane {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let tier = cluster.get("sku.tier");
        let message = match &tier {
            Lookup::Known(_) if tier.is_str_ignore_case("Free") => format!(
                "{} uses the Free tier (`sku.tier: Free`): its control plane has no uptime SLA",
                cluster.describe()
            ),
            Lookup::Absent { .. } if !cluster.get("sku.name").is_str_ignore_case("Automatic") => {
                format!(
                    "{} has no `sku.tier`, so it gets the Free tier: its control plane has no uptime SLA",
                    cluster.describe()
                )
            }
            _ => return,
        };
        let help = match cluster.api_version() {
            Some(version) if !version.at_least(FIRST_SKU_API_VERSION) => {
                "declare apiVersion 2023-01-01 or newer (older than 2020-03-01 has no `sku`) and set `\"sku\": { \"name\": \"Base\", \"tier\": \"Standard\" }` for production clusters"
            }
            Some(version) if !version.at_least(STANDARD_TIER_API_VERSION) => {
                "set `\"sku\": { \"name\": \"Basic\", \"tier\": \"Paid\" }` for production clusters (apiVersion 2023-01-01 and later call it `Standard`)"
            }
            _ => {
                "set `\"sku\": { \"name\": \"Base\", \"tier\": \"Standard\" }` for production clusters (`Premium` adds long-term support)"
            }
        };
        cx.report_value(&tier, message).help(help);
    }
}
