use akslint_model::k8s::{ContainerOnlyField, Workload};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags container-only security fields (`privileged`, `allowPrivilegeEscalation`,
    /// `capabilities`, `readOnlyRootFilesystem`, `procMount`) written in the pod's
    /// `securityContext`, where Kubernetes ignores them.
    ///
    /// ## Why it matters
    /// A pod's `securityContext` (`PodSecurityContext`) and a container's (`SecurityContext`)
    /// are different types. Some fields exist on both and containers inherit them (`runAsUser`,
    /// `runAsNonRoot`, `seccompProfile`, ...), but these five exist only on containers. Written
    /// on the pod they are unknown fields: the API server drops them silently (or, with
    /// `kubectl`'s strict field validation, rejects the manifest), and the containers run with
    /// the defaults: `allowPrivilegeEscalation: false` on the pod blocks nothing, and
    /// `capabilities: {drop: [ALL]}` drops nothing. The manifest looks hardened while it is
    /// not, which is worse than a missing setting. (Users do write this: see
    /// FairwindsOps/polaris#874.)
    ///
    /// The message names the containers that do not set the field themselves; a container
    /// that already sets it is unaffected, and the pod-level line is then merely dead. The
    /// controls themselves (for example privilege-escalation-allowed, K8S102) only ever read
    /// these fields from containers, so they report the affected containers too.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     allowPrivilegeEscalation: false
    ///   containers:
    ///     - name: app
    ///       image: shop.azurecr.io/app:1.0.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: shop.azurecr.io/app:1.0.0
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## Fix
    /// None. The remedy is to move the field into every container's `securityContext`, merged with
    /// what each container already sets (a container may set the field differently on purpose),
    /// and to delete it from the pod: more than one edit to decide for the user. The container rules
    /// that the misplaced field was meant to satisfy (K8S102, K8S104, K8S122 ...) do offer fixes
    /// for each container.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes API: PodSecurityContext](https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context)
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub struct ContainerFieldAtPodLevel {
        code: "K8S123",
        name: "container-field-at-pod-level",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        references: ["polaris" => "none (the mistake is FairwindsOps/polaris#874)"],
    }
}

/// How many container names a message lists before summarising the rest.
const LISTED: usize = 3;

impl Rule for ContainerFieldAtPodLevel {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let Some(pod_context) = workload.pod_security_context() else {
            return;
        };
        for field in ContainerOnlyField::ALL {
            let key = field.key();
            let Some((key_node, value)) = pod_context.entry(key) else {
                continue;
            };
            if value.is_null() {
                continue;
            }
            let without: Vec<String> = workload
                .containers()
                .filter(|c| {
                    c.effective_security_context()
                        .container_only(field)
                        .is_none()
                })
                .map(|c| c.describe())
                .collect();
            let effect = match without.len() {
                0 => "every container sets its own, so this line is dead".to_owned(),
                count if count > LISTED => format!(
                    "{} and {} more run without it",
                    without[..LISTED].join(", "),
                    count - LISTED
                ),
                1 => format!("{} runs without it", without[0]),
                _ => format!("{} run without it", without.join(", ")),
            };
            let message = format!(
                "{} sets `{key}` in the pod `securityContext`, where it has no effect (it exists only in a container's `securityContext`): {effect}",
                workload.describe()
            );
            cx.report_node(key_node, message).help(format!(
                "move `{key}` to the `securityContext` of each container (containers that already set it are unaffected)"
            ));
        }
    }
}
