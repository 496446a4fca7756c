//! Upgrades and versions (AKS3xx).

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[];
