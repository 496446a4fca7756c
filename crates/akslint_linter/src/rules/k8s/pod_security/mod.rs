//! Pod security (K8S1xx): the Pod Security Standards controls, version-aware.

mod capabilities_not_dropped;
mod capability_added;
mod container_runtime_socket;
mod dangerous_capability;
mod host_ipc;
mod host_network;
mod host_path_volume;
mod host_pid;
mod host_port;
mod privilege_escalation_allowed;
mod privileged_container;
mod root_group;
mod run_as_root;
mod windows_host_process;
mod writable_root_filesystem;

pub use capabilities_not_dropped::CapabilitiesNotDropped;
pub use capability_added::CapabilityAdded;
pub use container_runtime_socket::ContainerRuntimeSocket;
pub use dangerous_capability::DangerousCapability;
pub use host_ipc::HostIpc;
pub use host_network::HostNetwork;
pub use host_path_volume::HostPathVolume;
pub use host_pid::HostPid;
pub use host_port::HostPort;
pub use privilege_escalation_allowed::PrivilegeEscalationAllowed;
pub use privileged_container::PrivilegedContainer;
pub use root_group::RootGroup;
pub use run_as_root::RunAsRoot;
pub use windows_host_process::WindowsHostProcess;
pub use writable_root_filesystem::WritableRootFilesystem;

use akslint_model::k8s::{Container, ContainerOnlyField, Volume, Workload};
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::{Context, Rule};

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &PrivilegedContainer,
    &PrivilegeEscalationAllowed,
    &RunAsRoot,
    &CapabilitiesNotDropped,
    &DangerousCapability,
    &CapabilityAdded,
    &HostNetwork,
    &HostPid,
    &HostIpc,
    &HostPathVolume,
    &ContainerRuntimeSocket,
    &HostPort,
    &WindowsHostProcess,
    &WritableRootFilesystem,
    &RootGroup,
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

/// `securityContext.capabilities.<list>` (`add` or `drop`) of a container, unless unset or null.
/// Capabilities exist only on containers: the same key in the pod's `securityContext` is ignored
/// by Kubernetes, so it is read through the container-only field and never from the pod.
fn capability_list<'a>(container: &Container<'a>, list: &str) -> Option<NodeRef<'a>> {
    container
        .effective_security_context()
        .container_only(ContainerOnlyField::Capabilities)?
        .get(list)
        .filter(|node| !node.is_null())
}

/// The entries of a container's `capabilities.add`, each with its name as written.
fn added_capabilities<'a>(
    container: &Container<'a>,
) -> impl Iterator<Item = (NodeRef<'a>, &'a str)> + 'a {
    capability_list(container, "add")
        .into_iter()
        .flat_map(NodeRef::items)
        .filter_map(|item| Some((item, item.as_str()?)))
}

/// A capability name as container runtimes read it: case-insensitive, with or without the
/// `CAP_` prefix. Pod Security admission compares the exact strings instead, so this only
/// serves to explain a finding (`all` is not `ALL` for admission).
fn canonical_capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_owned(),
        None => upper,
    }
}

/// Whether the restricted `capabilities` control applies to the workload, as Pod Security
/// admission versions it: not before 1.22, and Windows pods are exempt from 1.25.
fn restricted_capabilities_apply(workload: &Workload<'_>, cx: &Context<'_>) -> bool {
    let version = cx.kubernetes_version();
    version.at_least(22) && !(version.at_least(25) && workload.is_windows())
}

/// The pod's `hostPath` volumes: the volume, the `hostPath` key and its value.
fn host_path_volumes<'a>(
    workload: &Workload<'a>,
) -> impl Iterator<Item = (Volume<'a>, NodeRef<'a>, NodeRef<'a>)> + 'a {
    workload.volumes().filter_map(|volume| {
        let (key, value) = volume.node.entry("hostPath")?;
        (!value.is_null()).then_some((volume, key, value))
    })
}
