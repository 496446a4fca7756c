use akslint_model::azure::AgentPool;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags node pools that give every node a public IP address (`enableNodePublicIP: true`,
    /// or the string `"true"`): every entry of `agentPoolProfiles` and every
    /// `managedClusters/agentPools` resource.
    ///
    /// ## Why it matters
    /// A node with its own public IP address is reachable from the internet: the kubelet, SSH,
    /// node ports and anything a pod binds with `hostNetwork` are one network security group
    /// rule away from exposure, and the node's egress bypasses the load balancer, NAT gateway
    /// or firewall the cluster's outbound traffic is meant to go through. AKS nodes do not
    /// need public addresses: reach them through the private network, and publish workloads
    /// through a load balancer or ingress.
    ///
    /// The service default is `false`, so an absent `enableNodePublicIP` passes, as do values
    /// that cannot be evaluated.
    ///
    /// ## Example
    /// ```json
    /// "agentPoolProfiles": [
    ///   { "name": "user", "mode": "User", "count": 3, "enableNodePublicIP": true }
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "agentPoolProfiles": [
    ///   { "name": "user", "mode": "User", "count": 3 }
    /// ]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `enableNodePublicIP: false` on each pool where it is written (the
    /// `agentPoolProfiles` item or the `agentPools` resource). Whatever reached the nodes through their
    /// public addresses stops working, and the setting cannot change on an existing pool, so the pool is
    /// recreated. A value from a parameter, a variable or a `copy` loop gets no fix.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use instance-level public IPs for nodes](https://learn.microsoft.com/azure/aks/use-node-public-ips)
    /// - [AKS: network concepts, outbound traffic](https://learn.microsoft.com/azure/aks/egress-outboundtype)
    pub struct NodePublicIp {
        code: "AKS204",
        name: "node-public-ip",
        category: ClusterNetwork,
        severity: Error,
        default_enabled: true,
        scope: Scope::NodePools,
        fix: Unsafe,
        references: ["checkov" => "CKV_AZURE_143 (Terraform)"],
    }
}

impl Rule for NodePublicIp {
    fn check_node_pool(&self, pool: &AgentPool<'_, '_>, cx: &mut Context<'_>) {
        let public_ip = pool.property("enableNodePublicIP");
        if public_ip.is_true() {
            let fix = cx.pool_fix(
                "set `enableNodePublicIP: false`",
                pool,
                &["enableNodePublicIP"],
                &public_ip,
                NewValue::Bool(false),
            );
            cx.report_value(
                &public_ip,
                format!(
                    "{} gives every node a public IP address (`enableNodePublicIP: true`)",
                    pool.describe()
                ),
            )
            .with_fix(fix)
            .help("remove `enableNodePublicIP` or set it to `false`; reach nodes through the private network and publish workloads through a load balancer or ingress");
        }
    }
}
