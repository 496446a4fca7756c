//! Resilience of the platform (AKS6xx, opt-in).

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[];
