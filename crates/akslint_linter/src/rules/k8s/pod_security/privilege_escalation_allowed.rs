use akslint_diagnostics::Fix;
use akslint_model::k8s::{Container, ContainerOnlyField, Workload};

use super::{canonical_capability, capability_list};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Linux containers (including init and ephemeral containers) whose
    /// `securityContext.allowPrivilegeEscalation` is not explicitly `false`: set to `true`, or
    /// not set at all.
    ///
    /// ## Why it matters
    /// Unless `allowPrivilegeEscalation` is `false`, the container runs without the
    /// `no_new_privs` flag, so a process can gain more privileges than its parent, for example
    /// through a setuid binary. Kubernetes defaults it to `true`, which is why leaving it out is
    /// a finding too: the Pod Security Standards' restricted level requires the explicit
    /// `false`. (kube-linter only flags an explicit `true` and so misses the default.)
    ///
    /// Pods that declare `spec.os.name: windows` are exempt, as in Pod Security admission: the
    /// field has no meaning on Windows. The field exists only on containers; written in the
    /// pod's `securityContext` it is ignored by Kubernetes and does not count.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       allowPrivilegeEscalation: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `allowPrivilegeEscalation: false` in the container's `securityContext`
    /// (creating it when missing). Pod Security calls this hardening, and most applications never
    /// notice, but it does change what the container can do: a setuid or file-capability binary
    /// (`sudo`, `su`, `ping` in older images, some entrypoints that switch users) no longer gains
    /// privileges, so an application that relies on one breaks. No fix is offered for a
    /// privileged container or one that adds `SYS_ADMIN`: the API server rejects
    /// `allowPrivilegeEscalation: false` next to either.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Privilege Escalation](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct PrivilegeEscalationAllowed {
        code: "K8S102",
        name: "privilege-escalation-allowed",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Restricted,
        fix: Unsafe,
        references: [
            "PSS" => "restricted: allowPrivilegeEscalation",
            "kube-linter" => "privilege-escalation-container",
            "checkov" => "CKV_K8S_20",
            "trivy" => "KSV-0001",
            "Azure Policy" => "K8sAzureContainerNoPrivilegeEscalation",
        ],
    }
}

const HELP: &str = "set `allowPrivilegeEscalation: false` in the container's `securityContext`";
const FIX: &str = "set `allowPrivilegeEscalation: false`";
const PATH: [&str; 2] = ["securityContext", "allowPrivilegeEscalation"];

impl Rule for PrivilegeEscalationAllowed {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if workload.is_windows() {
            return;
        }
        for container in workload.containers() {
            let context = container.effective_security_context();
            let field = ContainerOnlyField::AllowPrivilegeEscalation;
            // Named only for a finding: most containers that set the field set it right.
            let who = || container.describe_in(workload);
            match context.container_only(field) {
                Some(node) => match node.as_bool() {
                    Some(false) => {}
                    Some(true) => {
                        let message = format!("{} allows privilege escalation", who());
                        let fix = fix(cx, &container);
                        cx.report_node(node, message).with_fix(fix).help(HELP);
                    }
                    None => {
                        let message = format!(
                            "{} sets `allowPrivilegeEscalation` to a value that is not the boolean `false`, so escalation is not blocked",
                            who()
                        );
                        let fix = fix(cx, &container);
                        cx.report_node(node, message).with_fix(fix).help(HELP);
                    }
                },
                None => {
                    let message = format!(
                        "{} does not set `allowPrivilegeEscalation: false`, and Kubernetes defaults it to true",
                        who()
                    );
                    let fix = fix(cx, &container);
                    cx.report_missing(
                        container.node,
                        "securityContext.allowPrivilegeEscalation",
                        message,
                    )
                    .with_fix(fix)
                    .help(HELP);
                }
            }
        }
    }
}

/// `allowPrivilegeEscalation: false` in the container's `securityContext`.
fn fix(cx: &Context<'_>, container: &Container<'_>) -> Option<Fix> {
    cx.fix(FIX, |edit| {
        if escalation_is_forced(container) {
            return None;
        }
        edit.set(container.node, &PATH, NewValue::Bool(false))
    })
}

/// Whether the API server rejects `allowPrivilegeEscalation: false` for the container: it does
/// next to `privileged: true` or an added `SYS_ADMIN`, which escalate anyway.
fn escalation_is_forced(container: &Container<'_>) -> bool {
    let context = container.effective_security_context();
    let privileged = context
        .container_only(ContainerOnlyField::Privileged)
        .and_then(|node| node.as_bool())
        == Some(true);
    let sys_admin = capability_list(container, "add").is_some_and(|list| {
        list.items()
            .filter_map(|item| item.as_str())
            .any(|name| canonical_capability(name) == "SYS_ADMIN")
    });
    privileged || sys_admin
}
