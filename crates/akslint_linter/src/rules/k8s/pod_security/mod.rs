//! Pod security (K8S1xx): the Pod Security Standards controls, version-aware.

mod ambiguous_yaml_boolean;
mod apparmor_unconfined;
mod capabilities_not_dropped;
mod capability_added;
mod container_field_at_pod_level;
mod container_runtime_socket;
mod dangerous_capability;
mod host_ipc;
mod host_network;
mod host_path_volume;
mod host_pid;
mod host_port;
mod host_probe;
mod misspelled_security_field;
mod privilege_escalation_allowed;
mod privileged_container;
mod restricted_volume_type;
mod root_group;
mod run_as_root;
mod seccomp_profile_missing;
mod seccomp_unconfined;
mod selinux_custom_options;
mod unmasked_proc_mount;
mod unsafe_sysctl;
mod windows_host_process;
mod writable_root_filesystem;

pub use ambiguous_yaml_boolean::AmbiguousYamlBoolean;
pub use apparmor_unconfined::AppArmorUnconfined;
pub use capabilities_not_dropped::CapabilitiesNotDropped;
pub use capability_added::CapabilityAdded;
pub use container_field_at_pod_level::ContainerFieldAtPodLevel;
pub use container_runtime_socket::ContainerRuntimeSocket;
pub use dangerous_capability::DangerousCapability;
pub use host_ipc::HostIpc;
pub use host_network::HostNetwork;
pub use host_path_volume::HostPathVolume;
pub use host_pid::HostPid;
pub use host_port::HostPort;
pub use host_probe::HostProbe;
pub use misspelled_security_field::MisspelledSecurityField;
pub use privilege_escalation_allowed::PrivilegeEscalationAllowed;
pub use privileged_container::PrivilegedContainer;
pub use restricted_volume_type::RestrictedVolumeType;
pub use root_group::RootGroup;
pub use run_as_root::RunAsRoot;
pub use seccomp_profile_missing::SeccompProfileMissing;
pub use seccomp_unconfined::SeccompUnconfined;
pub use selinux_custom_options::SelinuxCustomOptions;
pub use unmasked_proc_mount::UnmaskedProcMount;
pub use unsafe_sysctl::UnsafeSysctl;
pub use windows_host_process::WindowsHostProcess;
pub use writable_root_filesystem::WritableRootFilesystem;

use akslint_diagnostics::Fix;
use akslint_model::k8s::{Container, ContainerOnlyField, InheritedField, Level, Volume, Workload};
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
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
    &SeccompUnconfined,
    &SeccompProfileMissing,
    &AppArmorUnconfined,
    &SelinuxCustomOptions,
    &UnmaskedProcMount,
    &UnsafeSysctl,
    &WindowsHostProcess,
    &RestrictedVolumeType,
    &HostProbe,
    &WritableRootFilesystem,
    &ContainerFieldAtPodLevel,
    &MisspelledSecurityField,
    &AmbiguousYamlBoolean,
    &RootGroup,
];

/// Shared by the three host-namespace rules: reports `spec.<field>: true`.
fn report_host_namespace(workload: &Workload<'_>, cx: &mut Context<'_>, field: &str, shares: &str) {
    if let Some(node) = workload.pod_flag(field) {
        let message = format!(
            "{} sets `{field}: true`: its pods share the node's {shares}",
            workload.describe()
        );
        let fix = cx.fix(format!("set `{field}: false`"), |edit| {
            edit.replace(node, NewValue::Bool(false))
        });
        cx.report_node(node, message).with_fix(fix).help(format!(
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

/// A security-context field as written at one level: the pod's `spec.securityContext` or one
/// container's own `securityContext`.
struct Written<'a> {
    node: NodeRef<'a>,
    level: Level,
    workload: Workload<'a>,
    /// The container that wrote it (`None` at the pod level).
    container: Option<Container<'a>>,
}

impl Written<'_> {
    /// Who wrote it, for messages: the workload for the pod level, else the container (named
    /// only when there is a finding: most written values are fine).
    fn owner(&self) -> String {
        match &self.container {
            Some(container) => container.describe_in(&self.workload),
            None => self.workload.describe(),
        }
    }

    /// Ends a message with where the value was written.
    const fn place(&self) -> &'static str {
        match self.level {
            Level::Pod => " in its pod `securityContext`",
            Level::Container => "",
        }
    }
}

/// Every written value of an inheritable field, pod level first. Pod Security admission checks
/// the pod level and each container's level as written, so a bad pod-level value counts even
/// when every container overrides it, and each bad container value counts on its own.
fn written<'a>(workload: &Workload<'a>, field: InheritedField) -> Vec<Written<'a>> {
    let pod = written_on_pod(workload, field);
    let containers = workload.containers().filter_map(|container| {
        let setting = container.effective_security_context().inherited(field)?;
        (setting.level == Level::Container).then_some(Written {
            node: setting.node,
            level: Level::Container,
            workload: *workload,
            container: Some(container),
        })
    });
    pod.into_iter().chain(containers).collect()
}

