//! Finding the files to lint, reading them, and linting them in parallel.
//!
//! Directories are walked with `.gitignore` semantics; YAML, JSON and Bicep files are picked by
//! extension and JSON files by content (only Kubernetes objects and ARM templates are akslint's
//! business). Paths named explicitly are always linted. Each file is linted with the settings of
//! the closest `akslint.toml` above it (see [`config`]).

pub mod baseline;
pub mod config;
mod discover;
mod fix;
mod policy;
pub mod render;
mod run;

pub use config::{ConfigError, Configurations, Overrides};
pub use discover::{Candidate, DiscoveryError, discover};
pub use fix::{FindingFilter, FixOptions, FixReport, FixedFile, fix_candidates, fix_text};
pub use render::{RenderOptions, TemplateBuffers, lint_rendering, split_rendered};
pub use run::{
    Report, lint_candidates, lint_candidates_with_parameters, lint_reader, lint_text,
    lint_text_with_parameters,
};
