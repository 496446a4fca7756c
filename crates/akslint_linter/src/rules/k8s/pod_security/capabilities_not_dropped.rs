use akslint_diagnostics::Fix;
use akslint_model::k8s::{Container, Workload};

use super::{canonical_capability, capability_list, restricted_capabilities_apply};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) whose
    /// `securityContext.capabilities.drop` does not contain `ALL`.
    ///
    /// ## Why it matters
    /// Without `drop: [ALL]` a container keeps the runtime's default capability set. With
    /// containerd, the runtime of AKS, that set includes `NET_RAW` (raw sockets: packet
    /// spoofing, ARP and DNS poisoning inside the cluster network), `CHOWN`, `DAC_OVERRIDE`,
    /// `SETUID`/`SETGID` and `MKNOD`, each one a step of known container escapes. Dropping
    /// everything and adding back only what the application needs (usually nothing, at most
    /// `NET_BIND_SERVICE`) is what the Pod Security Standards' restricted level requires.
    ///
    /// The check follows Pod Security admission (`capabilities_restricted`):
    /// - every container, init container and ephemeral container must list `ALL` under
    ///   `capabilities.drop`; dropping a list of named capabilities is not enough;
    /// - admission compares the exact string `ALL`: a container that drops `all` (or
    ///   `CAP_ALL`) is still reported, with a message saying so, even though container runtimes
    ///   may accept the spelling;
    /// - `capabilities` exists only on containers; written in the pod's `securityContext` it
    ///   is ignored by Kubernetes and does not count;
    /// - Windows pods (`spec.os.name: windows`) are exempt from Kubernetes 1.25, and the
    ///   control does not exist before 1.22, both as in Pod Security admission.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       capabilities:
    ///         drop: [NET_RAW]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: adds `ALL` to the container's `capabilities.drop` (creating the list, and
    /// `capabilities` and `securityContext`, when missing, in the style of the file), or
    /// rewrites a lowercase `all` as `ALL`. The capabilities already listed are kept. An
    /// application that needs a capability of the runtime's default set (binding a port below
    /// 1024 as non-root needs `NET_BIND_SERVICE`, changing file ownership needs `CHOWN`) stops
    /// working until it is added back under `capabilities.add`. A `drop` that is not a list is
    /// not fixed.
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`, or the namespace's
    /// `pod-security.kubernetes.io/enforce-version`) decides whether the control applies
    /// (1.22) and whether Windows pods are exempt (1.25).
    ///
    /// ## References
    /// - [Pod Security Standards: Capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Kubernetes: set capabilities for a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct CapabilitiesNotDropped {
        code: "K8S104",
        name: "capabilities-not-dropped",
        category: PodSecurity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Restricted,
        fix: Unsafe,
        references: [
            "PSS" => "restricted: capabilities_restricted",
            "checkov" => "CKV_K8S_37",
            "trivy" => "KSV-0003",
            "polaris" => "insecureCapabilities",
        ],
    }
}

const HELP: &str = "add `drop: [ALL]` under the container's `securityContext.capabilities`, then add back only what the app needs (at most `NET_BIND_SERVICE`)";
const FIX: &str = "add `ALL` to `capabilities.drop`";
const PATH: [&str; 3] = ["securityContext", "capabilities", "drop"];

impl Rule for CapabilitiesNotDropped {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if !restricted_capabilities_apply(workload, cx) {
            return;
        }
        for container in workload.containers() {
            let who = || container.describe_in(workload);
            let Some(drop) = capability_list(&container, "drop") else {
                let message = format!(
                    "{} does not drop ALL capabilities, so it keeps the runtime's default set (including NET_RAW)",
                    who()
                );
                let fix = drop_all(cx, &container);
                cx.report_missing(container.node, "securityContext.capabilities.drop", message)
                    .with_fix(fix)
                    .help(HELP);
                continue;
            };
            if !drop.is_sequence() {
                let message = format!(
                    "{} sets `capabilities.drop` to something that is not a list, so it does not drop ALL capabilities",
                    who()
                );
                cx.report_node(drop, message).help("write `drop: [ALL]`");
                continue;
            }
            let names = || drop.items().filter_map(|item| Some((item, item.as_str()?)));
            if names().any(|(_, name)| name == "ALL") {
                continue;
            }
            if let Some((item, name)) =
                names().find(|(_, name)| canonical_capability(name) == "ALL")
            {
                let message = format!(
                    "{} drops `{name}`, but Pod Security admission only accepts the exact string `ALL`",
                    who()
                );
                let fix = cx.fix("write `ALL`", |edit| {
                    edit.replace(item, NewValue::Str("ALL"))
                });
                cx.report_node(item, message)
                    .with_fix(fix)
                    .help("write `ALL` in capital letters, without a `CAP_` prefix");
                continue;
            }
            let dropped: Vec<String> = names().map(|(_, name)| format!("`{name}`")).collect();
            let message = if dropped.is_empty() {
                format!(
                    "{} drops no capability: `capabilities.drop` lists nothing",
                    who()
                )
            } else {
                format!(
                    "{} drops only {}, not ALL, so it keeps the rest of the runtime's default set",
                    who(),
                    dropped.join(", ")
                )
            };
            let fix = drop_all(cx, &container);
            cx.report_node(drop, message).with_fix(fix).help(HELP);
        }
    }
}

/// `ALL` added to the container's `capabilities.drop`.
fn drop_all(cx: &Context<'_>, container: &Container<'_>) -> Option<Fix> {
    cx.fix(FIX, |edit| edit.add_to_list(container.node, &PATH, "ALL"))
}
