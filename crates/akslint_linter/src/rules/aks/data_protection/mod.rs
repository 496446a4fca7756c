//! Data protection and secrets (AKS5xx).

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[];
