//! The diagnostic model shared by every output: terminal, JSON, CI formats and the language
//! server all render the same [`Diagnostic`] values.

mod diagnostic;
pub mod render;

pub use diagnostic::{Diagnostic, ObjectRef, Position, Range, Related, Severity, rule_url};
pub use render::{PathBase, RuleDescriptor};
