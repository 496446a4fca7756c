//! Kubernetes objects as written in manifests.

mod object;
mod security_context;
mod workload;

pub use object::{Object, ObjectIdentity, objects};
pub use security_context::{
    ContainerOnlyField, EffectiveSecurityContext, InheritedField, Level, Setting, WindowsOption,
};
pub use workload::{Container, ContainerKind, CustomWorkloadKind, Volume, Workload, WorkloadKinds};
