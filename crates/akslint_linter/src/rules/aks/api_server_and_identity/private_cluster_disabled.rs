use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, report_unset};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with `apiServerAccessProfile.enablePrivateCluster`.
const NEEDS: Needs = Needs {
    property: "apiServerAccessProfile.enablePrivateCluster",
    since: "2019-08-01",
};

const HELP: &str = "set `apiServerAccessProfile.enablePrivateCluster: true` so the API server is reached through a private endpoint in your virtual network";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that are not private clusters:
    /// `apiServerAccessProfile.enablePrivateCluster` is `false` or not set.
    ///
    /// ## Why it matters
    /// A public cluster's API server has a public IP address and a public DNS name: it is a
    /// target on the internet, protected only by authentication and, at best, by authorized
    /// IP ranges. A private cluster's API server is reached through a private endpoint in your
    /// virtual network, so an attacker first needs a foothold in that network.
    ///
    /// Service default: a cluster is public unless `enablePrivateCluster` is `true`, so an
    /// absent property is flagged. The property exists from apiVersion `2019-08-01`; a cluster
    /// declared with an older version cannot be private, and the finding then points at
    /// `apiVersion`. A public cluster with authorized IP ranges is still flagged here (as a
    /// warning); a public cluster without them is, in addition, an error of AKS101.
    /// A value only known during deployment is not flagged.
    ///
    /// An existing public cluster cannot be made private (only clusters with API Server VNet
    /// Integration can switch): decide before the first deployment.
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
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": {
    ///     "dnsPrefix": "aks",
    ///     "apiServerAccessProfile": {
    ///       "enablePrivateCluster": true,
    ///       "enablePrivateClusterPublicFQDN": false
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: create a private cluster](https://learn.microsoft.com/azure/aks/private-clusters)
    /// - [ARM reference: ManagedClusterAPIServerAccessProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusterapiserveraccessprofile)
    /// - [Azure Policy: Azure Kubernetes Service Private Clusters should be enabled](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F040732e8-d947-40b8-95d6-854c95024bf8)
    pub struct PrivateClusterDisabled {
        code: "AKS102",
        name: "private-cluster-disabled",
        category: ApiServerAndIdentity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: [
            "Azure Policy" => "040732e8-d947-40b8-95d6-854c95024bf8",
            "trivy" => "AVD-AZU-0065",
            "checkov" => "CKV_AZURE_115 (Terraform only)",
        ],
    }
}

impl Rule for PrivateClusterDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let private = cluster.property("apiServerAccessProfile.enablePrivateCluster");
        match &private {
            Lookup::Known(_) if private.is_false() => {
                cx.report_value(
                    &private,
                    format!(
                        "{} is not a private cluster (`enablePrivateCluster: false`): its API server has a public endpoint",
                        cluster.describe()
                    ),
                )
                .help(HELP);
            }
            Lookup::Absent { .. } => report_unset(
                cx,
                cluster,
                &private,
                &NEEDS,
                format!(
                    "{} is not a private cluster (no `apiServerAccessProfile.enablePrivateCluster`): its API server has a public endpoint",
                    cluster.describe()
                ),
                HELP,
            ),
            _ => {}
        }
    }
}
