use akslint_model::k8s::{InheritedField, Level, Workload};

use super::{Written, report_unconfined_profile, written_on_pod};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) whose effective seccomp
    /// profile is not `RuntimeDefault` or `Localhost`: neither the container nor the pod sets
    /// `seccompProfile`, or one of them sets another type.
    ///
    /// ## Why it matters
    /// Without a seccomp profile a container runs with every system call available, unless the
    /// node's kubelet happens to default to `RuntimeDefault` (AKS only does so when the node pool
    /// opts in). The Pod Security Standards' restricted level therefore requires an explicit
    /// `RuntimeDefault` or `Localhost` profile, set once in the pod's `securityContext` (every
    /// container inherits it) or on each container; a container may override the pod's value.
    ///
    /// `Localhost` profiles are accepted, as in Pod Security admission: they are custom profiles
    /// installed on the node (checkov's CKV_K8S_31 wrongly rejects them).
    ///
    /// As in admission, an explicit value other than `RuntimeDefault` or `Localhost` is reported
    /// where it is written (the pod level or the container), and a missing value once per
    /// container that has no valid value to inherit. `Unconfined` fails this control too, so it is
    /// reported here and by [K8S113](K8S113.md) (baseline): the two rules mirror the two Pod
    /// Security levels, which both reject it. A container that inherits a bad pod-level value is
    /// covered by the finding at the pod level.
    ///
    /// Pods that declare `spec.os.name: windows` are exempt when targeting Kubernetes 1.25 or
    /// newer, as in admission (Windows has no seccomp). akslint follows admission's field-based
    /// check (policy 1.19 and later); the deprecated seccomp annotations do not count.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: app
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: app
    ///       image: app
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `seccompProfile.type: RuntimeDefault` where the finding is: in the
    /// container's `securityContext` when the container has no profile (creating what is
    /// missing; every container gets its own, so no other container changes), or in place of
    /// the type written (the pod's or the container's); a profile that names a
    /// `localhostProfile` gets `type: Localhost`, the only type that field is valid with. A
    /// workload that makes a system call the new profile blocks fails after the change.
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides the Windows exemption (1.25).
    ///
    /// ## References
    /// - [Pod Security Standards: Seccomp](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Restrict a container's syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    /// - [AKS: secure container access with seccomp](https://learn.microsoft.com/azure/aks/secure-container-access)
    pub struct SeccompProfileMissing {
        code: "K8S114",
        name: "seccomp-profile-missing",
        category: PodSecurity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Restricted,
        fix: Unsafe,
        references: [
            "PSS" => "restricted: seccompProfile_restricted",
            "checkov" => "CKV_K8S_31",
            "trivy" => "KSV-0030",
            "kube-score" => "container-seccomp-profile",
        ],
    }
}

const HELP: &str = "set `seccompProfile: {type: RuntimeDefault}` (or a `Localhost` profile) in the pod's `securityContext`, which every container inherits, or in the container's";

const PATH: [&str; 3] = ["securityContext", "seccompProfile", "type"];

/// Admission exempts Windows pods from this minor version.
const WINDOWS_EXEMPT_FROM: u32 = 25;

impl Rule for SeccompProfileMissing {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if workload.is_windows() && cx.kubernetes_version().at_least(WINDOWS_EXEMPT_FROM) {
            return;
        }
        let field = InheritedField::SeccompProfile;
        if let Some(pod_level) = written_on_pod(workload, field) {
            report_unconfined_profile(&pod_level, field, cx, HELP);
        }
        for container in workload.containers() {
            match container.effective_security_context().inherited(field) {
                Some(setting) if setting.level == Level::Container => {
                    let own = Written {
                        node: setting.node,
                        level: Level::Container,
                        workload: *workload,
                        container: Some(container),
                    };
                    report_unconfined_profile(&own, field, cx, HELP);
                }
                // Inherited from the pod: valid, or already reported there.
                Some(_) => {}
                None => {
                    let message = format!(
                        "{} has no seccomp profile: neither it nor the pod sets `seccompProfile.type` to `RuntimeDefault` or `Localhost`",
                        container.describe_in(workload)
                    );
                    let fix = cx.fix("set `seccompProfile.type: RuntimeDefault`", |edit| {
                        edit.set(container.node, &PATH, NewValue::Str("RuntimeDefault"))
                    });
                    cx.report_missing(container.node, "securityContext.seccompProfile", message)
                        .with_fix(fix)
                        .help(HELP);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint_at;

    const WINDOWS: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: win}
spec:
  os: {name: windows}
  containers: [{name: app}]
";

    #[test]
    fn windows_pods_are_exempt_from_1_25() {
        assert_eq!(lint_at("K8S114", 24, WINDOWS).len(), 1);
        assert!(lint_at("K8S114", 25, WINDOWS).is_empty());
    }

    #[test]
    fn a_bad_pod_value_is_reported_once_and_container_overrides_count() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
    - name: inherits
    - name: fixed
      securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}
    - name: empty
      securityContext: {seccompProfile: {}}
";
        let found = lint_at("K8S114", 35, text);
        let messages: Vec<_> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Pod `web` sets `seccompProfile.type: Unconfined` in its pod `securityContext`; only `RuntimeDefault` and `Localhost` are allowed",
                "container `empty` of Pod `web` sets `seccompProfile` without a `type`; only `RuntimeDefault` and `Localhost` are allowed",
            ]
        );
    }
}
