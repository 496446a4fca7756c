//! The security context a container actually runs with.
//!
//! Kubernetes lets a few fields be set once on the pod (`spec.securityContext`) and overridden
//! per container; the kubelet resolves them as `DetermineEffectiveSecurityContext` does:
//! `runAsUser`, `runAsGroup`, `runAsNonRoot`, `seLinuxOptions`, `seccompProfile` and
//! `appArmorProfile` are taken whole from the container when it sets them, else from the pod;
//! `windowsOptions` is merged field by field. The other container fields (`privileged`,
//! `allowPrivilegeEscalation`, `capabilities`, `readOnlyRootFilesystem`, `procMount`) exist only
//! on containers: the same keys written on the pod are ignored by Kubernetes, so they are never
//! read from there. Reading them all through this one type is what keeps rules free of the
//! inheritance false positives peers are known for.

use akslint_syntax::NodeRef;

/// Where a setting was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// `spec.securityContext` of the pod.
    Pod,
    /// The container's `securityContext`.
    Container,
}

/// A resolved setting: the value node and where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting<'a> {
    /// The value as written.
    pub node: NodeRef<'a>,
    /// Whether it was written on the pod or the container.
    pub level: Level,
}

/// Fields a container inherits from the pod's security context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InheritedField {
    /// `runAsUser`.
    RunAsUser,
    /// `runAsGroup`.
    RunAsGroup,
    /// `runAsNonRoot`.
    RunAsNonRoot,
    /// `seLinuxOptions` (taken whole, not merged).
    SeLinuxOptions,
    /// `seccompProfile` (taken whole).
    SeccompProfile,
    /// `appArmorProfile` (taken whole).
    AppArmorProfile,
}

impl InheritedField {
    /// The YAML key.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::RunAsUser => "runAsUser",
            Self::RunAsGroup => "runAsGroup",
            Self::RunAsNonRoot => "runAsNonRoot",
            Self::SeLinuxOptions => "seLinuxOptions",
            Self::SeccompProfile => "seccompProfile",
            Self::AppArmorProfile => "appArmorProfile",
        }
    }
}

/// Fields that exist only in a container's security context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerOnlyField {
    /// `privileged`.
    Privileged,
    /// `allowPrivilegeEscalation`.
    AllowPrivilegeEscalation,
    /// `capabilities`.
    Capabilities,
    /// `readOnlyRootFilesystem`.
    ReadOnlyRootFilesystem,
    /// `procMount`.
    ProcMount,
}

impl ContainerOnlyField {
    /// All of them.
    pub const ALL: [Self; 5] = [
        Self::Privileged,
        Self::AllowPrivilegeEscalation,
        Self::Capabilities,
        Self::ReadOnlyRootFilesystem,
        Self::ProcMount,
    ];

    /// The YAML key.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::AllowPrivilegeEscalation => "allowPrivilegeEscalation",
            Self::Capabilities => "capabilities",
            Self::ReadOnlyRootFilesystem => "readOnlyRootFilesystem",
            Self::ProcMount => "procMount",
        }
    }
}

/// Fields of `windowsOptions`, merged one by one between pod and container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowsOption {
    /// `hostProcess`.
    HostProcess,
    /// `runAsUserName`.
    RunAsUserName,
    /// `gmsaCredentialSpecName`.
    GmsaCredentialSpecName,
    /// `gmsaCredentialSpec`.
    GmsaCredentialSpec,
}

impl WindowsOption {
    /// The YAML key.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::HostProcess => "hostProcess",
            Self::RunAsUserName => "runAsUserName",
            Self::GmsaCredentialSpecName => "gmsaCredentialSpecName",
            Self::GmsaCredentialSpec => "gmsaCredentialSpec",
        }
    }
}

/// The pod's and a container's security contexts, read with Kubernetes' precedence.
#[derive(Debug, Clone, Copy)]
pub struct EffectiveSecurityContext<'a> {
    pod: Option<NodeRef<'a>>,
    container: Option<NodeRef<'a>>,
}

