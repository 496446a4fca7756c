//! Namespaces and API hygiene (K8S7xx).

mod default_namespace;
mod namespace_pod_security_label;
mod removed_api_version;

pub use default_namespace::DefaultNamespace;
pub use namespace_pod_security_label::NamespacePodSecurityLabel;
pub use removed_api_version::RemovedApiVersion;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &NamespacePodSecurityLabel,
    &DefaultNamespace,
    &RemovedApiVersion,
];
