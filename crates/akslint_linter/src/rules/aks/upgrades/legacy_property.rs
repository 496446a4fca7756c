use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// A cluster setting that newer API versions of `managedClusters` no longer have.
struct Legacy {
    /// Dotted path from the resource object.
    path: &'static str,
    /// The legacy value when only a value is gone (`sku.tier: Paid`); `None` when the
    /// property itself is.
    value: Option<&'static str>,
    /// The last stable API version that has it.
    last: &'static str,
    /// The first stable API version without it.
    removed_in: &'static str,
    /// What to write instead.
    instead: &'static str,
}

/// The legacy settings, checked against the ARM schemas of
/// `Microsoft.ContainerService/managedClusters` (every stable API version).
const LEGACY: &[Legacy] = &[
    Legacy {
        path: "properties.apiServerAuthorizedIPRanges",
        value: None,
        last: "2019-06-01",
        removed_in: "2019-08-01",
        instead: "move the ranges to `properties.apiServerAccessProfile.authorizedIPRanges`",
    },
    Legacy {
        path: "properties.securityProfile.azureDefender",
        value: None,
        last: "2022-04-01",
        removed_in: "2022-06-01",
        instead: "use `properties.securityProfile.defender` with `securityMonitoring.enabled: true` and `logAnalyticsWorkspaceResourceId`",
    },
    Legacy {
        path: "sku.tier",
        value: Some("Paid"),
        last: "2023-01-01",
        removed_in: "2023-02-01",
        instead: "set `sku.tier` to `Standard` (the new name of the paid tier with the uptime SLA), or `Premium`",
    },
    Legacy {
        path: "properties.enablePodSecurityPolicy",
        value: None,
        last: "2025-02-01",
        removed_in: "2025-03-01",
        instead: "remove `enablePodSecurityPolicy`; enforce Pod Security Standards with Pod Security Admission labels or the Azure Policy add-on",
    },
];

declare_rule! {
    /// ## What it does
    /// Flags cluster settings that the declared `apiVersion` of the
    /// `Microsoft.ContainerService/managedClusters` resource no longer has. The settings, with
    /// the API versions from the ARM schemas:
    ///
    /// | setting | last stable API version with it | replaced by |
    /// |---|---|---|
    /// | `properties.apiServerAuthorizedIPRanges` | 2019-06-01 | `properties.apiServerAccessProfile.authorizedIPRanges` |
    /// | `properties.securityProfile.azureDefender` | 2022-04-01 | `properties.securityProfile.defender` |
    /// | `sku.tier: Paid` | 2023-01-01 | `sku.tier: Standard` |
    /// | `properties.enablePodSecurityPolicy` | 2025-02-01 | nothing: Pod Security Policy is retired |
    ///
    /// `enablePodSecurityPolicy: true` is flagged with every API version: Kubernetes removed
    /// Pod Security Policy in 1.25, and no supported AKS version has it.
    ///
    /// ## Why it matters
    /// A template often keeps its settings while its `apiVersion` is raised. The resource
    /// provider reads the body with the schema of the declared version: a property that
    /// version does not have does not take effect, and a removed enum value is rejected. The
    /// template then looks hardened while the cluster is not: authorized IP ranges written
    /// in the old place leave the API server open to the internet, and an `azureDefender`
    /// block enables no Defender sensor.
    ///
    /// Property names and `Paid` are compared without case. A value that cannot be evaluated,
    /// a `null`, and an `apiVersion` akslint cannot read are not flagged; with an older
    /// `apiVersion` the setting still works and passes (other rules judge the setting
    /// itself).
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "sku": { "name": "Base", "tier": "Paid" },
    ///   "properties": { "apiServerAuthorizedIPRanges": ["203.0.113.0/24"] }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "sku": { "name": "Base", "tier": "Standard" },
    ///   "properties": { "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24"] } }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [ARM reference: Microsoft.ContainerService managedClusters, by API version](https://learn.microsoft.com/azure/templates/microsoft.containerservice/allversions)
    /// - [AKS: API server authorized IP ranges](https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges)
    /// - [AKS: Defender for Containers](https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable)
    /// - [AKS: free, Standard and Premium pricing tiers](https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers)
    /// - [AKS: Pod Security Policy is retired; use Pod Security Admission](https://learn.microsoft.com/azure/aks/use-psa)
    pub struct LegacyProperty {
        code: "AKS305",
        name: "legacy-property",
        category: Upgrades,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["ARM schema" => "Microsoft.ContainerService/managedClusters API versions"],
    }
}

impl Rule for LegacyProperty {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let Some(api_version) = cluster.api_version() else {
            return;
        };
        for legacy in LEGACY {
            let lookup = cluster.get(legacy.path);
            let Lookup::Known(value) = &lookup else {
                continue;
            };
            let name = legacy.path.trim_start_matches("properties.");
            if !api_version.at_least(legacy.removed_in) {
                if legacy.path == "properties.enablePodSecurityPolicy" && lookup.is_true() {
                    report_at_key(
                        cx,
                        &lookup,
                        format!(
                            "{} enables Pod Security Policy (`enablePodSecurityPolicy: true`), which Kubernetes removed in 1.25 and AKS retired",
                            cluster.describe()
                        ),
                    )
                    .help(legacy.instead);
                }
                continue;
            }
            let message = match legacy.value {
                Some(old) => {
                    if !value.as_str().is_some_and(|v| v.eq_ignore_ascii_case(old)) {
                        continue;
                    }
                    format!(
                        "{} sets `{name}: {old}`, which apiVersion {api_version} no longer accepts (the last API version with it is {})",
                        cluster.describe(),
                        legacy.last
                    )
                }
                None => format!(
                    "{} sets `{name}`, which apiVersion {api_version} no longer has (the last API version with it is {}): the setting does not take effect",
                    cluster.describe(),
                    legacy.last
                ),
            };
            let diagnostic = if legacy.value.is_some() {
                cx.report_value(&lookup, message)
            } else {
                report_at_key(cx, &lookup, message)
            };
            diagnostic.help(legacy.instead);
        }
    }
}

/// Reports at the key of a property (its value may be a whole object), with the place the
/// value is written as related information.
fn report_at_key<'c>(
    cx: &'c mut Context<'_>,
    lookup: &Lookup<'_, '_>,
    message: String,
) -> &'c mut akslint_diagnostics::Diagnostic {
    let related = lookup.origin().map(|origin| cx.related(origin));
    let diagnostic = cx.report(lookup.node().anchor_span(), message);
    diagnostic.related.extend(related);
    diagnostic
}
