use akslint_model::azure::ManagedCluster;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::rules::aks::monitoring_and_policy::switched_off;
use crate::{Context, Rule, Scope, declare_rule};

const ENABLED: &str = "addonProfiles.azureKeyvaultSecretsProvider.enabled";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters without the Azure Key Vault provider for the Secrets Store CSI
    /// driver: `addonProfiles.azureKeyvaultSecretsProvider.enabled` (the add-on key in any
    /// casing) is false, absent, or anything but `true`.
    ///
    /// ## Why it matters
    /// Without the provider, workloads get their secrets from Kubernetes Secrets written by a
    /// pipeline or kept in the repository, stored base64-encoded in etcd and copied into every
    /// namespace that needs them. With it, pods mount secrets, keys and certificates straight
    /// from Key Vault with their workload identity, and Key Vault stays the one place where
    /// they are rotated and audited. The add-on is off unless turned on, so an absent add-on
    /// is flagged.
    ///
    /// A cluster that gets its secrets another way (the open-source Secrets Store CSI driver
    /// installed with Helm, External Secrets Operator) can keep this rule off. A value only
    /// known during deployment is not flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "addonProfiles": {} }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "addonProfiles": {
    ///   "azureKeyvaultSecretsProvider": {
    ///     "enabled": true,
    ///     "config": { "enableSecretRotation": "true", "rotationPollInterval": "2m" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `addonProfiles.azureKeyvaultSecretsProvider.enabled: true`. It installs the Secrets
    /// Store CSI driver on every node (extra pods and resources); it does not move any secret to Key
    /// Vault, which stays the author's work. AKS502 then asks for rotation.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use the Azure Key Vault provider for the Secrets Store CSI driver](https://learn.microsoft.com/azure/aks/csi-secrets-store-driver)
    /// - [PSRule: Azure.AKS.SecretStore](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.SecretStore/)
    pub struct KeyVaultSecretsProviderDisabled {
        code: "AKS501",
        name: "key-vault-secrets-provider-disabled",
        category: DataProtection,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: ["PSRule" => "Azure.AKS.SecretStore"],
    }
}

impl Rule for KeyVaultSecretsProviderDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.addon("azureKeyvaultSecretsProvider").get("enabled");
        if let Some(state) = switched_off(&enabled, ENABLED) {
            let fix = cx.cluster_fix(
                "set `azureKeyvaultSecretsProvider.enabled: true`",
                cluster,
                &[
                    "properties",
                    "addonProfiles",
                    "azureKeyvaultSecretsProvider",
                    "enabled",
                ],
                &enabled,
                NewValue::Bool(true),
            );
            cx.report_value(
                &enabled,
                format!(
                    "{} does not run the Key Vault secrets provider: {state}",
                    cluster.describe()
                ),
            )
            .with_fix(fix)
            .help("set `\"addonProfiles\": { \"azureKeyvaultSecretsProvider\": { \"enabled\": true, \"config\": { \"enableSecretRotation\": \"true\" } } }` and mount secrets from Key Vault with a `SecretProviderClass`");
        }
    }
}
