use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes managed clusters whose outbound traffic leaves through the cluster's load
    /// balancer: `properties.networkProfile.outboundType` is `loadBalancer`, or absent (the
    /// service default is `loadBalancer`). Opt-in.
    ///
    /// ## Why it matters
    /// With `loadBalancer`, nodes and pods reach the internet directly through the public
    /// IPs of the AKS-managed load balancer: nothing inspects or restricts egress, so a
    /// compromised workload can download tools and exfiltrate data anywhere. The AKS baseline
    /// architecture sends egress through Azure Firewall (or another network virtual
    /// appliance) with `outboundType: userDefinedRouting` and a route table on the node
    /// subnet, where it can be filtered by FQDN and logged.
    ///
    /// `userDefinedRouting`, `managedNATGateway`, `userAssignedNATGateway` and `none` pass: a
    /// NAT gateway does not filter either, but it is a deliberate egress design that the
    /// subnet's route table and network security groups can build on. This rule is a note
    /// and off by default because a firewall is a cost and design decision; enable it where
    /// egress control is required.
    ///
    /// Not flagged: an absent `outboundType` on AKS Automatic clusters (`sku.name:
    /// Automatic`), whose egress AKS sets up (a managed NAT gateway in the managed virtual
    /// network); values that cannot be evaluated. Values are compared without case.
    ///
    /// ## Example
    /// ```json
    /// "networkProfile": {
    ///   "networkPlugin": "azure",
    ///   "outboundType": "loadBalancer"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "networkProfile": {
    ///   "networkPlugin": "azure",
    ///   "outboundType": "userDefinedRouting"
    /// }
    /// ```
    /// with a route table on the node subnet that sends `0.0.0.0/0` to the firewall.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: customize cluster egress with outbound types](https://learn.microsoft.com/azure/aks/egress-outboundtype)
    /// - [AKS: limit network traffic with Azure Firewall](https://learn.microsoft.com/azure/aks/limit-egress-traffic)
    /// - [AKS baseline architecture: egress traffic flow](https://learn.microsoft.com/azure/architecture/reference-architectures/containers/aks/baseline-aks#add-egress-traffic-flow)
    pub struct UncontrolledEgress {
        code: "AKS206",
        name: "uncontrolled-egress",
        category: ClusterNetwork,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: ["AKS baseline" => "egress through Azure Firewall (no peer checks it)"],
    }
}

const HELP: &str = "route egress through a firewall: set `networkProfile.outboundType` to `userDefinedRouting` with a route table on the node subnet (or use a NAT gateway)";

impl Rule for UncontrolledEgress {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let outbound = cluster.property("networkProfile.outboundType");
        let message = match &outbound {
            Lookup::Absent { .. } => {
                if cluster.get("sku.name").is_str_ignore_case("Automatic") {
                    return;
                }
                format!(
                    "{} sets no `networkProfile.outboundType`: egress leaves directly through the cluster load balancer, unfiltered",
                    cluster.describe()
                )
            }
            Lookup::Known(_) if outbound.is_str_ignore_case("loadBalancer") => format!(
                "{} sends egress directly through the cluster load balancer (`outboundType: loadBalancer`), unfiltered",
                cluster.describe()
            ),
            _ => return,
        };
        cx.report_value(&outbound, message).help(HELP);
    }
}
