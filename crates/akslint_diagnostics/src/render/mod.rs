//! Output formats, one module each.
//!
//! `full`, `concise` and `json` are for people and scripts; `sarif`, `github`, `gitlab` and
//! `junit` are for CI systems, which need repository-relative paths ([`PathBase`]) and stable
//! fingerprints.

mod common;
mod concise;
mod diff;
mod full;
mod github;
mod gitlab;
mod json;
mod junit;
mod sarif;

pub use common::PathBase;
pub use concise::{concise, write_concise};
pub use diff::unified_diff;
pub use full::{FullOptions, full};
pub use github::github;
pub use gitlab::gitlab;
pub use json::{json, json_value};
pub use junit::junit;
pub use sarif::{RuleDescriptor, SarifOptions, sarif};
