use akslint_model::k8s::{InheritedField, Workload};
use akslint_syntax::NodeRef;

use super::{runtime_default_annotation, runtime_default_profile, written};
use crate::context::WithHelp;
use crate::fix::WithFix;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags seccomp profiles of type `Unconfined`: `seccompProfile.type: Unconfined` in the
    /// pod's `securityContext` or in a container's (init and ephemeral containers included), and
    /// the legacy annotations `seccomp.security.alpha.kubernetes.io/pod: unconfined` and
    /// `container.seccomp.security.alpha.kubernetes.io/<container>: unconfined` on the pods
    /// (when targeting Kubernetes before 1.27).
    ///
    /// ## Why it matters
    /// Seccomp filters the system calls a container may make; the runtime's default profile
    /// blocks dozens of calls that are rarely needed and often used to break out of a container
    /// (`unshare`, `keyctl`, `bpf`, `mount`, ...). `Unconfined` removes that filter. The Pod
    /// Security Standards' baseline level forbids it.
    ///
    /// As in Pod Security admission, the pod level and every container level are checked as
    /// written: a pod-level `Unconfined` is a finding even if every container overrides it, and
    /// each container that writes `Unconfined` is its own finding.
    ///
    /// The annotations are checked only while they have an effect, for target versions before
    /// 1.27: Pod Security admission itself reads them for policy versions before 1.19, and until
    /// 1.26 the API server copied a pod's annotations into the empty `seccompProfile` fields, so
    /// an `unconfined` annotation left the pod unconfined. Since 1.27 they are ignored (the API
    /// server only checks that they agree with the fields when both are written); remove them
    /// anyway. Windows pods are not exempt, as in admission.
    ///
    /// A profile that is missing, or set to another value, is not this rule's concern:
    /// [K8S114](K8S114.md) (restricted level) requires `RuntimeDefault` or `Localhost`
    /// everywhere, and flags `Unconfined` again, as Pod Security's restricted level does.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: Unconfined
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    /// ```
    ///
    /// ## Fix
    /// Unsafe: replaces `Unconfined` with `RuntimeDefault` (the container runtime's default
    /// filter), and an `unconfined` legacy annotation with `runtime/default`. A workload that
    /// makes a system call the default profile blocks (some debuggers, tracers, sandboxes and
    /// in-container container runtimes do) fails after the change. A profile that also names
    /// a `localhostProfile` gets `type: Localhost` instead, the only type that field is valid
    /// with.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Seccomp](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Restrict a container's syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    /// - [AKS: secure container access with seccomp](https://learn.microsoft.com/azure/aks/secure-container-access)
    pub struct SeccompUnconfined {
        code: "K8S113",
        name: "seccomp-unconfined",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        fix: Unsafe,
        references: [
            "PSS" => "baseline: seccompProfile_baseline",
            "trivy" => "KSV-0104",
        ],
    }
}

const HELP: &str = "set `seccompProfile: {type: RuntimeDefault}` (or a `Localhost` profile) instead of `Unconfined`";
const ANNOTATION_HELP: &str = "remove the deprecated annotation and set `seccompProfile: {type: RuntimeDefault}` in the `securityContext`";
const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
/// The legacy annotation value for no filtering (compared exactly, as admission does).
const UNCONFINED_ANNOTATION: &str = "unconfined";
/// From this minor version the API server no longer turns the annotations into fields.
const ANNOTATIONS_IGNORED_FROM: u32 = 27;

impl Rule for SeccompUnconfined {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let field = InheritedField::SeccompProfile;
        for written in written(workload, field) {
            let Some(node) = written.node.get("type") else {
                continue;
            };
            if node.as_str() == Some("Unconfined") {
                let message = format!(
                    "{} sets `seccompProfile.type: Unconfined`{}: its system calls are not filtered",
                    written.owner(),
                    written.place()
                );
                let fix = runtime_default_profile(cx, written.node, field);
                cx.report_node(node, message).with_fix(fix).help(HELP);
            }
        }

        if !cx.kubernetes_version().at_least(ANNOTATIONS_IGNORED_FROM) {
            check_annotations(workload, cx);
        }
    }
}

fn check_annotations(workload: &Workload<'_>, cx: &mut Context<'_>) {
    if let Some(node) = unconfined_annotation(workload, POD_ANNOTATION) {
        let message = format!(
            "{} sets the legacy annotation `{POD_ANNOTATION}: unconfined`: its pods' system calls are not filtered",
            workload.describe()
        );
        let fix = runtime_default_annotation(cx, node);
        cx.report_node(node, message)
            .with_fix(fix)
            .help(ANNOTATION_HELP);
    }
    // The per-container annotation only takes effect for a container of that name.
    for container in workload.containers() {
        let Some(name) = container.name() else {
            continue;
        };
        let key = format!("{CONTAINER_ANNOTATION_PREFIX}{name}");
        if let Some(node) = unconfined_annotation(workload, &key) {
            let message = format!(
                "{} is unconfined by the legacy annotation `{key}: unconfined`: its system calls are not filtered",
                container.describe_in(workload)
            );
            let fix = runtime_default_annotation(cx, node);
            cx.report_node(node, message)
                .with_fix(fix)
                .help(ANNOTATION_HELP);
        }
    }
}

fn unconfined_annotation<'a>(workload: &Workload<'a>, key: &str) -> Option<NodeRef<'a>> {
    workload
        .pod_annotation(key)
        .filter(|node| node.as_str() == Some(UNCONFINED_ANNOTATION))
}

#[cfg(test)]
mod tests {
    use super::super::lint_at;

    const OVERRIDDEN: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      annotations:
        container.seccomp.security.alpha.kubernetes.io/ghost: unconfined
    spec:
      securityContext:
        seccompProfile: {type: Unconfined}
      containers:
        - name: app
          securityContext:
            seccompProfile: {type: RuntimeDefault}
";

    #[test]
    fn a_pod_level_unconfined_counts_even_when_every_container_overrides_it() {
        let found = lint_at("K8S113", 26, OVERRIDDEN);
        let messages: Vec<_> = found.iter().map(|d| d.message.as_str()).collect();
        // The annotation names no container of the pod, so it has no effect.
        assert_eq!(
            messages,
            [
                "Deployment `web` sets `seccompProfile.type: Unconfined` in its pod `securityContext`: its system calls are not filtered"
            ]
        );
    }

    #[test]
    fn annotations_count_only_while_kubernetes_honours_them() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: old\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\n    container.seccomp.security.alpha.kubernetes.io/app: unconfined\nspec:\n  containers: [{name: app}]\n";
        assert_eq!(lint_at("K8S113", 18, text).len(), 2);
        assert_eq!(lint_at("K8S113", 26, text).len(), 2);
        assert!(lint_at("K8S113", 27, text).is_empty());
        assert!(lint_at("K8S113", 35, text).is_empty());
    }
}
