use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with `autoUpgradeProfile`.
const FIRST_AUTO_UPGRADE_API_VERSION: &str = "2020-11-01";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters without an automatic Kubernetes upgrade channel:
    /// `properties.autoUpgradeProfile.upgradeChannel` absent, `none` or empty.
    ///
    /// ## Why it matters
    /// Kubernetes patch releases carry the fixes for vulnerabilities in the API server, the
    /// kubelet and the other components, and a minor version leaves AKS support twelve
    /// months after its release. Without an upgrade channel nothing is upgraded until someone
    /// does it by hand, and clusters drift out of support (see AKS301). The service default
    /// for an absent channel is `none`, so an absent `upgradeChannel` is flagged, and so is
    /// an API version older than `2020-11-01`, which has no `autoUpgradeProfile`. AKS
    /// Automatic clusters (`sku.name: Automatic`) are upgraded on the `stable` channel by
    /// default and pass without one.
    ///
    /// `patch`, `stable`, `rapid` and `node-image` pass. `node-image` only keeps the node
    /// images current, not the Kubernetes version; it is accepted here as a deliberate choice
    /// of an automatic channel (the Azure Policy built-in is stricter and allows only
    /// `rapid`, `stable` and `patch`; PSRule accepts any channel but `none`). The values are
    /// compared without case. A channel that cannot be evaluated is not flagged.
    ///
    /// Pair the channel with a planned maintenance window
    /// (`maintenanceConfigurations/aksManagedAutoUpgradeSchedule`) so upgrades happen when
    /// you expect them.
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "autoUpgradeProfile": { "upgradeChannel": "none" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "autoUpgradeProfile": { "upgradeChannel": "stable", "nodeOSUpgradeChannel": "NodeImage" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `autoUpgradeProfile.upgradeChannel` to `stable` (adding it, or replacing a literal
    /// `none`). The cluster then upgrades its Kubernetes minor version on its own, which can break
    /// workloads that use removed APIs; add a planned maintenance window. No fix when the apiVersion
    /// predates the property.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: automatically upgrade a cluster](https://learn.microsoft.com/azure/aks/auto-upgrade-cluster)
    /// - [AKS: planned maintenance](https://learn.microsoft.com/azure/aks/planned-maintenance)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should enable cluster auto-upgrade](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F5c345cdf-2049-47e0-b8fe-b0e96bc2df35)
    pub struct AutoUpgradeDisabled {
        code: "AKS302",
        name: "auto-upgrade-disabled",
        category: Upgrades,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: [
            "PSRule" => "Azure.AKS.AutoUpgrade",
            "checkov" => "CKV_AZURE_171",
            "Azure Policy" => "5c345cdf-2049-47e0-b8fe-b0e96bc2df35",
        ],
    }
}

const HELP: &str = "set `autoUpgradeProfile.upgradeChannel` to `stable` (`patch` stays on the minor version, `rapid` follows the newest), with a planned maintenance window";

impl Rule for AutoUpgradeDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let channel = cluster.property("autoUpgradeProfile.upgradeChannel");
        let fix = |cx: &Context<'_>| {
            cx.cluster_fix(
                "set `autoUpgradeProfile.upgradeChannel: stable`",
                cluster,
                &["properties", "autoUpgradeProfile", "upgradeChannel"],
                &channel,
                NewValue::Str("stable"),
            )
        };
        match &channel {
            Lookup::Absent { .. } => {
                if cluster.get("sku.name").is_str_ignore_case("Automatic") {
                    return;
                }
                if let Some(version) = cluster.api_version()
                    && !version.at_least(FIRST_AUTO_UPGRADE_API_VERSION)
                {
                    cx.report_value(
                        &channel,
                        format!(
                            "{} uses apiVersion {version}, which has no `autoUpgradeProfile`: Kubernetes is never upgraded automatically",
                            cluster.describe()
                        ),
                    )
                    .help(format!(
                        "declare apiVersion {FIRST_AUTO_UPGRADE_API_VERSION} or newer and {HELP}"
                    ));
                    return;
                }
                let fix = fix(cx);
                cx.report_value(
                    &channel,
                    format!(
                        "{} sets no `autoUpgradeProfile.upgradeChannel`: the default `none` never upgrades Kubernetes automatically",
                        cluster.describe()
                    ),
                )
                .with_fix(fix)
                .help(HELP);
            }
            Lookup::Known(value) => {
                let Some(text) = value.as_str() else { return };
                if !(text.eq_ignore_ascii_case("none") || text.trim().is_empty()) {
                    return;
                }
                let fix = fix(cx);
                cx.report_value(
                    &channel,
                    format!(
                        "{} turns automatic Kubernetes upgrades off (`upgradeChannel: {text:?}`)",
                        cluster.describe()
                    ),
                )
                .with_fix(fix)
                .help(HELP);
            }
            Lookup::Unknown(_) => {}
        }
    }
}
