use akslint_model::k8s::{Level, WindowsOption, Workload};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `securityContext.windowsOptions.hostProcess: true`, in the pod's security
    /// context and in any container's (init and ephemeral containers included).
    ///
    /// ## Why it matters
    /// A Windows HostProcess container is not isolated at all: it runs as a process on the
    /// node, in the node's network namespace, with the node's filesystem and, typically, as
    /// `NT AUTHORITY\SYSTEM`. It is the Windows counterpart of a privileged pod with host
    /// namespaces, and the Pod Security Standards' baseline level forbids it. On AKS it matters
    /// for Windows node pools: one HostProcess pod compromises the node and what its identity
    /// can reach.
    ///
    /// As in Pod Security admission (`windowsHostProcess`), each level is checked as written:
    /// a `true` on the pod (which every container inherits) and a `true` on a container are
    /// each reported, once, where they are written. The pod's `spec.os.name` is not
    /// consulted: the field is a finding wherever it appears.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     windowsOptions:
    ///       hostProcess: true
    ///       runAsUserName: "NT AUTHORITY\\SYSTEM"
    ///   hostNetwork: true
    /// ```
    ///
    /// ## Use instead
    /// Leave `hostProcess` unset (the default is `false`) and run the workload as a regular
    /// Windows container. Node administration belongs in the node image or AKS node pool
    /// configuration, not in a pod.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: HostProcess](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes: Windows HostProcess pods](https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/)
    /// - [AKS: HostProcess containers on Windows nodes](https://learn.microsoft.com/azure/aks/use-windows-hpc)
    pub struct WindowsHostProcess {
        code: "K8S119",
        name: "windows-host-process",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        references: [
            "PSS" => "baseline: windowsHostProcess",
            "trivy" => "KSV-0103",
            "polaris" => "hostProcess",
        ],
    }
}

const HELP: &str = "remove `windowsOptions.hostProcess: true` (the default is `false`) and run a regular Windows container";

impl Rule for WindowsHostProcess {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let option = WindowsOption::HostProcess;
        let pod_value = workload
            .pod_security_context()
            .and_then(|c| c.get("windowsOptions"))
            .and_then(|w| w.get(option.key()))
            .filter(|node| node.as_bool() == Some(true));
        if let Some(node) = pod_value {
            let message = format!(
                "{} runs its pods as Windows HostProcess containers, directly on the node with its privileges",
                workload.describe()
            );
            cx.report_node(node, message).help(HELP);
        }
        for container in workload.containers() {
            let context = container.effective_security_context();
            // The pod's value is reported once above; only a container's own `true` is new.
            let Some(setting) = context.windows_option(option) else {
                continue;
            };
            if setting.level == Level::Container && setting.node.as_bool() == Some(true) {
                let message = format!(
                    "{} of {} runs as a Windows HostProcess container, directly on the node with its privileges",
                    container.describe(),
                    workload.describe()
                );
                cx.report_node(setting.node, message).help(HELP);
            }
        }
    }
}
