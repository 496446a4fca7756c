use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::rules::aks::monitoring_and_policy::switched_off;
use crate::{Context, Rule, Scope, declare_rule};

const ROTATION: &str = "addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that run the Key Vault secrets provider
    /// (`addonProfiles.azureKeyvaultSecretsProvider.enabled: true`) without secret rotation:
    /// `config.enableSecretRotation` is absent, `"false"`, or anything but `"true"`.
    ///
    /// ## Why it matters
    /// Without rotation the driver reads a secret from Key Vault once, when the pod starts.
    /// A secret rotated or revoked in Key Vault (after a leak, or on schedule) stays in the
    /// pod's mount and in the Kubernetes Secret synced from it until the pod is recreated, so
    /// rotating it does not cut off its old value. With rotation the driver polls Key Vault
    /// every `rotationPollInterval` (2 minutes by default) and updates both. Rotation is off
    /// unless the add-on's config turns it on, so an absent setting is flagged.
    ///
    /// Add-on `config` values are strings in the API (a map of string to string), and the
    /// documented value is the string `"true"`, compared without case. A JSON boolean `true`
    /// is not flagged: it states the intent to rotate, and a `config` the service cannot read
    /// as strings is rejected with the deployment rather than deployed without rotation.
    /// Write the string, as the schema asks. Clusters without the add-on are AKS501's
    /// finding, not this rule's. A value only known during deployment is not flagged.
    ///
    /// ## Example
    /// ```json
    /// "addonProfiles": {
    ///   "azureKeyvaultSecretsProvider": { "enabled": true }
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
    /// Unsafe: sets the add-on's `config.enableSecretRotation` to the string `"true"` (add-on settings
    /// are strings). Mounted secrets then change while pods run, which applications that read them only
    /// at start-up do not expect.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: Secrets Store CSI driver configuration, enable autorotation](https://learn.microsoft.com/azure/aks/csi-secrets-store-configuration-options#enable-and-disable-auto-rotation)
    /// - [PSRule: Azure.AKS.SecretStoreRotation](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.SecretStoreRotation/)
    pub struct SecretRotationDisabled {
        code: "AKS502",
        name: "secret-rotation-disabled",
        category: DataProtection,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: [
            "PSRule" => "Azure.AKS.SecretStoreRotation",
            "checkov" => "CKV_AZURE_172",
        ],
    }
}

impl Rule for SecretRotationDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let provider = cluster.addon("azureKeyvaultSecretsProvider");
        if !provider.clone().get("enabled").is_true() {
            return;
        }
        let rotation = provider.get("config.enableSecretRotation");
        let Some(state) = switched_off(&rotation, ROTATION) else {
            return;
        };
        let state = match &rotation {
            Lookup::Known(value) if value.as_str().is_some() => {
                format!("`{ROTATION}` is \"{}\"", value.display())
            }
            _ => state,
        };
        let fix = cx.cluster_fix(
            "set `enableSecretRotation: \"true\"`",
            cluster,
            &[
                "properties",
                "addonProfiles",
                "azureKeyvaultSecretsProvider",
                "config",
                "enableSecretRotation",
            ],
            &rotation,
            NewValue::Str("true"),
        );
        cx.report_value(
            &rotation,
            format!(
                "{} runs the Key Vault secrets provider without secret rotation: {state}",
                cluster.describe()
            ),
        )
        .with_fix(fix)
        .help("set `\"config\": { \"enableSecretRotation\": \"true\" }` on the `azureKeyvaultSecretsProvider` add-on (optionally with `rotationPollInterval`)");
    }
}
