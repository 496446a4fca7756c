use akslint_model::azure::ManagedCluster;

use super::switched_off;
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

const ENABLED: &str = "addonProfiles.azurepolicy.enabled";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters without the Azure Policy add-on: `addonProfiles.azurepolicy.enabled`
    /// (the add-on key in any casing: `azurepolicy`, `azurePolicy`) is false, absent, or
    /// anything but `true`.
    ///
    /// ## Why it matters
    /// The add-on runs Gatekeeper with the Azure Policy definitions assigned to the cluster:
    /// the Pod Security baseline and restricted initiatives, allowed registries, no privileged
    /// containers, and the like. Without it those assignments are neither enforced at
    /// admission nor reported, so nothing stops a workload that breaks them. AKS does not
    /// install the add-on by default: an absent add-on is flagged.
    ///
    /// A value only known during deployment (`reference()`, a parameter without default or
    /// parameter file, an `addonProfiles` object built from one) is not flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "addonProfiles": { "azurepolicy": { "enabled": false } } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "addonProfiles": {
    ///   "azurepolicy": { "enabled": true }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `addonProfiles.azurepolicy.enabled: true` (the add-on needs no configuration).
    /// Policies assigned to the cluster are then enforced at admission, and a `deny` assignment can
    /// reject workloads that deploy today.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Azure Policy for Kubernetes: install the add-on on AKS](https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes#install-azure-policy-add-on-for-aks)
    /// - [Secure AKS clusters with Azure Policy](https://learn.microsoft.com/azure/aks/use-azure-policy)
    /// - [PSRule: Azure.AKS.AzurePolicyAddOn](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.AzurePolicyAddOn/)
    /// - [Azure Policy: Azure Policy Add-on for Kubernetes service (AKS) should be installed and enabled on your clusters](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F0a15ec92-a229-4763-bb14-0ea34a568f8d)
    pub struct AzurePolicyAddonDisabled {
        code: "AKS404",
        name: "azure-policy-addon-disabled",
        category: MonitoringAndPolicy,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: [
            "PSRule" => "Azure.AKS.AzurePolicyAddOn",
            "trivy" => "AVD-AZU-0066",
            "Azure Policy" => "0a15ec92-a229-4763-bb14-0ea34a568f8d",
        ],
    }
}

impl Rule for AzurePolicyAddonDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.addon("azurepolicy").get("enabled");
        if let Some(state) = switched_off(&enabled, ENABLED) {
            let fix = cx.cluster_fix(
                "set `azurepolicy.enabled: true`",
                cluster,
                &["properties", "addonProfiles", "azurepolicy", "enabled"],
                &enabled,
                NewValue::Bool(true),
            );
            cx.report_value(
                &enabled,
                format!(
                    "{} does not run the Azure Policy add-on: {state}",
                    cluster.describe()
                ),
            )
            .with_fix(fix)
            .help("set `\"addonProfiles\": { \"azurepolicy\": { \"enabled\": true } }` so that the policies assigned to the cluster are enforced at admission");
        }
    }
}
