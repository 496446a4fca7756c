use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, is_automatic, report_unset_with_fix};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

/// Disabling local accounts, and the first API version that can.
const NEEDS: Needs = Needs {
    property: "disableLocalAccounts",
    since: "2021-03-01",
};

const FIX: &str = "set `disableLocalAccounts: true`";
const PATH: [&str; 2] = ["properties", "disableLocalAccounts"];
const HELP: &str = "set `disableLocalAccounts: true`";
const HELP_WITH_ENTRA_ID: &str = "set `disableLocalAccounts: true` together with managed Microsoft Entra ID integration (`aadProfile.managed: true`), which it requires";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that keep local accounts: `properties.disableLocalAccounts` is
    /// `false` or not set.
    ///
    /// ## Why it matters
    /// Local accounts are the cluster's static certificate credentials, among them the
    /// cluster-admin credential that `az aks get-credentials --admin` downloads. Anyone with
    /// the `listClusterAdminCredential` permission gets full control of the cluster without
    /// Microsoft Entra ID: no multi-factor authentication, no Conditional Access, no sign-in
    /// log, and the certificate stays valid after the person leaves. Even with Entra ID
    /// integration the admin credential is a back door until local accounts are disabled.
    ///
    /// Service defaults: local accounts are enabled unless `disableLocalAccounts` is `true`, so
    /// an absent property is flagged; AKS Automatic clusters (`sku.name: Automatic`) disable
    /// them, so for them only an explicit `false` is flagged. Disabling local accounts requires
    /// managed Entra ID integration: when the cluster does not have it (AKS105), the help says
    /// to add both. The property exists from apiVersion `2021-03-01`; for an older cluster the
    /// finding points at `apiVersion`. A value only known during deployment is not flagged.
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "aadProfile": { "managed": true, "enableAzureRBAC": true }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "aadProfile": { "managed": true, "enableAzureRBAC": true },
    ///   "disableLocalAccounts": true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `disableLocalAccounts: true`, only when the cluster declares managed Entra ID
    /// integration (`aadProfile.managed: true`): AKS rejects disabling local accounts without it, and
    /// nobody could sign in. `az aks get-credentials --admin` and every kubeconfig built on the local
    /// admin certificate stop working.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: manage local accounts with AKS-managed Microsoft Entra integration](https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad)
    /// - [ARM reference: Microsoft.ContainerService managedClusters](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should have local authentication methods disabled](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F993c2fcd-2b29-49d2-9eb0-df2c3a730c32)
    pub struct LocalAccountsEnabled {
        code: "AKS107",
        name: "local-accounts-enabled",
        category: ApiServerAndIdentity,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: [
            "PSRule" => "Azure.AKS.LocalAccounts",
            "checkov" => "CKV_AZURE_141",
            "Azure Policy" => "993c2fcd-2b29-49d2-9eb0-df2c3a730c32",
        ],
    }
}

impl Rule for LocalAccountsEnabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let disabled = cluster.property("disableLocalAccounts");
        let help = if cluster.property("aadProfile.managed").is_true() || is_automatic(cluster) {
            HELP
        } else {
            HELP_WITH_ENTRA_ID
        };
        // Without managed Entra ID integration nobody could sign in: no fix then.
        let fix = if cluster.property("aadProfile.managed").is_true() {
            cx.cluster_fix(FIX, cluster, &PATH, &disabled, NewValue::Bool(true))
        } else {
            None
        };
        match &disabled {
            Lookup::Known(_) if disabled.is_false() => {
                cx.report_value(
                    &disabled,
                    format!(
                        "{} keeps local accounts enabled (`disableLocalAccounts: false`): the admin credential bypasses Microsoft Entra ID",
                        cluster.describe()
                    ),
                )
                .with_fix(fix)
                .help(help);
            }
            Lookup::Absent { .. } if !is_automatic(cluster) => report_unset_with_fix(
                cx,
                cluster,
                &disabled,
                &NEEDS,
                format!(
                    "{} keeps local accounts enabled (no `disableLocalAccounts`; AKS enables them by default): the admin credential bypasses Microsoft Entra ID",
                    cluster.describe()
                ),
                help,
                fix,
            ),
            _ => {}
        }
    }
}
