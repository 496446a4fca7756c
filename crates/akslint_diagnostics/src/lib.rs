//! The diagnostic model shared by every output: terminal, JSON, CI formats and the language
//! server all render the same [`Diagnostic`] values.

mod diagnostic;
mod fix;
pub mod render;

pub use diagnostic::{
    Diagnostic, ObjectRef, Position, Range, Related, Severity, range_of, rule_url,
};
pub use fix::{Applicability, Edit, Fix, apply_edits};
pub use render::{PathBase, RuleDescriptor};
