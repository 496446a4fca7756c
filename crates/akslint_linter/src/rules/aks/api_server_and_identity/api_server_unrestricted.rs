use akslint_model::azure::{ApiVersion, Lookup, ManagedCluster, member_node};

use super::{Entries, entries};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with `properties.apiServerAuthorizedIPRanges`.
const LEGACY_RANGES_FROM: &str = "2019-02-01";
/// The first API version with `apiServerAccessProfile` (authorized ranges, private cluster);
/// it no longer reads `apiServerAuthorizedIPRanges`.
const ACCESS_PROFILE_FROM: &str = "2019-08-01";

const RANGES: &str = "apiServerAccessProfile.authorizedIPRanges";
const LEGACY_RANGES: &str = "apiServerAuthorizedIPRanges";

declare_rule! {
    /// ## What it does
    /// Flags public managed clusters whose API server accepts connections from any address:
    /// not a private cluster, and no authorized IP ranges (`apiServerAccessProfile.authorizedIPRanges`
    /// absent, `null` or empty), or a range that covers every address (`0.0.0.0/0`, `::/0`).
    ///
    /// ## Why it matters
    /// The API server of a public cluster is on the internet. Without authorized IP ranges,
    /// anyone can reach it and try stolen kubeconfigs, tokens and unpatched API server
    /// vulnerabilities; with them, only your offices, VPN and build agents can.
    ///
    /// Service defaults: a cluster is public unless `enablePrivateCluster` is `true`, and a
    /// public API server without ranges accepts every address. Private clusters are **not**
    /// flagged (like the Azure Policy built-in and trivy, unlike checkov's ARM check and KICS):
    /// their API server has no public endpoint, and they do not support authorized ranges.
    /// Neither is a cluster with `publicNetworkAccess` other than `Enabled` (`Disabled`,
    /// `SecuredByPerimeter`), which denies public inbound traffic. AKS102 says separately that
    /// a cluster is not private.
    ///
    /// API versions: from `2019-08-01` the ranges are `apiServerAccessProfile.authorizedIPRanges`;
    /// `2019-02-01` to `2019-06-01` read the legacy `properties.apiServerAuthorizedIPRanges`
    /// instead (and the rule reads it for them); older versions cannot restrict the API server
    /// at all, and the finding points at `apiVersion`. Ranges written in the property that the
    /// declared version does not read are flagged as such: the service ignores them.
    ///
    /// The value is evaluated (parameters, parameter files, variables, `if()`); an empty string
    /// (what `split()` of an empty parameter gives) is not a range. Ranges, or a private or
    /// public-access setting, only known during deployment are not flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": {
    ///     "apiServerAccessProfile": { "authorizedIPRanges": ["0.0.0.0/0"] }
    ///   }
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
    ///     "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24", "198.51.100.7/32"] }
    ///   }
    /// }
    /// ```
    /// or a private cluster: `"apiServerAccessProfile": { "enablePrivateCluster": true }`.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: secure access to the API server using authorized IP address ranges](https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges)
    /// - [AKS: create a private cluster](https://learn.microsoft.com/azure/aks/private-clusters)
    /// - [ARM reference: ManagedClusterAPIServerAccessProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusterapiserveraccessprofile)
    /// - [Azure Policy: Authorized IP ranges should be defined on Kubernetes Services](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F0e246bcf-5f6f-4f87-bc6f-775d4712c7ea)
    pub struct ApiServerUnrestricted {
        code: "AKS101",
        name: "api-server-unrestricted",
        category: ApiServerAndIdentity,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: [
            "PSRule" => "Azure.AKS.AuthorizedIPs",
            "checkov" => "CKV_AZURE_6 (no private-cluster exemption in ARM)",
            "trivy" => "AVD-AZU-0041",
            "KICS" => "2583fab1-953b-4fae-bd02-4a136a6c21f9",
            "Azure Policy" => "0e246bcf-5f6f-4f87-bc6f-775d4712c7ea",
        ],
    }
}

impl Rule for ApiServerUnrestricted {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        if !has_public_endpoint(cluster) {
            return;
        }
        let version = cluster.api_version();
        if let Some(version) = version
            && !version.at_least(LEGACY_RANGES_FROM)
        {
            report_old_api_version(cluster, version, cx);
            return;
        }
        // The property the declared version reads, and the one it ignores.
        let legacy_only = version.is_some_and(|v| !v.at_least(ACCESS_PROFILE_FROM));
        let (read_path, ignored_path) = if legacy_only {
            (LEGACY_RANGES, RANGES)
        } else {
            (RANGES, LEGACY_RANGES)
        };
        let ranges = cluster.property(read_path);
        match entries(&ranges) {
            Entries::Unknown => {}
            Entries::Some => report_any_address(cluster, &ranges, read_path, cx),
            Entries::Nothing => {
                let ignored = cluster.property(ignored_path);
                if entries(&ignored) != Entries::Nothing {
                    // Without a declared version the other spelling may be the one read.
                    if let Some(version) = version {
                        report_ignored(cluster, &ignored, ignored_path, version, cx);
                    }
                    return;
                }
                let what = if ranges.is_absent() {
                    format!("no `{read_path}`")
                } else {
                    format!("an empty `{read_path}`")
                };
                cx.report_value(
                    &ranges,
                    format!(
                        "{} has a public API server that accepts connections from any address ({what}, and it is not a private cluster)",
                        cluster.describe()
                    ),
                )
                .help(if legacy_only {
                    format!(
                        "list the CIDR ranges that may reach the API server in `{LEGACY_RANGES}`, or declare apiVersion {ACCESS_PROFILE_FROM} or newer and use `{RANGES}` or `apiServerAccessProfile.enablePrivateCluster: true`"
                    )
                } else {
                    format!(
                        "list the CIDR ranges that may reach the API server in `{RANGES}` (e.g. `[\"203.0.113.0/24\"]`), or make it a private cluster with `apiServerAccessProfile.enablePrivateCluster: true`"
                    )
                });
            }
        }
    }
}

