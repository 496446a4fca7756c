use akslint_model::k8s::Workload;
use akslint_syntax::K8sScalar;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every `ports[*].hostPort` that is set to something other than `0`, in
    /// containers, init containers and ephemeral containers.
    ///
    /// ## Why it matters
    /// A host port binds the container to a port of the node's own IP address. It bypasses the
    /// Service and the network policies that guard it, exposes the pod on the node network
    /// (and beyond, for nodes with public IPs), can shadow a port the node itself uses, and
    /// limits the workload to one pod per node and port. The Pod Security Standards' baseline
    /// level allows only an unset or zero `hostPort`, and checks every kind of container as
    /// this rule does. A `null` or `0` is Kubernetes' "no host port" and is not flagged; any
    /// other value is, including one the API server would reject as the wrong type (a quoted
    /// `"8080"`), since it still says the author meant to bind the node.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     ports:
    ///       - containerPort: 8080
    ///         hostPort: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    /// and expose the pod through a Service (of type `LoadBalancer`, or behind an ingress).
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Host Ports](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes configuration best practices: Services](https://kubernetes.io/docs/concepts/configuration/overview/#services)
    pub struct HostPort {
        code: "K8S112",
        name: "host-port",
        category: PodSecurity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        references: [
            "PSS" => "baseline: hostPorts",
            "checkov" => "CKV_K8S_26",
            "trivy" => "KSV-0024",
            "polaris" => "hostPortSet",
            "Azure Policy" => "K8sAzureHostNetworkingPorts",
        ],
    }
}

const HELP: &str =
    "remove `hostPort` and expose the container's port through a Service (or an ingress)";

impl Rule for HostPort {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for container in workload.containers() {
            for port in container.ports() {
                let Some(node) = port.get("hostPort") else {
                    continue;
                };
                let who = container.describe_in(workload);
                let message = match node.k8s_value() {
                    Some(K8sScalar::Null | K8sScalar::Int(0)) => continue,
                    Some(K8sScalar::Int(number)) => {
                        format!("{who} binds port {number} of the node (`hostPort`)")
                    }
                    _ => format!("{who} sets a `hostPort`, binding a port of the node"),
                };
                cx.report_node(node, message).help(HELP);
            }
        }
    }
}
