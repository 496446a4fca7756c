use akslint_model::k8s::{ContainerOnlyField, Workload};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers, init containers and ephemeral containers whose `securityContext` sets
    /// `privileged: true`.
    ///
    /// ## Why it matters
    /// A privileged container runs with every Linux capability, sees all of the node's devices
    /// and is not confined by seccomp or AppArmor: a compromise of the container is a compromise
    /// of the node, and from there of the cluster. The Pod Security Standards' baseline level
    /// forbids it.
    ///
    /// `privileged` exists only on containers. Written in the pod's `securityContext` it is
    /// ignored by Kubernetes, so it is not reported here (K8S123 reports the misplaced key).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       privileged: false
    ///       capabilities:
    ///         add: ["NET_BIND_SERVICE"]  # only what the app needs
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `privileged: false`. A container that really drives host devices or the kernel
    /// (a CSI or CNI node plugin, a GPU or storage driver) fails; give it the capabilities it needs
    /// under `capabilities.add` instead, or keep it privileged with a suppression that says why.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Privileged Containers](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct PrivilegedContainer {
        code: "K8S101",
        name: "privileged-container",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        fix: Unsafe,
        references: [
            "PSS" => "baseline: privileged",
            "kube-linter" => "privileged-container",
            "checkov" => "CKV_K8S_16",
            "trivy" => "KSV-0017",
            "Azure Policy" => "K8sAzureContainerNoPrivilege",
        ],
    }
}

impl Rule for PrivilegedContainer {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for container in workload.containers() {
            let context = container.effective_security_context();
            let Some(node) = context.container_only(ContainerOnlyField::Privileged) else {
                continue;
            };
            if node.as_bool() == Some(true) {
                let message = format!(
                    "{} of {} runs privileged, with every capability and the node's devices",
                    container.describe(),
                    workload.describe()
                );
                let fix = cx.fix("set `privileged: false`", |edit| {
                    edit.replace(node, NewValue::Bool(false))
                });
                cx.report_node(node, message).with_fix(fix).help(
                    "remove `privileged: true`; grant only the capabilities the app needs under `capabilities.add`",
                );
            }
        }
    }
}
