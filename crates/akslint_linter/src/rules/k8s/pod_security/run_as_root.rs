use akslint_diagnostics::Fix;
use akslint_model::k8s::{InheritedField, Workload};
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags workloads that may run as root, exactly as the Pod Security Standards' restricted
    /// level decides it:
    /// - `runAsNonRoot: false` written on the pod or on a container;
    /// - a container that does not set `runAsNonRoot: true` while the pod does not either
    ///   (a container inherits the pod's value, so setting it once on the pod is enough);
    /// - `runAsUser: 0` on the pod or on a container.
    ///
    /// From Kubernetes 1.35, pods with `hostUsers: false` run in their own user namespace,
    /// where root is not root on the node, and are exempt, as in Pod Security admission.
    ///
    /// ## Why it matters
    /// A process running as root in a container is root on the node as soon as it escapes the
    /// container (a kernel or runtime vulnerability, a writable host mount). `runAsNonRoot: true`
    /// makes the kubelet refuse to start a container whose image would run as UID 0.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: app
    ///       image: nginxinc/nginx-unprivileged
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `runAsNonRoot: true` where the finding is: in place of a `false` (the pod's
    /// or the container's), or in the container's `securityContext` when neither sets it. The
    /// kubelet then refuses to start a container whose image runs as root (UID 0, or a user name it
    /// cannot check) unless `runAsUser` gives it a non-zero UID, so an image built to run as root
    /// stops starting. A container or pod that sets `runAsUser: 0` gets no fix: akslint cannot pick
    /// a UID for it.
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides whether the `hostUsers: false`
    /// exemption (1.35) and the `runAsUser: 0` check (1.23) apply.
    ///
    /// ## References
    /// - [Pod Security Standards: Running as Non-root](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct RunAsRoot {
        code: "K8S103",
        name: "run-as-root",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Restricted,
        fix: Unsafe,
        references: [
            "PSS" => "restricted: runAsNonRoot, runAsUser",
            "kube-linter" => "run-as-non-root",
            "checkov" => "CKV_K8S_23",
            "trivy" => "KSV-0012, KSV-0105",
            "Azure Policy" => "K8sAzureAllowedUsersGroups",
        ],
    }
}

const HELP: &str = "set `runAsNonRoot: true` in the pod's `securityContext` (or in every container's) and run the image as a non-zero UID";

impl Rule for RunAsRoot {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let version = cx.kubernetes_version();
        if version.at_least(35) && workload.uses_user_namespace() {
            return;
        }
        let pod_context = workload.pod_security_context();
        let pod_non_root = pod_context.and_then(|c| set(c, "runAsNonRoot"));
        let pod_value = pod_non_root.and_then(NodeRef::as_bool);
        if let Some(node) = pod_non_root.filter(|_| pod_value == Some(false)) {
            let message = format!(
                "{} sets `runAsNonRoot: false` for its pods",
                workload.describe()
            );
            let pod_root = pod_context.and_then(|c| root_uid(c)).is_some();
            let fix = non_root(cx, !pod_root, |edit| {
                edit.replace(node, NewValue::Bool(true))
            });
            cx.report_node(node, message).with_fix(fix).help(HELP);
        }
        let check_uid = version.at_least(23);
        if check_uid && let Some(node) = pod_context.and_then(|c| root_uid(c)) {
            let message = format!(
                "{} runs its pods as `runAsUser: 0` (root)",
                workload.describe()
            );
            cx.report_node(node, message).help(HELP);
        }
        for container in workload.containers() {
            let who = || container.describe_in(workload);
            let own = container.security_context();
            let root = container
                .effective_security_context()
                .run_as_user()
                .is_some_and(|(uid, _)| uid == 0);
            match own.and_then(|c| set(c, InheritedField::RunAsNonRoot.key())) {
                Some(node) if node.as_bool() == Some(true) => {}
                Some(node) => {
                    let message = format!(
                        "{} sets `runAsNonRoot` to something other than `true`",
                        who()
                    );
                    let fix = non_root(cx, !root, |edit| edit.replace(node, NewValue::Bool(true)));
                    cx.report_node(node, message).with_fix(fix).help(HELP);
                }
                // The pod's `false` is already reported; its containers inherit that finding.
                None if pod_value == Some(true) || pod_value == Some(false) => {}
                None => {
                    let message = format!(
                        "{} may run as root: neither it nor the pod sets `runAsNonRoot: true`",
                        who()
                    );
                    let fix = non_root(cx, !root, |edit| {
                        edit.set(container.node, &PATH, NewValue::Bool(true))
                    });
                    cx.report_missing(container.node, "securityContext.runAsNonRoot", message)
                        .with_fix(fix)
                        .help(HELP);
                }
            }
            if check_uid && let Some(node) = own.and_then(|c| root_uid(c)) {
                let message = format!("{} runs as `runAsUser: 0` (root)", who());
                cx.report_node(node, message).help(HELP);
            }
        }
    }
}

const PATH: [&str; 2] = ["securityContext", "runAsNonRoot"];

/// The `runAsNonRoot: true` fix made by `edit`, unless the UID is known to be 0 (`fixable` is
/// false): the container could not start.
fn non_root(
    cx: &Context<'_>,
    fixable: bool,
    edit: impl FnOnce(&mut crate::fix::YamlEditor<'_>) -> Option<()>,
) -> Option<Fix> {
    if !fixable {
        return None;
    }
    cx.fix("set `runAsNonRoot: true`", edit)
}

fn set<'a>(context: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
    context.get(key).filter(|node| !node.is_null())
}

fn root_uid(context: NodeRef<'_>) -> Option<NodeRef<'_>> {
    set(context, InheritedField::RunAsUser.key()).filter(|node| node.as_int() == Some(0))
}