/// Whether the API server is known to have a reachable public endpoint: not a private cluster
/// (`enablePrivateCluster` false or absent) and public network access not turned off.
fn has_public_endpoint(cluster: &ManagedCluster<'_, '_>) -> bool {
    let private = cluster.property("apiServerAccessProfile.enablePrivateCluster");
    let public = match &private {
        Lookup::Absent { .. } => true,
        Lookup::Known(_) => private.is_false(),
        Lookup::Unknown(_) => false,
    };
    let access = cluster.property("publicNetworkAccess");
    let open = match &access {
        Lookup::Absent { .. } => true,
        Lookup::Known(_) => access
            .as_str()
            .is_none_or(|s| s.eq_ignore_ascii_case("Enabled")),
        Lookup::Unknown(_) => false,
    };
    public && open
}

/// Reports every range that covers all addresses.
fn report_any_address(
    cluster: &ManagedCluster<'_, '_>,
    ranges: &Lookup<'_, '_>,
    path: &str,
    cx: &mut Context<'_>,
) {
    let Some(items) = ranges.known().and_then(|value| value.as_array()) else {
        return;
    };
    for item in items {
        let Some(range) = item.as_str().filter(|range| covers_everything(range)) else {
            continue;
        };
        cx.report_value(
            &Lookup::Known(item),
            format!(
                "{} authorizes every address to reach its API server (`{}` in `{path}`)",
                cluster.describe(),
                range.trim()
            ),
        )
        .help(format!(
            "replace `{}` with the CIDR ranges of the networks that administer the cluster, or make it a private cluster",
            range.trim()
        ));
    }
}

/// A CIDR range with prefix length 0 (`0.0.0.0/0`, `::/0`): every address.
fn covers_everything(range: &str) -> bool {
    range
        .split_once('/')
        .is_some_and(|(_, prefix)| prefix.trim().parse::<u8>() == Ok(0))
}

/// Ranges written in the property that the declared API version does not read.
fn report_ignored(
    cluster: &ManagedCluster<'_, '_>,
    ignored: &Lookup<'_, '_>,
    path: &str,
    version: ApiVersion,
    cx: &mut Context<'_>,
) {
    let help = if path == LEGACY_RANGES {
        format!("move the ranges to `{RANGES}`")
    } else {
        format!(
            "declare apiVersion {ACCESS_PROFILE_FROM} or newer, or move the ranges to `{LEGACY_RANGES}`"
        )
    };
    cx.report_value(
        ignored,
        format!(
            "{} sets `{path}`, which apiVersion {version} does not read: its public API server accepts connections from any address",
            cluster.describe()
        ),
    )
    .help(help);
}

/// Versions before authorized ranges existed cannot restrict the API server.
fn report_old_api_version(
    cluster: &ManagedCluster<'_, '_>,
    version: ApiVersion,
    cx: &mut Context<'_>,
) {
    let Some(api_version) = member_node(cluster.resource.node, "apiVersion") else {
        return;
    };
    cx.report_node(
        api_version,
        format!(
            "{} uses apiVersion {version}, which cannot restrict its public API server to authorized IP ranges",
            cluster.describe()
        ),
    )
    .help(format!(
        "declare apiVersion {ACCESS_PROFILE_FROM} or newer and set `{RANGES}`, or `apiServerAccessProfile.enablePrivateCluster: true`"
    ));
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::covers_everything;
    use crate::test_support::lint_files;

    const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": { "ranges": { "type": "array", "defaultValue": ["203.0.113.0/24"] } },
  "variables": { "adminRanges": ["198.51.100.0/24", "0.0.0.0/0"] },
  "resources": [
    { "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks",
      "properties": { "apiServerAccessProfile": { "authorizedIPRanges": "[parameters('ranges')]" } } },
    { "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks2",
      "properties": { "apiServerAccessProfile": { "authorizedIPRanges": "[variables('adminRanges')]" } } }
  ]
}"#;

    #[test]
    fn an_open_range_points_at_the_variable_item_that_writes_it() {
        let found = lint_files("AKS101", 35, &[("main.json", TEMPLATE)]);
        assert_eq!(found.len(), 1, "{found:?}");
        let related = &found[0].related[0];
        assert_eq!(related.message, "value from variable `adminRanges`");
        assert_eq!(
            &TEMPLATE[related.span.start as usize..related.span.end as usize],
            r#""0.0.0.0/0""#
        );
    }

    #[test]
    fn a_parameter_file_that_empties_the_ranges_fails() {
        let parameters = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": { "ranges": { "value": [] } } }"#;
        let found = lint_files(
            "AKS101",
            35,
            &[
                ("main.json", TEMPLATE),
                ("main.parameters.json", parameters),
            ],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        let emptied = found
            .iter()
            .find(|d| d.message.contains("`aks` has a public API server"))
            .expect("the emptied ranges");
        assert_eq!(
            emptied.related[0].file.path(),
            Path::new("main.parameters.json")
        );
    }

    #[test]
    fn only_a_zero_prefix_covers_everything() {
        assert!(covers_everything("0.0.0.0/0"));
        assert!(covers_everything(" ::/0 "));
        assert!(covers_everything("10.0.0.0/0"));
        assert!(!covers_everything("0.0.0.0/32"));
        assert!(!covers_everything("0.0.0.0"));
        assert!(!covers_everything("203.0.113.0/24"));
    }
}
