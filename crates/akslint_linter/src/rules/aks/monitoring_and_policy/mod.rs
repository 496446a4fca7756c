//! Monitoring, Defender and policy (AKS4xx).

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[];
