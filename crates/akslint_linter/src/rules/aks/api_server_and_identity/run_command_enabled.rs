use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, report_unset};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with `apiServerAccessProfile.disableRunCommand`.
const NEEDS: Needs = Needs {
    property: "apiServerAccessProfile.disableRunCommand",
    since: "2021-08-01",
};

const HELP: &str = "set `apiServerAccessProfile.disableRunCommand: true`";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that keep run command (`az aks command invoke`) enabled:
    /// `apiServerAccessProfile.disableRunCommand` is `false` or not set.
    ///
    /// ## Why it matters
    /// Run command starts a pod in the cluster and runs `kubectl` or `helm` there on behalf of
    /// the caller, through the Azure Resource Manager API. It reaches the API server of a
    /// private cluster from anywhere an Azure identity with the right role signs in, around the
    /// network isolation the cluster was built for. Disable it and reach private clusters
    /// through your own network path (jump host, VPN, self-hosted agents).
    ///
    /// Service default: run command is enabled unless `disableRunCommand` is `true`, so an
    /// absent property is flagged. The property exists from apiVersion `2021-08-01`; a cluster
    /// declared with an older version cannot disable run command, and the finding then points
    /// at `apiVersion`. Public clusters are flagged too (like the Azure Policy built-in): run
    /// command bypasses their authorized IP ranges. A value only known during deployment is
    /// not flagged.
    ///
    /// ## Example
    /// ```json
    /// "apiServerAccessProfile": { "enablePrivateCluster": true }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "apiServerAccessProfile": { "enablePrivateCluster": true, "disableRunCommand": true }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: access a private cluster remotely with `az aks command invoke` (and disable it)](https://learn.microsoft.com/azure/aks/access-private-cluster)
    /// - [ARM reference: ManagedClusterAPIServerAccessProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclusterapiserveraccessprofile)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should disable Command Invoke](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F89f2d532-c53c-4f8f-9afa-4927b1114a0d)
    pub struct RunCommandEnabled {
        code: "AKS104",
        name: "run-command-enabled",
        category: ApiServerAndIdentity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["Azure Policy" => "89f2d532-c53c-4f8f-9afa-4927b1114a0d"],
    }
}

impl Rule for RunCommandEnabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let disabled = cluster.property("apiServerAccessProfile.disableRunCommand");
        match &disabled {
            Lookup::Known(_) if disabled.is_false() => {
                cx.report_value(
                    &disabled,
                    format!(
                        "{} keeps run command enabled (`disableRunCommand: false`): `az aks command invoke` runs kubectl in the cluster through the Azure API",
                        cluster.describe()
                    ),
                )
                .help(HELP);
            }
            Lookup::Absent { .. } => report_unset(
                cx,
                cluster,
                &disabled,
                &NEEDS,
                format!(
                    "{} keeps run command enabled (no `apiServerAccessProfile.disableRunCommand`; AKS enables it by default)",
                    cluster.describe()
                ),
                HELP,
            ),
            _ => {}
        }
    }
}
