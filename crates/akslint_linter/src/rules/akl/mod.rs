//! akslint's own diagnostics (AKLxxx): raised by the engine, always on.

mod input_limit_exceeded;
mod invalid_syntax;
mod unknown_suppression;
mod unused_suppression;

pub use input_limit_exceeded::InputLimitExceeded;
pub use invalid_syntax::InvalidSyntax;
pub use unknown_suppression::UnknownSuppression;
pub use unused_suppression::UnusedSuppression;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &InvalidSyntax,
    &UnknownSuppression,
    &UnusedSuppression,
    &InputLimitExceeded,
];
