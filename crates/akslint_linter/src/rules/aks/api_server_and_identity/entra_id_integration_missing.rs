use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, is_automatic, report_unset};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// AKS-managed Microsoft Entra ID, and the first API version with it.
const NEEDS: Needs = Needs {
    property: "aadProfile.managed",
    since: "2020-03-01",
};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters without AKS-managed Microsoft Entra ID integration: no
    /// `aadProfile`, or an `aadProfile` whose `managed` is `false` or not set (the legacy
    /// Azure AD integration with your own server and client applications).
    ///
    /// ## Why it matters
    /// Without Entra ID integration, people authenticate to the API server with the cluster's
    /// own certificate credentials: they do not expire with a person's job, ignore multi-factor
    /// authentication and Conditional Access, and leave no sign-in log in Entra ID. The legacy
    /// integration (`clientAppID`, `serverAppID`, `serverAppSecret`) is deprecated and needs a
    /// server application secret that you rotate yourself; the managed integration needs
    /// neither application.
    ///
    /// Service defaults: a cluster has no Entra ID integration unless `aadProfile` is set, and
    /// an `aadProfile` without `managed: true` is the legacy integration; both absences are
    /// flagged. AKS Automatic clusters (`sku.name: Automatic`) come with managed Entra ID, so
    /// for them only an explicit `managed: false` is flagged. `managed` exists from apiVersion
    /// `2020-03-01`; an older cluster can only use the legacy integration, and the finding
    /// then points at `apiVersion`. A profile only known during deployment is not flagged.
    ///
    /// Related: AKS106 (Azure RBAC), AKS107 (local accounts) and AKS109 (admin groups) build
    /// on managed Entra ID; their messages say when the missing `aadProfile` is the cause.
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "aadProfile": { "clientAppID": "...", "serverAppID": "...", "serverAppSecret": "..." }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "aadProfile": {
    ///     "managed": true,
    ///     "enableAzureRBAC": true,
    ///     "adminGroupObjectIDs": ["[parameters('clusterAdminGroupId')]"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS-managed Microsoft Entra integration](https://learn.microsoft.com/azure/aks/managed-azure-ad)
    /// - [AKS: access and identity options](https://learn.microsoft.com/azure/aks/concepts-identity)
    /// - [ARM reference: ManagedClusterAADProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteraadprofile)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should enable Microsoft Entra ID integration](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F450d2877-ebea-41e8-b00c-e286317d21bf)
    pub struct EntraIdIntegrationMissing {
        code: "AKS105",
        name: "entra-id-integration-missing",
        category: ApiServerAndIdentity,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: [
            "PSRule" => "Azure.AKS.ManagedAAD",
            "Azure Policy" => "450d2877-ebea-41e8-b00c-e286317d21bf",
        ],
    }
}

const HELP_ADD: &str = "add `aadProfile: { \"managed\": true, \"adminGroupObjectIDs\": [...] }` for AKS-managed Microsoft Entra ID integration";
const HELP_MANAGED: &str =
    "set `aadProfile.managed: true` and remove `clientAppID`, `serverAppID` and `serverAppSecret`";

impl Rule for EntraIdIntegrationMissing {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let profile = cluster.property("aadProfile");
        let managed = cluster.property("aadProfile.managed");
        match (&profile, &managed) {
            (Lookup::Absent { .. }, _) if !is_automatic(cluster) => report_unset(
                cx,
                cluster,
                &profile,
                &NEEDS,
                format!(
                    "{} has no Microsoft Entra ID integration (no `aadProfile`): users authenticate with the cluster's local certificate credentials",
                    cluster.describe()
                ),
                HELP_ADD,
            ),
            (Lookup::Known(_), Lookup::Known(_)) if managed.is_false() => {
                cx.report_value(
                    &managed,
                    format!(
                        "{} uses the deprecated legacy Azure AD integration (`aadProfile.managed: false`)",
                        cluster.describe()
                    ),
                )
                .help(HELP_MANAGED);
            }
            (Lookup::Known(_), Lookup::Absent { .. }) if !is_automatic(cluster) => report_unset(
                cx,
                cluster,
                &managed,
                &NEEDS,
                format!(
                    "{} sets `aadProfile` without `managed: true`, which is the deprecated legacy Azure AD integration",
                    cluster.describe()
                ),
                HELP_MANAGED,
            ),
            _ => {}
        }
    }
}