impl<'a> EffectiveSecurityContext<'a> {
    /// Combines a pod-level and a container-level `securityContext` mapping.
    #[must_use]
    pub const fn new(pod: Option<NodeRef<'a>>, container: Option<NodeRef<'a>>) -> Self {
        Self { pod, container }
    }

    /// The container's own `securityContext` mapping.
    #[must_use]
    pub const fn container_context(&self) -> Option<NodeRef<'a>> {
        self.container
    }

    /// The pod's `securityContext` mapping.
    #[must_use]
    pub const fn pod_context(&self) -> Option<NodeRef<'a>> {
        self.pod
    }

    /// An inherited field: the container's value when it sets one, else the pod's.
    /// An explicit `null` counts as not set, as it does for the API server.
    #[must_use]
    pub fn inherited(&self, field: InheritedField) -> Option<Setting<'a>> {
        let key = field.key();
        set_in(self.container, key)
            .map(|node| Setting {
                node,
                level: Level::Container,
            })
            .or_else(|| {
                set_in(self.pod, key).map(|node| Setting {
                    node,
                    level: Level::Pod,
                })
            })
    }

    /// A container-only field, read from the container alone.
    #[must_use]
    pub fn container_only(&self, field: ContainerOnlyField) -> Option<NodeRef<'a>> {
        set_in(self.container, field.key())
    }

    /// A `windowsOptions` field, merged field by field (container first).
    #[must_use]
    pub fn windows_option(&self, option: WindowsOption) -> Option<Setting<'a>> {
        let read = |context: Option<NodeRef<'a>>| {
            context
                .and_then(|c| c.get("windowsOptions"))
                .and_then(|w| set_in(Some(w), option.key()))
        };
        read(self.container)
            .map(|node| Setting {
                node,
                level: Level::Container,
            })
            .or_else(|| {
                read(self.pod).map(|node| Setting {
                    node,
                    level: Level::Pod,
                })
            })
    }

    /// Effective `runAsNonRoot`, as a boolean when it is one.
    #[must_use]
    pub fn run_as_non_root(&self) -> Option<(bool, Setting<'a>)> {
        let setting = self.inherited(InheritedField::RunAsNonRoot)?;
        setting.node.as_bool().map(|value| (value, setting))
    }

    /// Effective `runAsUser`, as an integer when it is one.
    #[must_use]
    pub fn run_as_user(&self) -> Option<(i64, Setting<'a>)> {
        let setting = self.inherited(InheritedField::RunAsUser)?;
        setting.node.as_int().map(|value| (value, setting))
    }
}

