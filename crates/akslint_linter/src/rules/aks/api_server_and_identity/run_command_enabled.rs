use akslint_model::azure::{Lookup, ManagedCluster};

use super::{Needs, report_unset_with_fix};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with `apiServerAccessProfile.disableRunCommand`.
const NEEDS: Needs = Needs {
    property: "apiServerAccessProfile.disableRunCommand",
    since: "2021-08-01",
};

const FIX: &str = "set `apiServerAccessProfile.disableRunCommand: true`";
const PATH: [&str; 3] = ["properties", "apiServerAccessProfile", "disableRunCommand"];
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
    /// ## Fix
    /// Unsafe: sets `apiServerAccessProfile.disableRunCommand: true` (replacing a literal `false`, or
    /// adding the property and the objects on the way). Run command stops working, so scripts and
    /// pipelines that use `az aks command invoke` (often the only way into a private cluster) break.
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
        fix: Unsafe,
        references: ["Azure Policy" => "89f2d532-c53c-4f8f-9afa-4927b1114a0d"],
    }
}

impl Rule for RunCommandEnabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let disabled = cluster.property("apiServerAccessProfile.disableRunCommand");
        match &disabled {
            Lookup::Known(_) if disabled.is_false() => {
                let fix = cx.cluster_fix(FIX, cluster, &PATH, &disabled, NewValue::Bool(true));
                cx.report_value(
                    &disabled,
                    format!(
                        "{} keeps run command enabled (`disableRunCommand: false`): `az aks command invoke` runs kubectl in the cluster through the Azure API",
                        cluster.describe()
                    ),
                )
                .with_fix(fix)
                .help(HELP);
            }
            Lookup::Absent { .. } => {
                let fix = cx.cluster_fix(FIX, cluster, &PATH, &disabled, NewValue::Bool(true));
                report_unset_with_fix(
                    cx,
                    cluster,
                    &disabled,
                    &NEEDS,
                    format!(
                        "{} keeps run command enabled (no `apiServerAccessProfile.disableRunCommand`; AKS enables it by default)",
                        cluster.describe()
                    ),
                    HELP,
                    fix,
                );
            }
            _ => {}
        }
    }
}
