//! Cluster networking (AKS2xx).

mod basic_load_balancer;
mod http_application_routing;
mod kube_dashboard_enabled;
mod network_policy_dataplane_mismatch;
mod network_policy_missing;
mod node_pool_outside_vnet;
mod node_public_ip;
mod uncontrolled_egress;

pub use basic_load_balancer::BasicLoadBalancer;
pub use http_application_routing::HttpApplicationRouting;
pub use kube_dashboard_enabled::KubeDashboardEnabled;
pub use network_policy_dataplane_mismatch::NetworkPolicyDataplaneMismatch;
pub use network_policy_missing::NetworkPolicyMissing;
pub use node_pool_outside_vnet::NodePoolOutsideVnet;
pub use node_public_ip::NodePublicIp;
pub use uncontrolled_egress::UncontrolledEgress;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &NetworkPolicyMissing,
    &NetworkPolicyDataplaneMismatch,
    &NodePoolOutsideVnet,
    &NodePublicIp,
    &HttpApplicationRouting,
    &UncontrolledEgress,
    &BasicLoadBalancer,
    &KubeDashboardEnabled,
];