/// The value of an inheritable field written in the pod's `securityContext`.
fn written_on_pod<'a>(workload: &Workload<'a>, field: InheritedField) -> Option<Written<'a>> {
    workload
        .pod_security_context()
        .and_then(|context| context.get(field.key()))
        .filter(|node| !node.is_null())
        .map(|node| Written {
            node,
            level: Level::Pod,
            workload: *workload,
            container: None,
        })
}

/// The profile types Pod Security accepts wherever a seccomp or AppArmor profile is written.
const CONFINED_PROFILE_TYPES: [&str; 2] = ["RuntimeDefault", "Localhost"];

/// Reports a written seccomp or AppArmor profile whose `type` is neither `RuntimeDefault` nor
/// `Localhost`, at the type, or at the profile when it has no type (the API then reads an
/// empty type, which is not allowed either).
fn report_unconfined_profile(
    written: &Written<'_>,
    field: InheritedField,
    cx: &mut Context<'_>,
    help: &'static str,
) {
    let key = field.key();
    match written.node.get("type").filter(|node| !node.is_null()) {
        Some(node) => {
            let value = node.as_str().unwrap_or_default();
            if CONFINED_PROFILE_TYPES.contains(&value) {
                return;
            }
            let message = format!(
                "{} sets `{key}.type: {value}`{}; only `RuntimeDefault` and `Localhost` are allowed",
                written.owner(),
                written.place()
            );
            let fix = runtime_default_profile(cx, written.node, field);
            cx.report_node(node, message).with_fix(fix).help(help);
        }
        None => {
            let message = format!(
                "{} sets `{key}` without a `type`{}; only `RuntimeDefault` and `Localhost` are allowed",
                written.owner(),
                written.place()
            );
            let fix = runtime_default_profile(cx, written.node, field);
            cx.report_missing(written.node, "type", message)
                .with_fix(fix)
                .help(help);
        }
    }
}

/// Sets the type of a seccomp or AppArmor profile to `RuntimeDefault`, or to `Localhost` when
/// the profile names a `localhostProfile`: that profile is what the author meant, and the API
/// server accepts the field only with `type: Localhost`.
fn runtime_default_profile(
    cx: &Context<'_>,
    profile: NodeRef<'_>,
    field: InheritedField,
) -> Option<Fix> {
    let confined = if profile.get("localhostProfile").is_some() {
        "Localhost"
    } else {
        "RuntimeDefault"
    };
    let message = format!("set `{}.type: {confined}`", field.key());
    cx.fix(message, |edit| {
        edit.set(profile, &["type"], NewValue::Str(confined))
    })
}

/// Replaces a legacy seccomp or AppArmor annotation value with `runtime/default`, which is what
/// the `RuntimeDefault` profile type was called in annotations.
fn runtime_default_annotation(cx: &Context<'_>, value: NodeRef<'_>) -> Option<Fix> {
    cx.fix("set the annotation to `runtime/default`", |edit| {
        edit.replace(value, NewValue::Str("runtime/default"))
    })
}

#[cfg(test)]
use crate::test_support::lint_at;
