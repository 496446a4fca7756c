use akslint_model::k8s::Workload;

use super::{added_capabilities, canonical_capability, restricted_capabilities_apply};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every entry of a container's `securityContext.capabilities.add` other than
    /// `NET_BIND_SERVICE`.
    ///
    /// ## Why it matters
    /// The Pod Security Standards' restricted level lets a container add back a single
    /// capability after dropping them all: `NET_BIND_SERVICE`, to listen on a port below 1024.
    /// Any other added capability, even one the baseline level allows such as `CHOWN` or
    /// `SETUID`, widens what an attacker can do after taking over the process. This rule is
    /// opt-in: most workloads are covered by `dangerous-capability` (K8S105), which reports the
    /// capabilities outside the baseline allow-list; enable this one (or the `pss-restricted`
    /// profile) to hold workloads to the restricted level.
    ///
    /// As in Pod Security admission (`capabilities_restricted`): every container, init
    /// container and ephemeral container is checked; the name is compared exactly, so
    /// `net_bind_service` is reported with a message saying admission only accepts
    /// `NET_BIND_SERVICE`; Windows pods (`spec.os.name: windows`) are exempt from Kubernetes
    /// 1.25, and the control does not exist before 1.22. `capabilities` exists only on
    /// containers; written in the pod's `securityContext` it is ignored by Kubernetes.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    ///         add: [CHOWN, NET_BIND_SERVICE]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    ///         add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`, or the namespace's
    /// `pod-security.kubernetes.io/enforce-version`) decides whether the control applies
    /// (1.22) and whether Windows pods are exempt (1.25).
    ///
    /// ## References
    /// - [Pod Security Standards: Capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Kubernetes: set capabilities for a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container)
    pub struct CapabilityAdded {
        code: "K8S106",
        name: "capability-added",
        category: PodSecurity,
        severity: Note,
        default_enabled: false,
        scope: Scope::Workloads,
        pss: Restricted,
        references: [
            "PSS" => "restricted: capabilities_restricted",
            "checkov" => "CKV_K8S_25",
            "trivy" => "KSV-0106",
        ],
    }
}

const ALLOWED: &str = "NET_BIND_SERVICE";

impl Rule for CapabilityAdded {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if !restricted_capabilities_apply(workload, cx) {
            return;
        }
        for container in workload.containers() {
            for (item, name) in added_capabilities(&container) {
                if name == ALLOWED {
                    continue;
                }
                let who = container.describe_in(workload);
                if canonical_capability(name) == ALLOWED {
                    let message = format!(
                        "{who} adds `{name}`, which Pod Security admission rejects: it only accepts the exact name `{ALLOWED}`"
                    );
                    cx.report_node(item, message)
                        .help(format!("write `{ALLOWED}` instead of `{name}`"));
                    continue;
                }
                let message = format!(
                    "{who} adds the `{name}` capability; the restricted level allows adding only `{ALLOWED}`"
                );
                cx.report_node(item, message).help(
                    "remove it from `capabilities.add` and change the app so it does not need it",
                );
            }
        }
    }
}
