//! ARM template hygiene that leaks secrets (ARM0xx).

mod secret_in_output;
mod secret_parameter_not_secure;
mod secure_parameter_default;

pub use secret_in_output::SecretInOutput;
pub use secret_parameter_not_secure::SecretParameterNotSecure;
pub use secure_parameter_default::SecureParameterDefault;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &SecureParameterDefault,
    &SecretInOutput,
    &SecretParameterNotSecure,
];
