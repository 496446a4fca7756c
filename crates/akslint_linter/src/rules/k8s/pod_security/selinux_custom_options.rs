use akslint_model::k8s::{InheritedField, Workload};
use akslint_syntax::NodeRef;

use super::written;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `seLinuxOptions` (in the pod's `securityContext` or a container's) whose `type` is
    /// not one of the container types Pod Security allows, or that set a `user` or a `role`.
    ///
    /// ## Why it matters
    /// On SELinux nodes the label decides what a container's processes may touch on the host.
    /// The container types (`container_t`, `container_init_t`, `container_kvm_t`, and
    /// `container_engine_t` from Kubernetes 1.31) keep a container confined; another type (for
    /// example `spc_t`, "super privileged container", or `unconfined_t`) or a custom SELinux user
    /// or role can lift that confinement. The Pod Security Standards' baseline level allows only
    /// an empty or container type and no user or role; `level` (the MCS categories) is free.
    ///
    /// As in Pod Security admission, the pod level and every container level are checked as
    /// written, and each offending `type`, `user` and `role` is its own finding.
    /// `container_engine_t` (for nested container engines) is accepted only when targeting
    /// Kubernetes 1.31 or newer, the version that added it to the allowed set.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions:
    ///     type: spc_t
    ///     user: system_u
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions:
    ///     level: "s0:c123,c456"
    /// ```
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides whether
    /// `container_engine_t` is allowed (1.31).
    ///
    /// ## References
    /// - [Pod Security Standards: SELinux](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Assign SELinux labels to a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container)
    pub struct SelinuxCustomOptions {
        code: "K8S116",
        name: "selinux-custom-options",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        references: [
            "PSS" => "baseline: seLinuxOptions",
            "trivy" => "KSV-0025",
        ],
    }
}

/// The SELinux types baseline allows (besides the empty type), with the minor version from
/// which each is allowed.
const ALLOWED_TYPES: &[(&str, u32)] = &[
    ("container_t", 0),
    ("container_init_t", 0),
    ("container_kvm_t", 0),
    ("container_engine_t", 31),
];

impl Rule for SelinuxCustomOptions {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let version = cx.kubernetes_version();
        for written in written(workload, InheritedField::SeLinuxOptions) {
            let (owner, place) = (written.owner(), written.place());
            if let Some(node) = non_empty(written.node, "type") {
                let value = node.as_str().unwrap_or_default();
                match ALLOWED_TYPES.iter().find(|(name, _)| *name == value) {
                    Some((_, since)) if version.at_least(*since) => {}
                    Some((_, since)) => {
                        let message = format!(
                            "{owner} sets the SELinux type `{value}`{place}, which Pod Security allows only from Kubernetes 1.{since} (target: {version})"
                        );
                        cx.report_node(node, message).help(format!(
                            "use `container_t`, or target Kubernetes 1.{since} or newer (`pod-security.kubernetes.io/enforce-version` or `--kubernetes-version`)"
                        ));
                    }
                    None => {
                        let message = format!(
                            "{owner} sets the SELinux type `{value}`{place}, which is not a confined container type"
                        );
                        cx.report_node(node, message).help(
                            "remove `type` (the runtime picks `container_t`) or use one of `container_t`, `container_init_t`, `container_kvm_t`, `container_engine_t`",
                        );
                    }
                }
            }
            for key in ["user", "role"] {
                if let Some(node) = non_empty(written.node, key) {
                    let value = node.as_str().unwrap_or_default();
                    let message = format!(
                        "{owner} sets the SELinux {key} `{value}`{place}; it must be empty"
                    );
                    cx.report_node(node, message).help(format!(
                        "remove `seLinuxOptions.{key}`; only `type` and `level` may be customised"
                    ));
                }
            }
        }
    }
}

/// A key of `seLinuxOptions` with a non-empty value (admission treats empty as unset).
fn non_empty<'a>(options: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
    options
        .get(key)
        .filter(|node| node.as_str().is_some_and(|text| !text.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::super::lint_at;

    const ENGINE: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: dind}
spec:
  securityContext:
    seLinuxOptions: {type: container_engine_t, level: 's0:c1,c2'}
  containers:
    - name: app
      securityContext:
        seLinuxOptions: {type: ''}
";

    #[test]
    fn container_engine_t_is_allowed_from_1_31() {
        let old = lint_at("K8S116", 30, ENGINE);
        assert_eq!(old.len(), 1, "{old:?}");
        assert!(
            old[0]
                .message
                .contains("only from Kubernetes 1.31 (target: 1.30)")
        );
        assert!(lint_at("K8S116", 31, ENGINE).is_empty());
    }

    #[test]
    fn type_user_and_role_are_separate_findings() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      securityContext:\n        seLinuxOptions: {type: spc_t, user: system_u, role: system_r}\n";
        assert_eq!(lint_at("K8S116", 35, text).len(), 3);
    }
}
