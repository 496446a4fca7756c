//! Network exposure (K8S6xx), AKS-aware.

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[];
