use akslint_model::k8s::{ContainerOnlyField, Workload};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Linux containers (including init and ephemeral containers) whose
    /// `securityContext.readOnlyRootFilesystem` is not `true`: set to `false`, or not set at
    /// all (Kubernetes defaults it to `false`).
    ///
    /// ## Why it matters
    /// With a writable root filesystem, an attacker who gets code execution in the container
    /// can drop tools and binaries, rewrite the application or its configuration, and persist
    /// until the container restarts. A read-only root filesystem makes the image immutable at
    /// run time; the application writes only where it is given a volume (an `emptyDir` for
    /// `/tmp` or caches).
    ///
    /// Decisions:
    /// - The field exists only on containers; written in the pod's `securityContext` it is
    ///   ignored by Kubernetes and does not count.
    /// - Pods that declare `spec.os.name: windows` are exempt: Windows containers do not
    ///   support `readOnlyRootFilesystem`, and Kubernetes rejects it in a Windows pod.
    /// - Init containers are checked like any container: they run the same image code with the
    ///   same access. Ephemeral containers are checked too, as in every Pod Security
    ///   control: a debug container attached with a writable filesystem is as good a
    ///   foothold as any other (they are usually added through the API by `kubectl debug`,
    ///   so this seldom fires on manifests).
    /// - This is not a Pod Security Standards control, so a namespace's Pod Security level
    ///   does not exempt a workload from it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: myregistry.azurecr.io/app:1.0.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: myregistry.azurecr.io/app:1.0.0
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - name: tmp
    ///         mountPath: /tmp
    /// volumes:
    ///   - name: tmp
    ///     emptyDir: {}
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `readOnlyRootFilesystem: true` in the container's `securityContext` (creating
    /// it when missing). The fix cannot know where the application writes: one that writes to
    /// `/tmp`, a cache or its own directory fails until those paths get a volume (an `emptyDir`),
    /// which the fix does not add.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct WritableRootFilesystem {
        code: "K8S122",
        name: "writable-root-filesystem",
        category: PodSecurity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        fix: Unsafe,
        references: [
            "kube-linter" => "no-read-only-root-fs",
            "checkov" => "CKV_K8S_22",
            "trivy" => "KSV-0014",
            "polaris" => "notReadOnlyRootFilesystem",
            "Azure Policy" => "K8sAzureReadOnlyRootFilesystem",
        ],
    }
}

const HELP: &str = "set `readOnlyRootFilesystem: true` in the container's `securityContext` and mount an emptyDir where the app writes";
const PATH: [&str; 2] = ["securityContext", "readOnlyRootFilesystem"];

impl Rule for WritableRootFilesystem {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if workload.is_windows() {
            return;
        }
        for container in workload.containers() {
            let context = container.effective_security_context();
            // Named only for a finding: most containers that set the field set it right.
            let who = || container.describe_in(workload);
            let fix = |cx: &Context<'_>| {
                cx.fix("set `readOnlyRootFilesystem: true`", |edit| {
                    edit.set(container.node, &PATH, NewValue::Bool(true))
                })
            };
            match context.container_only(ContainerOnlyField::ReadOnlyRootFilesystem) {
                Some(node) => match node.as_bool() {
                    Some(true) => {}
                    Some(false) => {
                        let message = format!("{} has a writable root filesystem", who());
                        let fix = fix(cx);
                        cx.report_node(node, message).with_fix(fix).help(HELP);
                    }
                    None => {
                        let message = format!(
                            "{} sets `readOnlyRootFilesystem` to a value that is not the boolean `true`, so its root filesystem stays writable",
                            who()
                        );
                        let fix = fix(cx);
                        cx.report_node(node, message).with_fix(fix).help(HELP);
                    }
                },
                None => {
                    let message = format!(
                        "{} does not set `readOnlyRootFilesystem: true`, so its root filesystem is writable",
                        who()
                    );
                    let fix = fix(cx);
                    cx.report_missing(
                        container.node,
                        "securityContext.readOnlyRootFilesystem",
                        message,
                    )
                    .with_fix(fix)
                    .help(HELP);
                }
            }
        }
    }
}
