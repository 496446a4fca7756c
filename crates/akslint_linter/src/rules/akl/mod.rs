//! akslint's own diagnostics (AKLxxx): raised by the engine, always on.

mod input_limit_exceeded;
mod invalid_syntax;

pub use input_limit_exceeded::InputLimitExceeded;
pub use invalid_syntax::InvalidSyntax;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[&InvalidSyntax, &InputLimitExceeded];
