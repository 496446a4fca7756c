use akslint_model::azure::ManagedCluster;

use super::switched_off;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that enable no Azure Monitor collection: neither the monitoring
    /// add-on (`addonProfiles.omsagent.enabled`, the key in any casing: `omsagent`,
    /// `omsAgent`) nor `azureMonitorProfile.metrics.enabled` (managed Prometheus) nor
    /// `azureMonitorProfile.containerInsights.enabled` (the profile-based Container insights of
    /// preview API versions) is `true`.
    ///
    /// ## Why it matters
    /// Without Container insights or managed Prometheus nothing records what the nodes and
    /// pods do: no container logs, no inventory of what ran, no node or pod metrics. An
    /// incident then has to be investigated without evidence, and a crypto-miner or a crash
    /// loop goes unnoticed. AKS collects none of it by default: the add-on and the profile
    /// are off when absent, so an absent setting is flagged.
    ///
    /// Any one of the three counts as monitoring (the catalogue asks for the add-on or the
    /// profile). A value that is only known during deployment (`reference()`, a parameter
    /// without default or parameter file, an `addonProfiles` object built from one) is not
    /// flagged. Control-plane logs (audit, guard) are diagnostic settings, checked by AKS402.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "addonProfiles": { "omsagent": { "enabled": false } } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "addonProfiles": {
    ///   "omsagent": {
    ///     "enabled": true,
    ///     "config": {
    ///       "logAnalyticsWorkspaceResourceID": "[resourceId('Microsoft.OperationalInsights/workspaces', 'law-aks')]",
    ///       "useAADAuth": "true"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Azure Monitor: enable monitoring for AKS clusters](https://learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable)
    /// - [Monitor AKS](https://learn.microsoft.com/azure/aks/monitor-aks)
    /// - [ARM reference: ManagedClusterAzureMonitorProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusterazuremonitorprofile)
    /// - [PSRule: Azure.AKS.ContainerInsights](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.ContainerInsights/)
    pub struct ContainerInsightsDisabled {
        code: "AKS401",
        name: "container-insights-disabled",
        category: MonitoringAndPolicy,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: [
            "PSRule" => "Azure.AKS.ContainerInsights",
            "checkov" => "CKV_AZURE_4",
            "trivy" => "AVD-AZU-0040",
        ],
    }
}

const OMSAGENT_ENABLED: &str = "addonProfiles.omsagent.enabled";

impl Rule for ContainerInsightsDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let addon = cluster.addon("omsagent").get("enabled");
        let metrics = cluster.property("azureMonitorProfile.metrics.enabled");
        let insights = cluster.property("azureMonitorProfile.containerInsights.enabled");
        // Any switch that is on, or may be, is monitoring enough.
        if [&addon, &metrics, &insights]
            .iter()
            .any(|switch| switch.is_true() || switch.is_unknown())
        {
            return;
        }
        let Some(state) = switched_off(&addon, OMSAGENT_ENABLED) else {
            return;
        };
        cx.report_value(
            &addon,
            format!(
                "{} enables no Container insights or managed Prometheus: {state}, and `azureMonitorProfile` turns on neither `metrics` nor `containerInsights`",
                cluster.describe()
            ),
        )
        .help("enable the monitoring add-on: `\"addonProfiles\": { \"omsagent\": { \"enabled\": true, \"config\": { \"logAnalyticsWorkspaceResourceID\": \"<workspace id>\" } } }` (or set `azureMonitorProfile.metrics.enabled: true` for managed Prometheus)");
    }
}
