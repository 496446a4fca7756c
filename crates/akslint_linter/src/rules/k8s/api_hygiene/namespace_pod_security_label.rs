use akslint_model::k8s::Object;
use akslint_syntax::K8sScalar;

use crate::context::WithHelp;
use crate::{Context, PssLevel, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `Namespace` objects without the Pod Security admission label
    /// `pod-security.kubernetes.io/enforce`, with `enforce: privileged`, or with a value that is
    /// not a Pod Security level.
    ///
    /// ## Why it matters
    /// Pod Security admission, built into every AKS cluster, enforces the Pod Security
    /// Standards per namespace, and only where the namespace asks for it: AKS sets no
    /// cluster-wide default, so a namespace without the `enforce` label admits privileged
    /// pods, host namespaces and host paths. Labelling the namespace `restricted` (or at least
    /// `baseline`) makes the API server refuse such pods, whatever manifests are applied
    /// later. `privileged` disables the check altogether; it is reported too, so that each
    /// privileged namespace is a deliberate, suppressed exception (system components, node
    /// agents).
    ///
    /// The levels are `privileged`, `baseline` and `restricted`, written exactly so. Any other
    /// value (`Restricted`, `strict`, an unquoted boolean) is invalid: Pod Security admission
    /// refuses to create a Namespace with an invalid level. The `audit` and `warn` labels only
    /// report and do not count; `enforce-version` is not checked here.
    ///
    /// akslint also reads this label: workloads in a namespace of the input are held to its
    /// level (and to its `enforce-version`) by the K8S1xx rules.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    ///     pod-security.kubernetes.io/enforce-version: latest
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: Pod Security admission](https://kubernetes.io/docs/concepts/security/pod-security-admission/)
    /// - [Kubernetes: enforce Pod Security Standards with namespace labels](https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/)
    /// - [AKS: use Pod Security admission](https://learn.microsoft.com/azure/aks/use-psa)
    pub struct NamespacePodSecurityLabel {
        code: "K8S701",
        name: "namespace-pod-security-label",
        category: ApiHygiene,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(&["Namespace"]),
        references: ["PSA" => "pod-security.kubernetes.io/enforce"],
    }
}

const LABEL: &str = "pod-security.kubernetes.io/enforce";

const HELP: &str =
    "label the namespace `pod-security.kubernetes.io/enforce: restricted` (or `baseline`)";

impl Rule for NamespacePodSecurityLabel {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.api_group() != "" {
            return;
        }
        let who = object.describe();
        let Some(value) = object.label(LABEL) else {
            let message = format!(
                "{who} has no `{LABEL}` label: Pod Security admission lets any pod, even a privileged one, run in it"
            );
            let Some(metadata) = object.metadata() else {
                cx.report_missing(object.node, "metadata", message)
                    .help(HELP);
                return;
            };
            cx.report_missing(metadata, "labels", message).help(HELP);
            return;
        };
        let level = match value.k8s_value() {
            Some(K8sScalar::Str(text)) => PssLevel::parse(text).filter(|l| l.as_str() == text),
            _ => None,
        };
        match level {
            Some(PssLevel::Privileged) => {
                let message = format!(
                    "{who} enforces the `privileged` Pod Security level: any pod, even a privileged one, may run in it"
                );
                cx.report_node(value, message).help(HELP);
            }
            Some(PssLevel::Baseline | PssLevel::Restricted) => {}
            None => {
                let text = value.scalar().map_or("", |(text, _)| text);
                let message = format!(
                    "{who} sets `{LABEL}` to `{text}`, which is not a Pod Security level (`privileged`, `baseline` or `restricted`): the API server rejects the Namespace"
                );
                cx.report_node(value, message).help(HELP);
            }
        }
    }
}
