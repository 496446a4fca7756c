//! Network exposure (K8S6xx), AKS-aware.

mod ingress_nginx_snippet;
mod ingress_without_tls;
mod load_balancer_source_ranges;
mod namespace_without_network_policy;
mod node_port_service;
mod public_load_balancer;
mod service_external_ips;

pub use ingress_nginx_snippet::IngressNginxSnippet;
pub use ingress_without_tls::IngressWithoutTls;
pub use load_balancer_source_ranges::LoadBalancerSourceRanges;
pub use namespace_without_network_policy::NamespaceWithoutNetworkPolicy;
pub use node_port_service::NodePortService;
pub use public_load_balancer::PublicLoadBalancer;
pub use service_external_ips::ServiceExternalIps;

use akslint_model::k8s::Object;
use akslint_syntax::{K8sScalar, NodeRef};

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &PublicLoadBalancer,
    &LoadBalancerSourceRanges,
    &NodePortService,
    &ServiceExternalIps,
    &IngressWithoutTls,
    &NamespaceWithoutNetworkPolicy,
    &IngressNginxSnippet,
];

/// The annotation that asks the AKS cloud provider for an internal load balancer.
pub(super) const INTERNAL_ANNOTATION: &str =
    "service.beta.kubernetes.io/azure-load-balancer-internal";

/// `spec.type` of a core `Service` (a Knative `Service`, say, has other semantics), with its
/// value. `None` for other objects and when the type is unset (`ClusterIP`).
fn service_type<'a>(object: &Object<'a>) -> Option<(NodeRef<'a>, &'a str)> {
    if object.api_group() != "" {
        return None;
    }
    let node = object.node.get_path("spec.type")?;
    Some((node, node.as_str()?))
}

/// The `spec.type` value of a core Service of type `wanted` (the enum is case-sensitive: the
/// API server rejects `loadbalancer`).
fn service_of_type<'a>(object: &Object<'a>, wanted: &str) -> Option<NodeRef<'a>> {
    service_type(object).and_then(|(node, value)| (value == wanted).then_some(node))
}

/// How the AKS cloud provider exposes a `LoadBalancer` Service.
#[derive(Debug, Clone, Copy)]
enum Exposure<'a> {
    /// The annotation is the string `"true"`: a private IP in the cluster's virtual network.
    Internal,
    /// No internal annotation: a public IP.
    Public,
    /// The annotation holds another string (`"false"`, `"True"`, `"yes"`): the cloud provider
    /// compares it with `"true"` exactly, so the IP is public.
    PublicByValue(NodeRef<'a>, &'a str),
    /// The annotation is not a string (an unquoted `true`, `yes` or `1`): annotation values
    /// are strings, so the API server rejects the Service.
    NotAString(NodeRef<'a>),
}

/// A core Service of type `LoadBalancer`.
#[derive(Debug, Clone, Copy)]
struct LoadBalancer<'a> {
    /// The `spec.type` value.
    type_node: NodeRef<'a>,
    /// Internal or public.
    exposure: Exposure<'a>,
}

impl LoadBalancer<'_> {
    /// Whether the Service gets a public IP once it is accepted.
    const fn is_public(&self) -> bool {
        matches!(
            self.exposure,
            Exposure::Public | Exposure::PublicByValue(..)
        )
    }
}

/// Reads a Service of type `LoadBalancer` and its AKS internal annotation (shared by K8S601
/// and K8S602 so that both agree on what is public).
fn load_balancer<'a>(object: &Object<'a>) -> Option<LoadBalancer<'a>> {
    let type_node = service_of_type(object, "LoadBalancer")?;
    let exposure = match object.annotation(INTERNAL_ANNOTATION) {
        None => Exposure::Public,
        Some(value) => match value.k8s_value() {
            Some(K8sScalar::Str("true")) => Exposure::Internal,
            Some(K8sScalar::Str(text)) => Exposure::PublicByValue(value, text),
            // A null value decodes to the empty string.
            Some(K8sScalar::Null) => Exposure::PublicByValue(value, ""),
            _ => Exposure::NotAString(value),
        },
    };
    Some(LoadBalancer {
        type_node,
        exposure,
    })
}

/// Whether an object is an `Ingress` (`networking.k8s.io`, or the removed `extensions` group
/// that old charts still carry).
fn is_ingress(object: &Object<'_>) -> bool {
    object.kind == Some("Ingress")
        && matches!(object.api_group(), "networking.k8s.io" | "extensions")
}
