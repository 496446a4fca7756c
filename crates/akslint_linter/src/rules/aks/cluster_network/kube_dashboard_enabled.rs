use akslint_model::azure::ManagedCluster;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that enable the Kubernetes dashboard add-on
    /// (`properties.addonProfiles.kubeDashboard.enabled: true`; the add-on key in any case).
    ///
    /// ## Why it matters
    /// The dashboard is a web UI with broad rights in the cluster; exposed dashboards have been
    /// a classic way into Kubernetes clusters (the 2018 Tesla cryptomining incident started
    /// there). AKS deprecated the add-on and does not install it on Kubernetes 1.19 and
    /// later; the Azure portal has its own Kubernetes resource view that uses your Entra ID
    /// identity.
    ///
    /// An absent add-on passes: AKS does not install the dashboard unless asked (checkov's
    /// CKV_AZURE_8 demands an explicit `enabled: false`; this rule does not). A value that
    /// cannot be evaluated passes too.
    ///
    /// ## Example
    /// ```json
    /// "addonProfiles": {
    ///   "kubeDashboard": { "enabled": true }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "addonProfiles": {
    ///   "kubeDashboard": { "enabled": false }
    /// }
    /// ```
    /// or no `kubeDashboard` entry at all.
    ///
    /// ## Fix
    /// Safe: sets the add-on's `enabled: false`. The dashboard add-on is not deployed on any supported
    /// Kubernetes version (it was removed with 1.19), so turning it off changes nothing that works; it
    /// only removes a setting that would re-enable it on an old cluster.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: access Kubernetes resources from the Azure portal](https://learn.microsoft.com/azure/aks/kubernetes-portal)
    /// - [AKS: add-ons, extensions and integrations](https://learn.microsoft.com/azure/aks/integrations)
    pub struct KubeDashboardEnabled {
        code: "AKS208",
        name: "kube-dashboard-enabled",
        category: ClusterNetwork,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Safe,
        references: ["checkov" => "CKV_AZURE_8"],
    }
}

impl Rule for KubeDashboardEnabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.addon("kubeDashboard").get("enabled");
        if enabled.is_true() {
            let fix = cx.cluster_fix(
                "set `kubeDashboard.enabled: false`",
                cluster,
                &["properties", "addonProfiles", "kubeDashboard", "enabled"],
                &enabled,
                NewValue::Bool(false),
            );
            cx.report_value(
                &enabled,
                format!(
                    "{} enables the Kubernetes dashboard add-on (`kubeDashboard.enabled: true`)",
                    cluster.describe()
                ),
            )
            .with_fix(fix)
            .help("remove the `kubeDashboard` add-on or set `enabled: false`; use the Azure portal's Kubernetes resource view instead");
        }
    }
}
