use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, report_unset};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with `apiServerAccessProfile.enablePrivateClusterPublicFQDN`; before
/// it every private cluster had a public FQDN.
const NEEDS: Needs = Needs {
    property: "apiServerAccessProfile.enablePrivateClusterPublicFQDN",
    since: "2021-05-01",
};

const HELP: &str = "set `apiServerAccessProfile.enablePrivateClusterPublicFQDN: false`; clients then resolve the API server through the cluster's private DNS zone";
const HELP_NO_PRIVATE_ZONE: &str = "with `privateDNSZone: none` the API server is only resolvable through its public FQDN: use `privateDNSZone: system` (or the id of your own private DNS zone) and set `enablePrivateClusterPublicFQDN: false`";

declare_rule! {
    /// ## What it does
    /// Flags private clusters (`apiServerAccessProfile.enablePrivateCluster: true`) that still
    /// publish their API server in public DNS (`enablePrivateClusterPublicFQDN` is `true` or not
    /// set), or that set `publicNetworkAccess: Enabled`.
    ///
    /// ## Why it matters
    /// A private cluster keeps its API server off the internet, but by default AKS also creates
    /// a public FQDN with an A record in Azure public DNS that resolves to the private endpoint's
    /// address. Anyone can then learn that the cluster exists, its name and its internal IP
    /// address, which helps reconnaissance and lateral movement; and clients outside the
    /// virtual network keep resolving a name they cannot reach. With the public FQDN off, the
    /// name resolves only through the private DNS zone linked to your networks.
    /// `publicNetworkAccess: Enabled` on a private cluster asks for public inbound access,
    /// which contradicts the private design.
    ///
    /// Service defaults: AKS creates the public FQDN of a private cluster unless
    /// `enablePrivateClusterPublicFQDN` is `false`, so an absent property is flagged. The
    /// property exists from apiVersion `2021-05-01`: older versions always create the public
    /// FQDN, and the finding points at `apiVersion`. An absent `publicNetworkAccess` is not
    /// flagged. With `privateDNSZone: none` AKS creates no private zone and the public FQDN is
    /// how the API server is resolved; it is still flagged, with a help that says to use a
    /// private DNS zone first. Public clusters are not checked here (see AKS101 and AKS102);
    /// values only known during deployment are not flagged.
    ///
    /// ## Example
    /// ```json
    /// "apiServerAccessProfile": {
    ///   "enablePrivateCluster": true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "apiServerAccessProfile": {
    ///   "enablePrivateCluster": true,
    ///   "enablePrivateClusterPublicFQDN": false,
    ///   "privateDNSZone": "system"
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: create a private cluster (public FQDN, private DNS zone)](https://learn.microsoft.com/azure/aks/private-clusters)
    /// - [ARM reference: ManagedClusterAPIServerAccessProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusterapiserveraccessprofile)
    pub struct PrivateClusterPublicFqdn {
        code: "AKS103",
        name: "private-cluster-public-fqdn",
        category: ApiServerAndIdentity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["none" => "no peer checks the public FQDN of a private cluster"],
    }
}

impl Rule for PrivateClusterPublicFqdn {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        if !cluster
            .property("apiServerAccessProfile.enablePrivateCluster")
            .is_true()
        {
            return;
        }
        let no_private_zone = cluster
            .property("apiServerAccessProfile.privateDNSZone")
            .is_str_ignore_case("none");
        let help = if no_private_zone {
            HELP_NO_PRIVATE_ZONE
        } else {
            HELP
        };
        let fqdn = cluster.property("apiServerAccessProfile.enablePrivateClusterPublicFQDN");
        match &fqdn {
            Lookup::Known(_) if fqdn.is_true() => {
                cx.report_value(
                    &fqdn,
                    format!(
                        "{} is a private cluster that publishes its API server in public DNS (`enablePrivateClusterPublicFQDN: true`)",
                        cluster.describe()
                    ),
                )
                .help(help);
            }
            Lookup::Absent { .. } => report_unset(
                cx,
                cluster,
                &fqdn,
                &NEEDS,
                format!(
                    "{} is a private cluster that publishes its API server in public DNS (no `enablePrivateClusterPublicFQDN: false`; AKS creates the public FQDN by default)",
                    cluster.describe()
                ),
                help,
            ),
            _ => {}
        }
        let access = cluster.property("publicNetworkAccess");
        if access.is_str_ignore_case("Enabled") {
            cx.report_value(
                &access,
                format!(
                    "{} is a private cluster that allows public network access (`publicNetworkAccess: Enabled`)",
                    cluster.describe()
                ),
            )
            .help("set `publicNetworkAccess: Disabled`");
        }
    }
}
