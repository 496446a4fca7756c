//! ARM template hygiene that leaks secrets (ARM0xx).

mod secure_parameter_default;

pub use secure_parameter_default::SecureParameterDefault;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[&SecureParameterDefault];
