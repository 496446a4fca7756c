use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters without `properties.diskEncryptionSetID`, or with an empty one:
    /// their node OS and data disks are encrypted with platform-managed keys only.
    ///
    /// ## Why it matters
    /// Azure encrypts managed disks at rest with keys Microsoft manages. A disk encryption set
    /// with a customer-managed key in Key Vault puts the key under your control: you rotate
    /// it, audit its use, and can revoke it to make the disks unreadable. Compliance regimes
    /// often require it. Without the property the nodes use platform keys, so an absent
    /// property is flagged. It must be set when the cluster is created.
    ///
    /// The rule is opt-in (a note): platform-managed keys are enough for many clusters. A
    /// value only known during deployment (`reference()`, a parameter without default) is not
    /// flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "dnsPrefix": "aks" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "dnsPrefix": "aks",
    ///   "diskEncryptionSetID": "[resourceId('Microsoft.Compute/diskEncryptionSets', 'des-aks')]"
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: bring your own keys (BYOK) with Azure managed disks](https://learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys)
    /// - [ARM reference: ManagedClusterProperties.diskEncryptionSetID](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusterproperties)
    /// - [Azure Policy: Both operating systems and data disks in AKS clusters should be encrypted by customer-managed keys](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F7d7be79c-23ba-4033-84dd-45e2a5ccdd67)
    pub struct DiskEncryptionCmkMissing {
        code: "AKS504",
        name: "disk-encryption-cmk-missing",
        category: DataProtection,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: [
            "Azure Policy" => "7d7be79c-23ba-4033-84dd-45e2a5ccdd67",
            "trivy" => "AVD-AZU-0067",
        ],
    }
}

impl Rule for DiskEncryptionCmkMissing {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let set = cluster.property("diskEncryptionSetID");
        let message = match &set {
            Lookup::Absent { .. } => format!(
                "{} has no `diskEncryptionSetID`: its node disks are encrypted with platform-managed keys only",
                cluster.describe()
            ),
            Lookup::Known(value) if value.as_str().is_some_and(|s| s.trim().is_empty()) => {
                format!(
                    "{} has an empty `diskEncryptionSetID`: its node disks are encrypted with platform-managed keys only",
                    cluster.describe()
                )
            }
            _ => return,
        };
        cx.report_value(&set, message).help(
            "set `diskEncryptionSetID` to the resource id of a disk encryption set with a customer-managed key, e.g. `[resourceId('Microsoft.Compute/diskEncryptionSets', 'des-aks')]`",
        );
    }
}
