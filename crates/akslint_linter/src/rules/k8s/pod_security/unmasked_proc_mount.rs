use akslint_model::k8s::{ContainerOnlyField, Workload};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, PssLevel, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) whose
    /// `securityContext.procMount` is set to anything other than `Default` (in practice
    /// `Unmasked`). Leaving it unset is fine.
    ///
    /// ## Why it matters
    /// By default the container runtime masks and makes read-only parts of `/proc` (such as
    /// `/proc/kcore`, `/proc/sys` and `/proc/sysrq-trigger`) that expose the host's kernel.
    /// `Unmasked` removes that protection. The Pod Security Standards' baseline level forbids it.
    ///
    /// From Kubernetes 1.35, Pod Security's baseline level allows any `procMount` for pods that
    /// run in their own user namespace (`hostUsers: false`), where an unmasked `/proc` belongs to
    /// that namespace; the restricted level (`procMount_restricted`) still requires `Default`.
    /// So for such pods, when targeting 1.35 or newer, the rule reports only when the workload is
    /// held to the restricted level: its namespace's `pod-security.kubernetes.io/enforce` label
    /// in the input says `restricted`, or no such Namespace is in the input (akslint's default).
    /// Before 1.35 `hostUsers: false` changes nothing.
    ///
    /// `procMount` exists only on containers; written in the pod's `securityContext` it is
    /// ignored by Kubernetes and is not read.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       procMount: Unmasked
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       procMount: Default
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `procMount: Default`. A container that needs an unmasked `/proc` (a nested
    /// container runtime, for instance) fails after the change.
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides the `hostUsers: false`
    /// relaxation (1.35); the namespace's Pod Security level decides whether it applies.
    ///
    /// ## References
    /// - [Pod Security Standards: /proc mount type](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [User namespaces and Pod Security admission](https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/#integration-with-pod-security-admission-checks)
    pub struct UnmaskedProcMount {
        code: "K8S117",
        name: "unmasked-proc-mount",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        fix: Unsafe,
        references: [
            "PSS" => "baseline: procMount; restricted: procMount_restricted",
            "kube-linter" => "unsafe-proc-mount",
            "polaris" => "procMount",
            "trivy" => "KSV-0027",
        ],
    }
}

const HELP: &str = "remove `procMount` or set it to `Default`";

/// From this minor version baseline allows any `procMount` for pods with `hostUsers: false`.
const USER_NAMESPACE_RELAXATION_FROM: u32 = 35;

impl Rule for UnmaskedProcMount {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let relaxed = workload.uses_user_namespace()
            && cx
                .kubernetes_version()
                .at_least(USER_NAMESPACE_RELAXATION_FROM);
        if relaxed && cx.pss_level() != PssLevel::Restricted {
            return;
        }
        for container in workload.containers() {
            let context = container.effective_security_context();
            let Some(node) = context.container_only(ContainerOnlyField::ProcMount) else {
                continue;
            };
            let value = node.as_str().unwrap_or_default();
            if value == "Default" {
                continue;
            }
            let owner = container.describe_in(workload);
            let problem = if value == "Unmasked" {
                "/proc is mounted without the masked and read-only paths that protect the host kernel"
            } else {
                "the only allowed value is `Default`"
            };
            let message = if relaxed {
                format!(
                    "{owner} sets `procMount: {value}`: the restricted level requires `Default` even with `hostUsers: false`"
                )
            } else {
                format!("{owner} sets `procMount: {value}`: {problem}")
            };
            let fix = cx.fix("set `procMount: Default`", |edit| {
                edit.replace(node, NewValue::Str("Default"))
            });
            cx.report_node(node, message).with_fix(fix).help(HELP);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint_at;

    fn stream(enforce: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: {enforce}\n---\n\
             apiVersion: v1\nkind: Pod\nmetadata:\n  name: userns\n  namespace: apps\nspec:\n  hostUsers: false\n  containers:\n    - name: app\n      securityContext: {{procMount: Unmasked}}\n"
        )
    }

    #[test]
    fn user_namespace_pods_are_relaxed_only_at_baseline_from_1_35() {
        assert!(lint_at("K8S117", 35, &stream("baseline")).is_empty());
        assert_eq!(lint_at("K8S117", 34, &stream("baseline")).len(), 1);
        let restricted = lint_at("K8S117", 35, &stream("restricted"));
        assert_eq!(restricted.len(), 1);
        assert!(
            restricted[0]
                .message
                .contains("even with `hostUsers: false`")
        );
        // No Namespace in the input: restricted, akslint's default.
        let alone = stream("baseline").replace("namespace: apps", "namespace: other");
        assert_eq!(lint_at("K8S117", 35, &alone).len(), 1);
    }
}
