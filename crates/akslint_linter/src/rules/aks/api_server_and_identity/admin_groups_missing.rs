use akslint_model::azure::ManagedCluster;

use super::{Entries, entries};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags clusters with AKS-managed Microsoft Entra ID (`aadProfile.managed: true`) that name
    /// no admin group: `aadProfile.adminGroupObjectIDs` is absent, `null`, empty, or holds only
    /// empty strings.
    ///
    /// ## Why it matters
    /// The groups in `adminGroupObjectIDs` get cluster-admin through Entra ID. Without one,
    /// the only way to administer the cluster (to create the first RoleBindings, or to recover
    /// from a broken one) is the local admin credential, which is exactly what AKS107 asks to
    /// disable; with local accounts disabled as well, nobody may be able to administer the
    /// cluster except through Azure RBAC role assignments. An Entra ID group makes cluster
    /// administration membership-based, reviewable and revocable.
    ///
    /// The rule is off by default and a note: clusters that use Azure RBAC
    /// (`enableAzureRBAC: true`) can grant administration with an `Azure Kubernetes Service RBAC
    /// Cluster Admin` role assignment instead, which akslint does not look for. Clusters without
    /// managed Entra ID are AKS105's concern; a list only known during deployment, or with an
    /// entry only known during deployment, is not flagged.
    ///
    /// ## Example
    /// ```json
    /// "aadProfile": { "managed": true, "enableAzureRBAC": true }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "aadProfile": {
    ///   "managed": true,
    ///   "enableAzureRBAC": true,
    ///   "adminGroupObjectIDs": ["[parameters('clusterAdminGroupObjectId')]"]
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS-managed Microsoft Entra integration (admin group)](https://learn.microsoft.com/azure/aks/managed-azure-ad)
    /// - [ARM reference: ManagedClusterAADProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteraadprofile)
    /// - [Azure Policy: Configure Microsoft Entra ID integrated Azure Kubernetes Service Clusters with required Admin Group Access](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F36a27de4-199b-40fb-b336-945a8475d6c5)
    pub struct AdminGroupsMissing {
        code: "AKS109",
        name: "admin-groups-missing",
        category: ApiServerAndIdentity,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: ["Azure Policy" => "36a27de4-199b-40fb-b336-945a8475d6c5"],
    }
}

impl Rule for AdminGroupsMissing {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        if !cluster.property("aadProfile.managed").is_true() {
            return;
        }
        let groups = cluster.property("aadProfile.adminGroupObjectIDs");
        if entries(&groups) != Entries::Nothing {
            return;
        }
        let what = if groups.is_absent() {
            "no `aadProfile.adminGroupObjectIDs`"
        } else {
            "an empty `aadProfile.adminGroupObjectIDs`"
        };
        cx.report_value(
            &groups,
            format!(
                "{} uses managed Microsoft Entra ID without an admin group ({what})",
                cluster.describe()
            ),
        )
        .help("list the object ids of the Entra ID groups that administer the cluster in `aadProfile.adminGroupObjectIDs`");
    }
}
