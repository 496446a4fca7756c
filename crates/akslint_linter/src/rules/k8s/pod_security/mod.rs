//! Pod security (K8S1xx): the Pod Security Standards controls, version-aware.

mod ambiguous_yaml_boolean;
mod container_field_at_pod_level;
mod host_ipc;
mod host_network;
mod host_pid;
mod misspelled_security_field;
mod privilege_escalation_allowed;
mod privileged_container;
mod run_as_root;

pub use ambiguous_yaml_boolean::AmbiguousYamlBoolean;
pub use container_field_at_pod_level::ContainerFieldAtPodLevel;
pub use host_ipc::HostIpc;
pub use host_network::HostNetwork;
pub use host_pid::HostPid;
pub use misspelled_security_field::MisspelledSecurityField;
pub use privilege_escalation_allowed::PrivilegeEscalationAllowed;
pub use privileged_container::PrivilegedContainer;
pub use run_as_root::RunAsRoot;

use akslint_model::k8s::Workload;

use crate::context::WithHelp;
use crate::{Context, Rule};

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &PrivilegedContainer,
    &PrivilegeEscalationAllowed,
    &RunAsRoot,
    &HostNetwork,
    &HostPid,
    &HostIpc,
    &ContainerFieldAtPodLevel,
    &MisspelledSecurityField,
    &AmbiguousYamlBoolean,
];

/// Shared by the three host-namespace rules: reports `spec.<field>: true`.
fn report_host_namespace(workload: &Workload<'_>, cx: &mut Context<'_>, field: &str, shares: &str) {
    if let Some(node) = workload.pod_flag(field) {
        let message = format!(
            "{} sets `{field}: true`: its pods share the node's {shares}",
            workload.describe()
        );
        cx.report_node(node, message).help(format!(
            "remove `{field}` from the pod spec (the default is `false`)"
        ));
    }
}
