use std::net::IpAddr;

use akslint_model::k8s::Object;
use akslint_syntax::NodeRef;

use super::load_balancer;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags public `LoadBalancer` Services (as defined by K8S601) that accept traffic from
    /// the whole Internet: no source ranges at all, or `0.0.0.0/0` or `::/0` among them.
    ///
    /// ## Why it matters
    /// For a public load balancer the AKS cloud provider writes a network security group rule
    /// that lets the Service's ports be reached from the source ranges the Service lists, and
    /// from the `Internet` service tag when it lists none. A public IP is scanned within
    /// minutes; restricting the sources (office ranges, a partner, Front Door's service tag)
    /// keeps an exposed service from being reachable by everyone.
    ///
    /// Any of these counts as a restriction, as the Azure cloud provider reads them:
    /// - `spec.loadBalancerSourceRanges` (the Kubernetes field, also enforced by kube-proxy),
    /// - the annotation `service.beta.kubernetes.io/load-balancer-source-ranges` (comma-separated,
    ///   the older spelling of the field),
    /// - the AKS annotation `service.beta.kubernetes.io/azure-allowed-ip-ranges`
    ///   (comma-separated CIDRs),
    /// - the AKS annotation `service.beta.kubernetes.io/azure-allowed-service-tags` (e.g.
    ///   `AzureFrontDoor.Backend`).
    ///
    /// A range with prefix length 0 (`0.0.0.0/0`, `::/0`) and the service tag `Internet` (or
    /// `*`) undo the restriction and are reported where they are written: at the list item,
    /// or at the annotation value. Internal load balancers are not checked (they are only
    /// reachable from the virtual network), nor are Services whose internal annotation is
    /// not a string (K8S601 reports those; the API server rejects them).
    ///
    /// A load balancer that serves a public site to everyone has nothing to restrict: put
    /// Azure Front Door or Application Gateway in front of it and allow only their service tag
    /// or addresses, or suppress the finding with a reason.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges:
    ///     - 0.0.0.0/0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges:
    ///     - 203.0.113.0/24
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: restrict inbound traffic to specific IP ranges](https://learn.microsoft.com/azure/aks/load-balancer-standard#restrict-inbound-traffic-to-specific-ip-ranges)
    /// - [AKS: load balancer annotations](https://learn.microsoft.com/azure/aks/load-balancer-standard#additional-customizations-via-kubernetes-annotations)
    /// - [Kubernetes: Service `loadBalancerSourceRanges`](https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec)
    pub struct LoadBalancerSourceRanges {
        code: "K8S602",
        name: "load-balancer-source-ranges",
        category: Network,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(&["Service"]),
        references: [
            "AKS docs" => "standard load balancer: restrict inbound traffic to specific IP ranges",
        ],
    }
}

/// Annotations holding comma-separated CIDRs the load balancer accepts.
const RANGE_ANNOTATIONS: [&str; 2] = [
    "service.beta.kubernetes.io/load-balancer-source-ranges",
    "service.beta.kubernetes.io/azure-allowed-ip-ranges",
];

/// The AKS annotation holding comma-separated service tags the load balancer accepts.
const SERVICE_TAGS_ANNOTATION: &str = "service.beta.kubernetes.io/azure-allowed-service-tags";

const HELP: &str = "list the client ranges in `spec.loadBalancerSourceRanges` (for example `203.0.113.0/24`), or make the load balancer internal";

impl Rule for LoadBalancerSourceRanges {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if !load_balancer(object).is_some_and(|service| service.is_public()) {
            return;
        }
        let who = object.describe();
        let mut restricted = false;

        let spec = object.node.get("spec");
        let field = spec.and_then(|spec| spec.get("loadBalancerSourceRanges"));
        for item in field.into_iter().flat_map(NodeRef::items) {
            let Some(range) = item.as_str().map(str::trim).filter(|r| !r.is_empty()) else {
                continue;
            };
            restricted = true;
            if admits_everyone(range) {
                let message = format!(
                    "{who} lists `{range}` in `loadBalancerSourceRanges`: its public load balancer accepts the whole Internet"
                );
                cx.report_node(item, message).help(HELP);
            }
        }

        for key in RANGE_ANNOTATIONS {
            let Some(value) = object.annotation(key) else {
                continue;
            };
            for range in list_items(value) {
                restricted = true;
                if admits_everyone(range) {
                    let message = format!(
                        "{who} lists `{range}` in the `{key}` annotation: its public load balancer accepts the whole Internet"
                    );
                    cx.report_node(value, message).help(HELP);
                }
            }
        }

        if let Some(value) = object.annotation(SERVICE_TAGS_ANNOTATION) {
            for tag in list_items(value) {
                restricted = true;
                if tag.eq_ignore_ascii_case("Internet") || tag == "*" {
                    let message = format!(
                        "{who} allows the service tag `{tag}` in the `{SERVICE_TAGS_ANNOTATION}` annotation: its public load balancer accepts the whole Internet"
                    );
                    cx.report_node(value, message).help(
                        "name the service tags of the callers (for example `AzureFrontDoor.Backend`) instead of `Internet`",
                    );
                }
            }
        }

        if !restricted {
            let message = format!(
                "{who} has a public load balancer with no `loadBalancerSourceRanges`: the whole Internet can reach it"
            );
            match spec {
                Some(spec) => cx.report_missing(spec, "loadBalancerSourceRanges", message),
                None => cx.report_node(object.node, message),
            }
            .help(HELP);
        }
    }
}

/// The non-empty items of a comma-separated annotation value.
fn list_items<'a>(value: NodeRef<'a>) -> impl Iterator<Item = &'a str> {
    value
        .as_str()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Whether a CIDR has prefix length 0 (`0.0.0.0/0`, `::/0`, or any address with `/0`, which
/// Kubernetes and Azure read as the same range).
fn admits_everyone(range: &str) -> bool {
    range.split_once('/').is_some_and(|(address, prefix)| {
        prefix.parse::<u8>() == Ok(0) && address.parse::<IpAddr>().is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::admits_everyone;

    #[test]
    fn ranges_that_admit_everyone() {
        for range in ["0.0.0.0/0", "::/0", "10.0.0.0/0", "0:0:0:0:0:0:0:0/0"] {
            assert!(admits_everyone(range), "{range}");
        }
        for range in [
            "10.0.0.0/8",
            "0.0.0.0/1",
            "::/1",
            "Internet",
            "0.0.0.0",
            "x/0",
        ] {
            assert!(!admits_everyone(range), "{range}");
        }
    }
}
