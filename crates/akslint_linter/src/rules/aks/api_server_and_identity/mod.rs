//! API server access and identity (AKS1xx).

mod kubernetes_rbac_disabled;

pub use kubernetes_rbac_disabled::KubernetesRbacDisabled;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[&KubernetesRbacDisabled];
