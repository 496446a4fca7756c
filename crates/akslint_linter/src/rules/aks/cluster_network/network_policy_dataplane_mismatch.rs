use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters whose network policy engine and dataplane disagree:
    /// `networkProfile.networkPolicy: cilium` without `networkProfile.networkDataplane: cilium`,
    /// or the Cilium dataplane with another engine (`azure`, `calico`).
    ///
    /// ## Why it matters
    /// Cilium network policies are enforced by the Cilium dataplane (Azure CNI powered by
    /// Cilium), and the Cilium dataplane enforces policies itself, so AKS accepts `cilium`
    /// only together: it rejects the deployment otherwise
    /// (`CiliumDataplaneRequiresNetworkPolicyCilium`). A template that mixes them fails when
    /// it is deployed, or, where a pipeline falls back to another parameter set, ends up with a
    /// cluster whose network policies are not what the template says. An absent
    /// `networkDataplane` is the `azure` dataplane, so `networkPolicy: cilium` alone is
    /// flagged; `networkDataplane` exists from API version 2023-02-01 (the preview name
    /// `ebpfDataplane` is not read).
    ///
    /// Not flagged: the Cilium dataplane without `networkPolicy` (a cluster created so runs
    /// the Cilium engine) or with `none` (AKS201 reports a missing engine), and values that
    /// cannot be evaluated. Values are compared without case.
    ///
    /// ## Example
    /// ```json
    /// "networkProfile": {
    ///   "networkPlugin": "azure",
    ///   "networkPluginMode": "overlay",
    ///   "networkPolicy": "cilium"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "networkProfile": {
    ///   "networkPlugin": "azure",
    ///   "networkPluginMode": "overlay",
    ///   "networkDataplane": "cilium",
    ///   "networkPolicy": "cilium"
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: Azure CNI powered by Cilium](https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium)
    /// - [AKS: network policy options](https://learn.microsoft.com/azure/aks/use-network-policies#network-policy-options-in-aks)
    /// - [ARM reference: ContainerServiceNetworkProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#containerservicenetworkprofile)
    pub struct NetworkPolicyDataplaneMismatch {
        code: "AKS202",
        name: "network-policy-dataplane-mismatch",
        category: ClusterNetwork,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["AKS docs" => "azure-cni-powered-by-cilium"],
    }
}

impl Rule for NetworkPolicyDataplaneMismatch {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let policy = cluster.property("networkProfile.networkPolicy");
        let dataplane = cluster.property("networkProfile.networkDataplane");
        let cilium_dataplane = dataplane.is_str_ignore_case("cilium");
        if policy.is_str_ignore_case("cilium") {
            let dataplane_text = match &dataplane {
                _ if cilium_dataplane => return,
                Lookup::Unknown(_) => return,
                Lookup::Absent { .. } => "no `networkDataplane` (the `azure` dataplane)".to_owned(),
                Lookup::Known(value) => format!("`networkDataplane: {}`", value.display()),
            };
            cx.report_value(
                &policy,
                format!(
                    "{} uses the Cilium network policy engine (`networkPolicy: cilium`) with {dataplane_text}: Cilium policies need the Cilium dataplane",
                    cluster.describe()
                ),
            )
            .help("set `networkProfile.networkDataplane: cilium` (Azure CNI powered by Cilium, `networkPlugin: azure`), or choose `networkPolicy: calico` or `azure`");
            return;
        }
        if !cilium_dataplane {
            return;
        }
        let Some(engine) = policy.as_str() else {
            return;
        };
        if engine.eq_ignore_ascii_case("none") || engine.trim().is_empty() {
            return;
        }
        cx.report_value(
            &policy,
            format!(
                "{} uses the Cilium dataplane (`networkDataplane: cilium`) with `networkPolicy: {engine}`: the Cilium dataplane enforces network policy itself and AKS requires `networkPolicy: cilium`",
                cluster.describe()
            ),
        )
        .help("set `networkProfile.networkPolicy` to `cilium`, or leave `networkDataplane` out to use another engine");
    }
}
