use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, is_automatic, report_unset};
use crate::context::WithHelp;
use crate::settings::KubernetesVersion;
use crate::{Context, Rule, Scope, declare_rule};

/// Workload identity, and the first API version with it.
const NEEDS: Needs = Needs {
    property: "securityProfile.workloadIdentity.enabled",
    since: "2023-02-01",
};

/// New clusters from this Kubernetes minor version get the OIDC issuer without asking.
const OIDC_ISSUER_DEFAULT_MINOR: u32 = 34;

const HELP: &str = "set `securityProfile.workloadIdentity.enabled: true` and `oidcIssuerProfile.enabled: true`, then federate Kubernetes service accounts with Entra ID identities";
const HELP_OIDC: &str = "set `oidcIssuerProfile.enabled: true`";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters without Microsoft Entra Workload ID:
    /// `securityProfile.workloadIdentity.enabled` is `false` or not set, or it is `true` while
    /// the OIDC issuer it needs is off (`oidcIssuerProfile.enabled` is `false`, or not set on a
    /// cluster whose Kubernetes version does not turn it on by default).
    ///
    /// ## Why it matters
    /// Workload identity lets a pod get Entra ID tokens for its own Kubernetes service
    /// account, federated with a managed identity or application: no secret in the cluster,
    /// tokens scoped to one workload. Without it, workloads that call Azure end up with
    /// connection strings and client secrets in Kubernetes Secrets, or share the node's
    /// kubelet identity, which every pod on the node can use. The deprecated pod-managed
    /// identity add-on is AKS112's concern.
    ///
    /// Service defaults: workload identity is off unless `enabled` is `true`, so an absent
    /// property is flagged; AKS Automatic clusters (`sku.name: Automatic`) come with workload
    /// identity and the OIDC issuer, so for them only explicit `false` values are flagged. The
    /// OIDC issuer is on by default for new clusters created with Kubernetes 1.34 or later:
    /// an absent `oidcIssuerProfile.enabled` is flagged only when `kubernetesVersion` is older,
    /// or, when it is not set, when the target version (`--kubernetes-version`, default 1.35)
    /// is older. `workloadIdentity` exists from apiVersion `2023-02-01`; for an older cluster
    /// the finding points at `apiVersion`. Values only known during deployment are not
    /// flagged.
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "kubernetesVersion": "1.32",
    ///   "securityProfile": { "workloadIdentity": { "enabled": true } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "kubernetesVersion": "1.32",
    ///   "oidcIssuerProfile": { "enabled": true },
    ///   "securityProfile": { "workloadIdentity": { "enabled": true } }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: Microsoft Entra Workload ID overview](https://learn.microsoft.com/azure/aks/workload-identity-overview)
    /// - [AKS: create an OpenID Connect provider (OIDC issuer)](https://learn.microsoft.com/azure/aks/use-oidc-issuer)
    /// - [ARM reference: ManagedClusterSecurityProfileWorkloadIdentity](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclustersecurityprofileworkloadidentity)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should enable workload identity](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F2cc2e023-0dac-4046-875b-178f683929d5)
    pub struct WorkloadIdentityDisabled {
        code: "AKS111",
        name: "workload-identity-disabled",
        category: ApiServerAndIdentity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["Azure Policy" => "2cc2e023-0dac-4046-875b-178f683929d5"],
    }
}

impl Rule for WorkloadIdentityDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.property("securityProfile.workloadIdentity.enabled");
        match &enabled {
            Lookup::Known(_) if enabled.is_false() => {
                cx.report_value(
                    &enabled,
                    format!(
                        "{} turns workload identity off (`workloadIdentity.enabled: false`)",
                        cluster.describe()
                    ),
                )
                .help(HELP);
            }
            Lookup::Absent { .. } if !is_automatic(cluster) => report_unset(
                cx,
                cluster,
                &enabled,
                &NEEDS,
                format!(
                    "{} does not enable workload identity (no `securityProfile.workloadIdentity.enabled`)",
                    cluster.describe()
                ),
                HELP,
            ),
            Lookup::Known(_) if enabled.is_true() => check_oidc_issuer(cluster, cx),
            _ => {}
        }
    }
}

/// Workload identity is on: the OIDC issuer must be too.
fn check_oidc_issuer(cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
    let issuer = cluster.property("oidcIssuerProfile.enabled");
    match &issuer {
        Lookup::Known(_) if issuer.is_false() => {
            cx.report_value(
                &issuer,
                format!(
                    "{} enables workload identity but turns off the OIDC issuer it needs (`oidcIssuerProfile.enabled: false`)",
                    cluster.describe()
                ),
            )
            .help(HELP_OIDC);
        }
        Lookup::Absent { .. }
            if !is_automatic(cluster) && oidc_issuer_by_default(cluster, cx) == Some(false) =>
        {
            cx.report_value(
                &issuer,
                format!(
                    "{} enables workload identity without the OIDC issuer it needs (no `oidcIssuerProfile.enabled`, which is off by default before Kubernetes 1.{OIDC_ISSUER_DEFAULT_MINOR})",
                    cluster.describe()
                ),
            )
            .help(HELP_OIDC);
        }
        _ => {}
    }
}

/// Whether a new cluster gets the OIDC issuer without asking: from Kubernetes 1.34. A cluster
/// without `kubernetesVersion` gets AKS's default version, taken to be the run's target
/// version; `None` when the version is only known during deployment or not a version.
fn oidc_issuer_by_default(cluster: &ManagedCluster<'_, '_>, cx: &Context<'_>) -> Option<bool> {
    let version = match cluster.property("kubernetesVersion") {
        Lookup::Absent { .. } => cx.kubernetes_version(),
        known @ Lookup::Known(_) => KubernetesVersion::parse(known.as_str()?)?,
        Lookup::Unknown(_) => return None,
    };
    Some(version.at_least(OIDC_ISSUER_DEFAULT_MINOR))
}

#[cfg(test)]
mod tests {
    use crate::test_support::lint_files;

    fn template(kubernetes_version: &str) -> String {
        format!(
            r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [{{
    "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks",
    "properties": {{ {kubernetes_version} "securityProfile": {{ "workloadIdentity": {{ "enabled": true }} }} }} }}]
}}"#
        )
    }

    #[test]
    fn an_absent_oidc_issuer_follows_the_kubernetes_version() {
        let old = template(r#""kubernetesVersion": "1.33.2","#);
        assert_eq!(lint_files("AKS111", 35, &[("main.json", &old)]).len(), 1);
        let new = template(r#""kubernetesVersion": "1.34","#);
        assert!(lint_files("AKS111", 35, &[("main.json", &new)]).is_empty());
        // Without `kubernetesVersion`, the target version decides.
        let default = template("");
        assert!(lint_files("AKS111", 35, &[("main.json", &default)]).is_empty());
        assert_eq!(
            lint_files("AKS111", 33, &[("main.json", &default)]).len(),
            1
        );
    }
}
