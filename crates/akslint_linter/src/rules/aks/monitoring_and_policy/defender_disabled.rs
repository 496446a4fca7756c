use akslint_model::azure::ManagedCluster;

use super::switched_off;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first stable API version with `securityProfile.defender`; before it, the Defender
/// profile was `securityProfile.azureDefender` (from 2021-07-01).
const DEFENDER_API_VERSION: &str = "2022-06-01";

const ENABLED: &str = "securityProfile.defender.securityMonitoring.enabled";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters whose Microsoft Defender profile is not turned on:
    /// `securityProfile.defender.securityMonitoring.enabled` is false, absent, or anything but
    /// `true`.
    ///
    /// ## Why it matters
    /// The Defender profile deploys the Defender for Containers sensor on the nodes. Without
    /// it, Defender cannot see runtime threats on the cluster (a shell started in a container,
    /// a crypto-miner, access to the instance metadata service, a privileged container
    /// created at run time), even when the subscription pays for the Defender for Containers
    /// plan. AKS does not install it by default: an absent profile is flagged.
    ///
    /// Before API version `2022-06-01` the profile was `securityProfile.azureDefender.enabled`.
    /// A template that declares an older API version and turns the legacy profile on passes
    /// (AKS305 legacy-property asks to move to the new one). With `2022-06-01` or newer the
    /// service no longer reads `azureDefender`, so a cluster that only sets the legacy
    /// property is flagged, and the message says why. A value only known during deployment
    /// is not flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "securityProfile": {} }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "securityProfile": {
    ///   "defender": {
    ///     "logAnalyticsWorkspaceResourceId": "[resourceId('Microsoft.OperationalInsights/workspaces', 'law-aks')]",
    ///     "securityMonitoring": { "enabled": true }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// None. Defender needs `securityProfile.defender.logAnalyticsWorkspaceResourceId`, a Log Analytics
    /// workspace that only the author can choose, and enabling it has a cost; a fix cannot produce a
    /// working configuration.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Defender for Containers: enable the Defender sensor on AKS](https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable)
    /// - [ARM reference: ManagedClusterSecurityProfileDefender](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclustersecurityprofiledefender)
    /// - [PSRule: Azure.AKS.DefenderProfile](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.DefenderProfile/)
    /// - [Azure Policy: Azure Kubernetes Service clusters should have Defender profile enabled](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2Fa1840de2-8088-4ea8-b153-b4c723e9cb01)
    pub struct DefenderDisabled {
        code: "AKS403",
        name: "defender-disabled",
        category: MonitoringAndPolicy,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: [
            "PSRule" => "Azure.AKS.DefenderProfile",
            "Azure Policy" => "a1840de2-8088-4ea8-b153-b4c723e9cb01",
        ],
    }
}

impl Rule for DefenderDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.property(ENABLED);
        let Some(state) = switched_off(&enabled, ENABLED) else {
            return;
        };
        let api_version = cluster.api_version();
        // Without a known API version the legacy profile may be the one the service reads.
        let legacy_api = api_version.is_none_or(|v| !v.at_least(DEFENDER_API_VERSION));
        let legacy = cluster.property("securityProfile.azureDefender.enabled");
        let legacy_on = legacy.is_true() || legacy.is_unknown();
        if legacy_api && legacy_on {
            return;
        }
        let mut message = format!(
            "{} does not turn on the Microsoft Defender sensor: {state}",
            cluster.describe()
        );
        if let (true, Some(version)) = (legacy.is_true(), api_version) {
            message.push_str(&format!(
                " (`securityProfile.azureDefender` is legacy: apiVersion {version} ignores it)"
            ));
        }
        let help = match api_version {
            Some(version) if legacy_api => format!(
                "declare apiVersion {DEFENDER_API_VERSION} or newer (this template declares {version}) and set `securityProfile.defender.securityMonitoring.enabled: true` with `securityProfile.defender.logAnalyticsWorkspaceResourceId`"
            ),
            _ => "set `securityProfile.defender.securityMonitoring.enabled: true` and `securityProfile.defender.logAnalyticsWorkspaceResourceId` to the workspace Defender reports to".to_owned(),
        };
        cx.report_value(&enabled, message).help(help);
    }
}
