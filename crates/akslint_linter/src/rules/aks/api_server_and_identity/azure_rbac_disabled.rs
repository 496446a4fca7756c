use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, is_automatic, report_unset_with_fix};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

/// Azure RBAC for Kubernetes authorization, and the first API version with it.
const NEEDS: Needs = Needs {
    property: "aadProfile.enableAzureRBAC",
    since: "2020-06-01",
};

const HELP: &str = "set `aadProfile.enableAzureRBAC: true` (with `aadProfile.managed: true`) and grant access with Azure role assignments such as `Azure Kubernetes Service RBAC Reader`";
const HELP_NO_PROFILE: &str = "add `aadProfile: { \"managed\": true, \"enableAzureRBAC\": true }` and grant access with Azure role assignments such as `Azure Kubernetes Service RBAC Reader`";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that do not use Azure RBAC for Kubernetes authorization:
    /// `aadProfile.enableAzureRBAC` is `false` or not set (including clusters without
    /// `aadProfile`).
    ///
    /// ## Why it matters
    /// With Azure RBAC, access to Kubernetes resources is granted by Azure role assignments
    /// at the cluster or namespace scope: the same place, reviews, Privileged Identity
    /// Management and activity log as every other Azure permission. Without it, Entra ID users
    /// and groups are bound to roles by RoleBindings inside each cluster, which are invisible
    /// to Azure governance and drift from cluster to cluster. Kubernetes service accounts keep
    /// using Kubernetes RBAC either way.
    ///
    /// Service defaults: Azure RBAC is off unless `enableAzureRBAC` is `true`, so an absent
    /// property is flagged; AKS Automatic clusters (`sku.name: Automatic`) come with it, so for
    /// them only an explicit `false` is flagged. Azure RBAC needs managed Entra ID integration:
    /// for a cluster without `aadProfile` the message says so, and AKS105 reports the missing
    /// integration itself. The property exists from apiVersion `2020-06-01`; for an older
    /// cluster the finding points at `apiVersion`. A value only known during deployment is not
    /// flagged.
    ///
    /// ## Example
    /// ```json
    /// "aadProfile": { "managed": true, "adminGroupObjectIDs": ["[parameters('adminGroupId')]"] }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "aadProfile": {
    ///   "managed": true,
    ///   "enableAzureRBAC": true,
    ///   "adminGroupObjectIDs": ["[parameters('adminGroupId')]"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `aadProfile.enableAzureRBAC: true`, only when the cluster already declares managed
    /// Entra ID integration (`aadProfile.managed: true`). Kubernetes authorization then also follows Azure
    /// role assignments, which the fix cannot create: users and pipelines need them (for example
    /// `Azure Kubernetes Service RBAC Reader`). Without an `aadProfile` there is no fix, because Azure RBAC
    /// needs the Entra ID integration and its admin groups, which only the author can choose.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use Azure RBAC for Kubernetes authorization](https://learn.microsoft.com/azure/aks/manage-azure-rbac)
    /// - [AKS: access and identity options (Azure RBAC for Kubernetes authorization)](https://learn.microsoft.com/azure/aks/concepts-identity#azure-rbac-for-kubernetes-authorization)
    /// - [ARM reference: ManagedClusterAADProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusteraadprofile)
    pub struct AzureRbacDisabled {
        code: "AKS106",
        name: "azure-rbac-disabled",
        category: ApiServerAndIdentity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: ["PSRule" => "Azure.AKS.AzureRBAC"],
    }
}

impl Rule for AzureRbacDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let azure_rbac = cluster.property("aadProfile.enableAzureRBAC");
        // Azure RBAC needs managed Entra ID integration: without it the fix would not deploy.
        let fix = if cluster.property("aadProfile.managed").is_true() {
            cx.cluster_fix(
                "set `aadProfile.enableAzureRBAC: true`",
                cluster,
                &["properties", "aadProfile", "enableAzureRBAC"],
                &azure_rbac,
                NewValue::Bool(true),
            )
        } else {
            None
        };
        match &azure_rbac {
            Lookup::Known(_) if azure_rbac.is_false() => {
                cx.report_value(
                    &azure_rbac,
                    format!(
                        "{} turns off Azure RBAC for Kubernetes authorization (`enableAzureRBAC: false`)",
                        cluster.describe()
                    ),
                )
                .with_fix(fix)
                .help(HELP);
            }
            Lookup::Absent { .. } if !is_automatic(cluster) => {
                let (message, help) = if cluster.property("aadProfile").is_absent() {
                    (
                        format!(
                            "{} cannot use Azure RBAC for Kubernetes authorization: it has no `aadProfile`, and Azure RBAC needs managed Microsoft Entra ID integration",
                            cluster.describe()
                        ),
                        HELP_NO_PROFILE,
                    )
                } else {
                    (
                        format!(
                            "{} does not use Azure RBAC for Kubernetes authorization (no `aadProfile.enableAzureRBAC`)",
                            cluster.describe()
                        ),
                        HELP,
                    )
                };
                report_unset_with_fix(cx, cluster, &azure_rbac, &NEEDS, message, help, fix);
            }
            _ => {}
        }
    }
}
