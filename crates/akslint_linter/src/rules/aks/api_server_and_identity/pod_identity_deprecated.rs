use akslint_model::azure::ManagedCluster;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that turn on the Microsoft Entra pod-managed identity add-on
    /// (`properties.podIdentityProfile.enabled: true`, or the string `"true"`).
    ///
    /// ## Why it matters
    /// Pod-managed identity (AAD Pod Identity) is deprecated in favour of Microsoft Entra
    /// Workload ID and its AKS add-on is being retired. It works by intercepting every pod's
    /// calls to the Instance Metadata Service on the node (NMI), which is fragile, adds
    /// latency, and, on kubenet clusters, can be spoofed by a pod with `NET_RAW`. Workload
    /// identity gives each service account federated tokens without any node component.
    ///
    /// Service default: the add-on is off unless `enabled` is `true`; an absent or `false`
    /// `podIdentityProfile` passes, as does a value only known during deployment. PSRule's
    /// `Azure.AKS.PodIdentity` asks for the opposite; it predates the deprecation.
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "podIdentityProfile": { "enabled": true, "userAssignedIdentities": [ ... ] }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "oidcIssuerProfile": { "enabled": true },
    ///   "securityProfile": { "workloadIdentity": { "enabled": true } }
    /// }
    /// ```
    /// and a `Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials`
    /// resource per Kubernetes service account.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use Microsoft Entra pod-managed identities (deprecated)](https://learn.microsoft.com/azure/aks/use-azure-ad-pod-identity)
    /// - [AKS: migrate from pod-managed identity to workload identity](https://learn.microsoft.com/azure/aks/workload-identity-migrate-from-pod-identity)
    /// - [ARM reference: ManagedClusterPodIdentityProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusterpodidentityprofile)
    pub struct PodIdentityDeprecated {
        code: "AKS112",
        name: "pod-identity-deprecated",
        category: ApiServerAndIdentity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["PSRule" => "none (Azure.AKS.PodIdentity asks the opposite, from before the deprecation)"],
    }
}

impl Rule for PodIdentityDeprecated {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.property("podIdentityProfile.enabled");
        if enabled.is_true() {
            cx.report_value(
                &enabled,
                format!(
                    "{} enables the deprecated pod-managed identity add-on (`podIdentityProfile.enabled: true`)",
                    cluster.describe()
                ),
            )
            .help("remove `podIdentityProfile` and use workload identity: `securityProfile.workloadIdentity.enabled: true` with `oidcIssuerProfile.enabled: true`");
        }
    }
}
