use akslint_model::k8s::Object;
use akslint_syntax::{K8sScalar, NodeRef};

use super::{Exposure, INTERNAL_ANNOTATION, load_balancer};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `Service` objects of type `LoadBalancer` that do not carry the annotation
    /// `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`, and so get a public IP
    /// on AKS.
    ///
    /// ## Why it matters
    /// On AKS a `LoadBalancer` Service is public by default: the Azure cloud provider gives it a
    /// frontend on a public IP of the cluster's Standard Load Balancer, and opens the network
    /// security group to the Internet for its ports. Most services only need to be reached from
    /// the virtual network (or through an ingress controller, Application Gateway or Front Door
    /// with a web application firewall), which is what the internal annotation gives: a private
    /// IP in the cluster's subnet. No generic Kubernetes linter knows this default.
    ///
    /// The cloud provider compares the annotation with the exact string `"true"`. Any other
    /// value (`"false"`, `"True"`, `"yes"`, `"1"`, an empty value) leaves the load balancer
    /// public, and is reported at the value. An unquoted `true` (or `yes`, `on`, `1`) is not a
    /// string at all: annotation values are strings, so the API server rejects the Service;
    /// that is reported too, with the fix (quote it).
    ///
    /// Only core `v1` Services are checked (a Knative `serving.knative.dev` Service is not a
    /// load balancer). Services of other types are not flagged (see K8S603 for `NodePort`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    /// spec:
    ///   type: LoadBalancer
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
    /// When the Service must be public, keep it public deliberately: restrict its sources
    /// (K8S602) and suppress this rule with a reason.
    ///
    /// ## Fix
    /// Unsafe: sets the annotation `service.beta.kubernetes.io/azure-load-balancer-internal:
    /// "true"` (added under `metadata.annotations`, creating them when missing, or in place of
    /// whatever value it had, keeping its quotes), so the load balancer gets a private IP:
    /// clients outside the virtual network can no longer reach the Service. A value that is
    /// not a string (an unquoted `true`) becomes the string `"true"`.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use an internal load balancer](https://learn.microsoft.com/azure/aks/internal-lb)
    /// - [AKS: best practices for network connectivity and security](https://learn.microsoft.com/azure/aks/operator-best-practices-network)
    /// - [AKS: use a public standard load balancer](https://learn.microsoft.com/azure/aks/load-balancer-standard)
    pub struct PublicLoadBalancer {
        code: "K8S601",
        name: "public-load-balancer",
        category: Network,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(&["Service"]),
        fix: Unsafe,
        references: [
            "AKS best practices" => "network connectivity: internal ingress IPs",
        ],
    }
}

const HELP: &str = "add the annotation `service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"` for a private IP in the cluster's virtual network, or publish the service through an ingress or gateway with a web application firewall";

impl Rule for PublicLoadBalancer {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let Some(service) = load_balancer(object) else {
            return;
        };
        let who = object.describe();
        let internal = |cx: &Context<'_>| {
            let message = format!("annotate the Service `{INTERNAL_ANNOTATION}: \"true\"`");
            cx.fix(message, |edit| {
                edit.set(
                    object.node,
                    &["metadata", "annotations", INTERNAL_ANNOTATION],
                    NewValue::Str("true"),
                )
            })
        };
        match service.exposure {
            Exposure::Internal => {}
            Exposure::Public => {
                let message = format!(
                    "{who} of type LoadBalancer gets a public IP: it has no `{INTERNAL_ANNOTATION}: \"true\"` annotation"
                );
                let fix = internal(cx);
                cx.report_node(service.type_node, message)
                    .with_fix(fix)
                    .help(HELP);
            }
            Exposure::PublicByValue(value, "false") => {
                let message = format!(
                    "{who} sets `{INTERNAL_ANNOTATION}` to \"false\": its load balancer gets a public IP"
                );
                let fix = internal(cx);
                cx.report_node(value, message).with_fix(fix).help(
                    "set the annotation to \"true\" for a private IP; if the Service must be public, restrict its sources (K8S602) and suppress this finding with a reason",
                );
            }
            Exposure::PublicByValue(value, text) => {
                let message = format!(
                    "{who} sets `{INTERNAL_ANNOTATION}` to {text:?}, which the AKS cloud provider does not read as internal (only the exact string \"true\" is): its load balancer gets a public IP"
                );
                let fix = internal(cx);
                cx.report_node(value, message)
                    .with_fix(fix)
                    .help(format!("write `{INTERNAL_ANNOTATION}: \"true\"`"));
            }
            Exposure::NotAString(value) => {
                let fix = internal(cx);
                report_not_a_string(object, value, cx, fix);
            }
        }
    }
}

/// An unquoted `true` (or number): the Service never reaches the cloud provider.
fn report_not_a_string(
    object: &Object<'_>,
    value: NodeRef<'_>,
    cx: &mut Context<'_>,
    fix: Option<akslint_diagnostics::Fix>,
) {
    let written = match (value.scalar(), value.k8s_value()) {
        (Some((text, _)), Some(K8sScalar::Bool(_))) => {
            format!("the unquoted `{text}`, which YAML reads as a boolean")
        }
        (Some((text, _)), Some(K8sScalar::Int(_) | K8sScalar::Float(_))) => {
            format!("the unquoted `{text}`, which YAML reads as a number")
        }
        _ => "a value that is not a string".to_owned(),
    };
    let message = format!(
        "{} sets `{INTERNAL_ANNOTATION}` to {written}: annotation values must be strings, so the API server rejects the Service",
        object.describe()
    );
    cx.report_node(value, message).with_fix(fix).help(format!(
        "quote the value: `{INTERNAL_ANNOTATION}: \"true\"`"
    ));
}
