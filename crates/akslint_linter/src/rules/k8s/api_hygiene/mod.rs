//! Namespaces and API hygiene (K8S7xx).

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[];
