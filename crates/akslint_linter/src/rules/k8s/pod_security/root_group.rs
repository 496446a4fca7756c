use akslint_model::k8s::{InheritedField, Level, Workload};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags workloads that give a container the root group (GID 0):
    /// - an effective `runAsGroup: 0`, written on a container, or on the pod and inherited by
    ///   at least one container that does not set its own (reported once, on the pod);
    /// - `fsGroup: 0` in the pod's `securityContext`;
    /// - `0` in the pod's `supplementalGroups` (each entry reported).
    ///
    /// ## Why it matters
    /// Running as a non-root user does not help much when the process is in the root group:
    /// files and devices owned by group 0 with group permissions (in the image, on volumes,
    /// on host mounts) stay readable and often writable, which turns a container escape or a
    /// mounted path into root-equivalent access. Older versions of the Pod Security Standards
    /// listed "non-root groups" as an optional restricted control; Pod Security admission
    /// never implemented it, so this rule is opt-in and not tied to a Pod Security level.
    ///
    /// Not flagged: a `runAsGroup` that is left unset everywhere (the image's group applies,
    /// which akslint cannot see); Windows pods (`spec.os.name: windows`), where these fields
    /// do not exist and Kubernetes rejects them; and, from Kubernetes 1.35, pods with
    /// `hostUsers: false`, whose group 0 is mapped to an unprivileged group of the node by
    /// the user namespace (the same relaxation `run-as-root` (K8S103) applies to UID 0).
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsUser: 10001
    ///     runAsGroup: 0
    ///     fsGroup: 0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsUser: 10001
    ///     runAsGroup: 10001
    ///     fsGroup: 10001
    /// ```
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides whether the `hostUsers:
    /// false` exemption (1.35) applies.
    ///
    /// ## References
    /// - [Kubernetes: configure a security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - [Kubernetes: user namespaces](https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/)
    pub struct RootGroup {
        code: "K8S126",
        name: "root-group",
        category: PodSecurity,
        severity: Note,
        default_enabled: false,
        scope: Scope::Workloads,
        references: [
            "trivy" => "KSV-0116",
            "Azure Policy" => "K8sAzureAllowedUsersGroups",
        ],
    }
}

const HELP: &str = "use a non-zero group ID (for example 10001)";

impl Rule for RootGroup {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if workload.is_windows()
            || (cx.kubernetes_version().at_least(35) && workload.uses_user_namespace())
        {
            return;
        }
        let mut pod_group = None;
        let mut container_groups = Vec::new();
        for container in workload.containers() {
            let context = container.effective_security_context();
            let Some(setting) = context.inherited(InheritedField::RunAsGroup) else {
                continue;
            };
            if setting.node.as_int() != Some(0) {
                continue;
            }
            match setting.level {
                Level::Pod => pod_group = Some(setting.node),
                Level::Container => container_groups.push((container, setting.node)),
            }
        }
        if let Some(node) = pod_group {
            let message = format!(
                "{} runs its containers in the root group (`runAsGroup: 0` in the pod's `securityContext`)",
                workload.describe()
            );
            cx.report_node(node, message).help(HELP);
        }
        for (container, node) in container_groups {
            let message = format!(
                "{} of {} runs in the root group (`runAsGroup: 0`)",
                container.describe(),
                workload.describe()
            );
            cx.report_node(node, message).help(HELP);
        }
        let Some(pod_context) = workload.pod_security_context() else {
            return;
        };
        if let Some(node) = pod_context
            .get("fsGroup")
            .filter(|node| node.as_int() == Some(0))
        {
            let message = format!(
                "{} sets `fsGroup: 0`: its volumes belong to the root group, which every container gets as a supplementary group",
                workload.describe()
            );
            cx.report_node(node, message).help(HELP);
        }
        let supplemental = pod_context.get("supplementalGroups");
        for node in supplemental.into_iter().flat_map(|groups| groups.items()) {
            if node.as_int() == Some(0) {
                let message = format!(
                    "{} adds the root group to its containers (`supplementalGroups` contains 0)",
                    workload.describe()
                );
                cx.report_node(node, message)
                    .help("remove 0 from `supplementalGroups`");
            }
        }
    }
}
