use akslint_model::azure::{ManagedCluster, PoolSource};

use super::{AksVersion, report_in};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first control-plane minor version that accepts node pools three minor versions
/// behind it (two before).
const WIDER_SKEW_SINCE_MINOR: u32 = 28;

declare_rule! {
    /// ## What it does
    /// Flags node pools whose `orchestratorVersion` is further behind the cluster's
    /// `kubernetesVersion` than AKS allows, or ahead of it: every `agentPoolProfiles` entry
    /// and every `managedClusters/agentPools` resource of a cluster in the same template.
    ///
    /// ## Why it matters
    /// The kubelet on a node talks to the API server of the control plane, and Kubernetes
    /// only supports a kubelet that is not newer than the API server and at most three minor
    /// versions older (two before Kubernetes 1.28). AKS follows that policy: from control
    /// plane 1.28 on, a pool may be up to three minor versions behind; before, two. A pool
    /// outside the window is rejected when the template is deployed, or left unsupported and
    /// without the fixes of the newer versions; a pool newer than the control plane (also a
    /// newer patch of the same minor version, when both name a patch) is rejected.
    ///
    /// PSRule's `Azure.AKS.PoolVersion` wants every pool on the control plane's version;
    /// akslint flags only what AKS does not allow, since a pool a version behind is the normal
    /// state while a cluster is upgraded pool by pool.
    ///
    /// An absent `orchestratorVersion` is fine: the pool runs the control plane's version. A
    /// cluster without `kubernetesVersion` gets the AKS default version, which is not known
    /// offline, so its pools are not compared; nor are values that cannot be evaluated or are
    /// not of the form `1.29` / `1.29.4`. A `1.29` without patch means the newest patch of
    /// that minor version, so only minor versions are compared then.
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "kubernetesVersion": "1.34",
    ///   "agentPoolProfiles": [{ "name": "legacy", "orchestratorVersion": "1.30.4" }]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "kubernetesVersion": "1.34",
    ///   "agentPoolProfiles": [{ "name": "legacy", "orchestratorVersion": "1.34" }]
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes version skew policy](https://kubernetes.io/releases/version-skew-policy/#kubelet)
    /// - [AKS: allowed version difference between control plane and node pools](https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#what-is-the-allowed-difference-in-versions-between-control-plane-and-node-pool)
    /// - [AKS: upgrade node pools](https://learn.microsoft.com/azure/aks/manage-node-pools#upgrade-a-cluster-control-plane-with-multiple-node-pools)
    pub struct NodePoolVersionSkew {
        code: "AKS304",
        name: "node-pool-version-skew",
        category: Upgrades,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["PSRule" => "Azure.AKS.PoolVersion"],
    }
}

impl Rule for NodePoolVersionSkew {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let Some(control) = AksVersion::of(&cluster.property("kubernetesVersion")) else {
            return;
        };
        let allowed = if control.minor >= WIDER_SKEW_SINCE_MINOR {
            3
        } else {
            2
        };
        for pool in cluster.pools() {
            let lookup = pool.property("orchestratorVersion");
            let Some(version) = AksVersion::of(&lookup) else {
                continue;
            };
            let control_plane = match pool.source {
                PoolSource::Profile { .. } => format!("the control plane ({control})"),
                PoolSource::ChildResource => {
                    format!("the control plane of {} ({control})", cluster.describe())
                }
            };
            let newer_patch = version.minor == control.minor
                && matches!((version.patch, control.patch), (Some(p), Some(c)) if p > c);
            if version.minor > control.minor || newer_patch {
                report_in(
                    cx,
                    pool.resource,
                    &lookup,
                    format!(
                        "{} runs Kubernetes {version}, newer than {control_plane}: AKS does not allow a node pool ahead of its control plane",
                        pool.describe()
                    ),
                )
                .help(format!(
                    "set `orchestratorVersion` to {control} or older, or upgrade `kubernetesVersion` first"
                ));
                continue;
            }
            let behind = control.minor - version.minor;
            if behind > allowed {
                report_in(
                    cx,
                    pool.resource,
                    &lookup,
                    format!(
                        "{} runs Kubernetes {version}, {behind} minor versions behind {control_plane}: AKS allows at most {allowed}",
                        pool.describe()
                    ),
                )
                .help(format!(
                    "upgrade the pool: set `orchestratorVersion` to 1.{} or newer (best: {control}), or remove it so the pool runs the control plane's version",
                    control.minor - allowed
                ));
            }
        }
    }
}
