//! akslint's own diagnostics (AKLxxx): raised by the engine, always on.

mod input_limit_exceeded;
mod invalid_syntax;

pub use input_limit_exceeded::InputLimitExceeded;
pub use invalid_syntax::InvalidSyntax;
