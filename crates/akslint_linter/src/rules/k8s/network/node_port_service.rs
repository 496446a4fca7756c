use akslint_model::k8s::Object;

use super::service_of_type;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `Service` objects of type `NodePort`.
    ///
    /// ## Why it matters
    /// A `NodePort` Service opens a port (30000-32767 by default) on every node of the cluster
    /// and forwards it to the pods, bypassing any ingress controller and its TLS, authentication
    /// and web application firewall. On AKS the nodes sit in the cluster's virtual network, so
    /// the port is reachable from every peered network and on-premises connection, and from the
    /// Internet when the node pool has node public IPs or the subnet's network security group
    /// allows it. Node ports are rarely what an application needs: use a `ClusterIP` Service
    /// behind an ingress or gateway, or an internal `LoadBalancer`.
    ///
    /// This rule is opt-in: some platform components (ingress controllers behind an external
    /// load balancer, for instance) use node ports on purpose. `LoadBalancer` Services also
    /// allocate node ports unless `allocateLoadBalancerNodePorts: false`; they are covered by
    /// K8S601 and K8S602 instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    /// spec:
    ///   type: NodePort
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    /// spec:
    ///   type: ClusterIP
    /// ```
    /// and publish it through an ingress or gateway.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: Service type NodePort](https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport)
    /// - [AKS: network concepts, services](https://learn.microsoft.com/azure/aks/concepts-network-services)
    pub struct NodePortService {
        code: "K8S603",
        name: "node-port-service",
        category: Network,
        severity: Note,
        default_enabled: false,
        scope: Scope::Kinds(&["Service"]),
        references: ["kube-linter" => "exposed-services"],
    }
}

impl Rule for NodePortService {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if let Some(node) = service_of_type(object, "NodePort") {
            let message = format!(
                "{} is of type NodePort: it opens a port on every node of the cluster",
                object.describe()
            );
            cx.report_node(node, message).help(
                "use a `ClusterIP` Service behind an ingress or gateway, or an internal `LoadBalancer`",
            );
        }
    }
}
