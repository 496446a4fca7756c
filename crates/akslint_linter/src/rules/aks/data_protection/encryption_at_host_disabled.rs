use akslint_model::azure::AgentPool;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::rules::aks::monitoring_and_policy::switched_off;
use crate::{Context, Rule, Scope, declare_rule};

const ENABLED: &str = "enableEncryptionAtHost";

declare_rule! {
    /// ## What it does
    /// Flags node pools without `enableEncryptionAtHost: true`: every entry of a cluster's
    /// `agentPoolProfiles` and every `Microsoft.ContainerService/managedClusters/agentPools`
    /// resource, not only the first pool as checkov's check does.
    ///
    /// ## Why it matters
    /// Managed disks are encrypted at rest in storage, but a node's temporary disk, its OS
    /// and data disk caches and an ephemeral OS disk live on the VM host and are not covered.
    /// Encryption at host encrypts them too, and the data flowing from the host to storage.
    /// It is off unless turned on, so an absent property is flagged. It needs a VM size that
    /// supports it and the `EncryptionAtHost` feature registered on the subscription.
    ///
    /// A value only known during deployment is not flagged. `"true"` written as a string
    /// counts, as the resource provider reads it.
    ///
    /// ## Example
    /// ```json
    /// "agentPoolProfiles": [
    ///   { "name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5" }
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "agentPoolProfiles": [
    ///   {
    ///     "name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5",
    ///     "enableEncryptionAtHost": true
    ///   }
    /// ]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `enableEncryptionAtHost: true` on each pool where it is written (the
    /// `agentPoolProfiles` item or the `agentPools` resource). The deployment fails unless the
    /// subscription has the `Microsoft.Compute/EncryptionAtHost` feature registered and the VM size
    /// supports it, and the pool is recreated. A value from a parameter, a variable or a `copy` loop gets
    /// no fix.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: host-based encryption](https://learn.microsoft.com/azure/aks/enable-host-encryption)
    /// - [ARM reference: ManagedClusterAgentPoolProfile.enableEncryptionAtHost](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteragentpoolprofile)
    /// - [Azure Policy: Temp disks and cache for agent node pools in AKS clusters should be encrypted at host](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F41425d9f-d1a5-499a-9932-f8ed8453932c)
    pub struct EncryptionAtHostDisabled {
        code: "AKS505",
        name: "encryption-at-host-disabled",
        category: DataProtection,
        severity: Warning,
        default_enabled: true,
        scope: Scope::NodePools,
        fix: Unsafe,
        references: [
            "Azure Policy" => "41425d9f-d1a5-499a-9932-f8ed8453932c",
            "checkov" => "CKV_AZURE_227 (first pool only)",
        ],
    }
}

impl Rule for EncryptionAtHostDisabled {
    fn check_node_pool(&self, pool: &AgentPool<'_, '_>, cx: &mut Context<'_>) {
        let enabled = pool.property(ENABLED);
        if let Some(state) = switched_off(&enabled, ENABLED) {
            let fix = cx.pool_fix(
                "set `enableEncryptionAtHost: true`",
                pool,
                &["enableEncryptionAtHost"],
                &enabled,
                NewValue::Bool(true),
            );
            cx.report_value(
                &enabled,
                format!(
                    "{} does not encrypt its temporary disks and disk caches at host: {state}",
                    pool.describe()
                ),
            )
            .with_fix(fix)
            .help("set `\"enableEncryptionAtHost\": true` on the node pool (with a VM size that supports it and the `Microsoft.Compute/EncryptionAtHost` feature registered)");
        }
    }
}
