use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

/// The first stable API version with `autoUpgradeProfile.nodeOSUpgradeChannel`, and the first
/// whose default for it is `NodeImage`.
const FIRST_NODE_OS_CHANNEL_API_VERSION: &str = "2023-06-01";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters whose node operating system is not kept patched by AKS:
    /// `properties.autoUpgradeProfile.nodeOSUpgradeChannel` is `None` or `Unmanaged` (anything
    /// but `NodeImage` or `SecurityPatch`), unless the cluster upgrade channel is
    /// `node-image`, which moves the nodes to new images as well.
    ///
    /// ## Why it matters
    /// Node images carry the kernel, the container runtime and the OS packages; their
    /// vulnerabilities are fixed in new images every week. `NodeImage` rolls the nodes to the
    /// new image, `SecurityPatch` applies the security updates AKS tested. `Unmanaged` leaves
    /// it to the distribution's unattended upgrades (untested by AKS, without the reboots the
    /// kernel needs, and nothing at all on Windows); `None` applies nothing.
    ///
    /// API versions matter here:
    /// - From `2023-06-01` the service default for an absent `nodeOSUpgradeChannel` is
    ///   `NodeImage`, so an absent channel passes.
    /// - Older API versions have no `nodeOSUpgradeChannel`; clusters they create are left
    ///   `Unmanaged`. Such a cluster is flagged when it does not set
    ///   `upgradeChannel: node-image`, and so is a `NodeImage` or `SecurityPatch` value
    ///   written with a stable API version that ignores it. Preview API versions before
    ///   `2023-06-01` had the property already; their explicit values are taken as written.
    ///
    /// Values are compared without case. A channel that cannot be evaluated is not flagged,
    /// nor is any cluster whose `upgradeChannel` cannot be evaluated (it may be `node-image`).
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "autoUpgradeProfile": { "upgradeChannel": "stable", "nodeOSUpgradeChannel": "None" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "autoUpgradeProfile": { "upgradeChannel": "stable", "nodeOSUpgradeChannel": "SecurityPatch" }
    /// }
    /// ```
    /// with a planned maintenance window (`aksManagedNodeOSUpgradeSchedule`).
    ///
    /// ## Fix
    /// Unsafe: replaces a literal `nodeOSUpgradeChannel` of `None` or `Unmanaged` with `NodeImage`. Nodes
    /// are then reimaged with new images on AKS's schedule (restarting their pods); add a planned
    /// maintenance window. No fix when the apiVersion predates the channel (that finding is about the
    /// apiVersion).
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: automatically upgrade node OS images](https://learn.microsoft.com/azure/aks/auto-upgrade-node-os-image)
    /// - [AKS: planned maintenance](https://learn.microsoft.com/azure/aks/planned-maintenance)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should enable node os auto-upgrade](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F04408ca5-aa10-42ce-8536-98955cdddd4c)
    pub struct NodeOsUpgradeDisabled {
        code: "AKS303",
        name: "node-os-upgrade-disabled",
        category: Upgrades,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: [
            "PSRule" => "Azure.AKS.NodeAutoUpgrade",
            "Azure Policy" => "04408ca5-aa10-42ce-8536-98955cdddd4c",
        ],
    }
}

const HELP: &str = "set `autoUpgradeProfile.nodeOSUpgradeChannel` to `NodeImage` or `SecurityPatch`, with a planned maintenance window";

impl Rule for NodeOsUpgradeDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let cluster_channel = cluster.property("autoUpgradeProfile.upgradeChannel");
        if cluster_channel.is_unknown() || cluster_channel.is_str_ignore_case("node-image") {
            return;
        }
        let channel = cluster.property("autoUpgradeProfile.nodeOSUpgradeChannel");
        // `None` when the API version is missing or unreadable: the property is then assumed
        // to be honoured with today's default.
        let api_version = cluster.api_version();
        let predates = api_version
            .filter(|v| !v.at_least(FIRST_NODE_OS_CHANNEL_API_VERSION))
            .map(|v| (v, v.preview));
        match &channel {
            Lookup::Absent { .. } => {
                let Some((version, _)) = predates else { return };
                cx.report_value(
                    &channel,
                    format!(
                        "{} uses apiVersion {version}, which has no `nodeOSUpgradeChannel`: the nodes' OS is left `Unmanaged`, to the distribution's unattended upgrades",
                        cluster.describe()
                    ),
                )
                .help(format!(
                    "declare apiVersion {FIRST_NODE_OS_CHANNEL_API_VERSION} or newer and {HELP}, or set `upgradeChannel: node-image`"
                ));
            }
            Lookup::Known(value) => {
                let Some(text) = value.as_str() else { return };
                let managed = ["NodeImage", "SecurityPatch"]
                    .iter()
                    .any(|good| text.eq_ignore_ascii_case(good));
                if managed {
                    if let Some((version, false)) = predates {
                        cx.report_value(
                            &channel,
                            format!(
                                "{} sets `nodeOSUpgradeChannel: {text}`, which apiVersion {version} does not have: the nodes' OS is left `Unmanaged`",
                                cluster.describe()
                            ),
                        )
                        .help(format!(
                            "declare apiVersion {FIRST_NODE_OS_CHANNEL_API_VERSION} or newer, or set `upgradeChannel: node-image`"
                        ));
                    }
                    return;
                }
                let effect = if text.eq_ignore_ascii_case("Unmanaged") {
                    "OS updates are left to the distribution's unattended upgrades, untested by AKS and without reboots (none on Windows)"
                } else {
                    "the nodes get no OS security updates"
                };
                // Only where the API version has the channel (else the finding is the version).
                let fix = if predates.is_none() {
                    cx.cluster_fix(
                        "set `autoUpgradeProfile.nodeOSUpgradeChannel: NodeImage`",
                        cluster,
                        &["properties", "autoUpgradeProfile", "nodeOSUpgradeChannel"],
                        &channel,
                        NewValue::Str("NodeImage"),
                    )
                } else {
                    None
                };
                cx.report_value(
                    &channel,
                    format!(
                        "{} sets `nodeOSUpgradeChannel: {text:?}`: {effect}",
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
