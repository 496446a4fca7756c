use akslint_model::k8s::Object;
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `Service` objects with a non-empty `spec.externalIPs`.
    ///
    /// ## Why it matters
    /// `externalIPs` makes kube-proxy on every node capture the traffic sent to those addresses
    /// and send it to the Service's pods, whoever owns the address. Anyone who can create or
    /// edit a Service can therefore intercept traffic meant for another service, inside or
    /// outside the cluster (CVE-2020-8554, which has no patch: Kubernetes recommends
    /// forbidding the field with an admission policy). On AKS, external traffic reaches
    /// Services through the Azure load balancer, so the field is not needed: use a
    /// `LoadBalancer` Service (with `loadBalancerIP` or the `azure-pip-name` annotation to keep a
    /// fixed address) instead.
    ///
    /// An empty list is not flagged. The finding points at the `externalIPs` key, once per
    /// Service.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    /// spec:
    ///   externalIPs:
    ///     - 203.0.113.10
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     service.beta.kubernetes.io/azure-load-balancer-internal: "true"
    /// spec:
    ///   type: LoadBalancer
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [CVE-2020-8554: man in the middle using LoadBalancer or ExternalIPs](https://github.com/kubernetes/kubernetes/issues/97076)
    /// - [Kubernetes: Service external IPs](https://kubernetes.io/docs/concepts/services-networking/service/#external-ips)
    pub struct ServiceExternalIps {
        code: "K8S604",
        name: "service-external-ips",
        category: Network,
        severity: Error,
        default_enabled: true,
        scope: Scope::Kinds(&["Service"]),
        references: ["trivy" => "KSV-0108"],
    }
}

impl Rule for ServiceExternalIps {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.api_group() != "" {
            return;
        }
        let Some(list) = object.node.get_path("spec.externalIPs") else {
            return;
        };
        let addresses: Vec<&str> = list.items().filter_map(NodeRef::as_str).collect();
        if list.items().len() == 0 {
            return;
        }
        let listed = if addresses.is_empty() {
            String::new()
        } else {
            format!(" ({})", addresses.join(", "))
        };
        let message = format!(
            "{} sets `externalIPs`{listed}: every node sends traffic for these addresses to its pods, whoever owns them (CVE-2020-8554)",
            object.describe()
        );
        cx.report(list.anchor_span(), message).help(
            "remove `externalIPs`; expose the Service through a `LoadBalancer` (internal where possible) instead",
        );
    }
}
