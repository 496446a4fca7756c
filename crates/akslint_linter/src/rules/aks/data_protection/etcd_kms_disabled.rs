use akslint_model::azure::ManagedCluster;

use crate::context::WithHelp;
use crate::rules::aks::monitoring_and_policy::switched_off;
use crate::{Context, Rule, Scope, declare_rule};

/// The first stable API version with `securityProfile.azureKeyVaultKms`.
const KMS_API_VERSION: &str = "2022-06-01";

const ENABLED: &str = "securityProfile.azureKeyVaultKms.enabled";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that do not encrypt Kubernetes Secrets in etcd with a key of
    /// their own: `securityProfile.azureKeyVaultKms.enabled` is false, absent, or anything but
    /// `true`.
    ///
    /// ## Why it matters
    /// AKS encrypts etcd at rest with platform-managed keys. With the KMS plugin, Secrets are
    /// also encrypted with a key in your Key Vault before they reach etcd: you control the
    /// key, can rotate and revoke it, and see every use of it. Regulated workloads often have
    /// to. KMS is off unless turned on, so an absent setting is flagged; the setting exists
    /// from API version `2022-06-01`.
    ///
    /// The rule is opt-in (a note): platform encryption is enough for many clusters, and KMS
    /// needs a key (`keyId`), a Key Vault and, for a private vault, `keyVaultNetworkAccess:
    /// Private` with `keyVaultResourceId`. A value only known during deployment is not
    /// flagged.
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
    ///   "azureKeyVaultKms": {
    ///     "enabled": true,
    ///     "keyId": "[parameters('kmsKeyId')]",
    ///     "keyVaultNetworkAccess": "Private",
    ///     "keyVaultResourceId": "[resourceId('Microsoft.KeyVault/vaults', 'kv-aks')]"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: add Key Management Service (KMS) etcd encryption](https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption)
    /// - [ARM reference: AzureKeyVaultKms](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#azurekeyvaultkms)
    /// - [Azure Policy: Azure Kubernetes Clusters should enable Key Management Service (KMS)](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2Fdbbdc317-9734-4dd8-9074-993b29c69008)
    pub struct EtcdKmsDisabled {
        code: "AKS503",
        name: "etcd-kms-disabled",
        category: DataProtection,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: ["Azure Policy" => "dbbdc317-9734-4dd8-9074-993b29c69008"],
    }
}

impl Rule for EtcdKmsDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.property(ENABLED);
        let Some(state) = switched_off(&enabled, ENABLED) else {
            return;
        };
        let help = match cluster.api_version() {
            Some(version) if !version.at_least(KMS_API_VERSION) => format!(
                "declare apiVersion {KMS_API_VERSION} or newer (this template declares {version}) and set `securityProfile.azureKeyVaultKms` with `enabled: true` and the Key Vault key's `keyId`"
            ),
            _ => "set `securityProfile.azureKeyVaultKms` with `enabled: true` and `keyId` (the Key Vault key that encrypts Secrets in etcd)".to_owned(),
        };
        cx.report_value(
            &enabled,
            format!(
                "{} does not encrypt Kubernetes Secrets in etcd with a Key Vault key (KMS): {state}",
                cluster.describe()
            ),
        )
        .help(help);
    }
}