fn set_in<'a>(mapping: Option<NodeRef<'a>>, key: &str) -> Option<NodeRef<'a>> {
    mapping?.get(key).filter(|node| !node.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::{WorkloadKinds, objects};
    use akslint_syntax::{Limits, yaml};

    const CRONJOB: &str = "\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
            privileged: true
            seccompProfile: {type: RuntimeDefault}
            windowsOptions: {runAsUserName: pod-user, hostProcess: false}
          containers:
          - name: inherits
          - name: overrides
            securityContext:
              runAsUser: 0
              runAsNonRoot: null
              seccompProfile: {type: Unconfined}
              windowsOptions: {hostProcess: true}
          initContainers:
          - name: setup
            securityContext: {runAsNonRoot: false}
";

    #[test]
    fn cronjob_containers_resolve_pod_level_inheritance() {
        let file = yaml::parse(CRONJOB, &Limits::default());
        let objects = objects(&file);
        let workload = WorkloadKinds::default()
            .workload(objects[0])
            .expect("a CronJob is a workload");
        let containers: Vec<_> = workload.containers().collect();
        let names: Vec<_> = containers.iter().map(|c| c.describe()).collect();
        assert_eq!(
            names,
            [
                "container `inherits`",
                "container `overrides`",
                "init container `setup`"
            ]
        );

        let inherits = containers[0].effective_security_context();
        let (non_root, from) = inherits.run_as_non_root().expect("inherited");
        assert!(non_root);
        assert_eq!(from.level, Level::Pod);
        assert_eq!(inherits.run_as_user().map(|(uid, _)| uid), Some(1000));
        // `privileged` on the pod is ignored by Kubernetes, so it is never inherited.
        assert!(
            inherits
                .container_only(ContainerOnlyField::Privileged)
                .is_none()
        );

        let overrides = containers[1].effective_security_context();
        let (uid, from) = overrides.run_as_user().expect("overridden");
        assert_eq!((uid, from.level), (0, Level::Container));
        // An explicit null falls back to the pod.
        assert_eq!(
            overrides.run_as_non_root().map(|(v, s)| (v, s.level)),
            Some((true, Level::Pod))
        );
        let seccomp = overrides
            .inherited(InheritedField::SeccompProfile)
            .and_then(|s| s.node.get("type"))
            .and_then(|n| n.as_str());
        assert_eq!(seccomp, Some("Unconfined"));
        // windowsOptions merges field by field.
        let host_process = overrides.windows_option(WindowsOption::HostProcess);
        assert_eq!(
            host_process.map(|s| (s.node.as_bool(), s.level)),
            Some((Some(true), Level::Container))
        );
        let user = overrides.windows_option(WindowsOption::RunAsUserName);
        assert_eq!(
            user.map(|s| (s.node.as_str(), s.level)),
            Some((Some("pod-user"), Level::Pod))
        );

        let setup = containers[2].effective_security_context();
        assert_eq!(
            setup.run_as_non_root().map(|(v, s)| (v, s.level)),
            Some((false, Level::Container))
        );
    }

    #[test]
    fn every_builtin_workload_kind_is_found() {
        let kinds = [
            ("v1", "Pod", "spec"),
            ("v1", "ReplicationController", "spec: {template: {spec"),
            ("apps/v1", "Deployment", "spec: {template: {spec"),
            ("apps/v1", "ReplicaSet", "spec: {template: {spec"),
            ("apps/v1", "StatefulSet", "spec: {template: {spec"),
            ("apps/v1", "DaemonSet", "spec: {template: {spec"),
            ("batch/v1", "Job", "spec: {template: {spec"),
            (
                "batch/v1",
                "CronJob",
                "spec: {jobTemplate: {spec: {template: {spec",
            ),
        ];
        for (api_version, kind, path) in kinds {
            let closing = "}".repeat(path.matches('{').count());
            let text = format!(
                "apiVersion: {api_version}\nkind: {kind}\n{path}: {{containers: [{{name: c}}]}}{closing}\n"
            );
            let file = yaml::parse(&text, &Limits::default());
            assert!(file.errors.is_empty(), "{text}: {:?}", file.errors);
            let objects = objects(&file);
            let workload = WorkloadKinds::default().workload(objects[0]);
            let count = workload.map(|w| w.containers().count());
            assert_eq!(count, Some(1), "{text}");
        }
    }

    #[test]
    fn custom_workload_kinds_from_configuration() {
        let text = "apiVersion: keda.sh/v1alpha1\nkind: ScaledJob\nspec:\n  jobTargetRef:\n    template:\n      spec:\n        containers: [{name: c}]\n";
        let file = yaml::parse(text, &Limits::default());
        let objects = objects(&file);
        assert!(WorkloadKinds::default().workload(objects[0]).is_none());
        let kinds = WorkloadKinds {
            custom: vec![crate::k8s::CustomWorkloadKind {
                group: Some("keda.sh".into()),
                kind: "ScaledJob".into(),
                pod_spec_path: "spec.jobTargetRef.template.spec".into(),
            }],
        };
        assert!(kinds.workload(objects[0]).is_some());
    }
}
