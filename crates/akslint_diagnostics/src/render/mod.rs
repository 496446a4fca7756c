//! Output formats, one module each.

mod concise;
mod full;
mod json;

pub use concise::concise;
pub use full::{FullOptions, full};
pub use json::{json, json_value};
