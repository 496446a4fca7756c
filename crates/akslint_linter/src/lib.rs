//! The rule engine: rule metadata and registry, rule selection, dispatch by scope, and the
//! rules themselves (one file each under `rules/`, documented by their doc comments).
//!
//! [`Linter::lint`] is the single entry point the CLI and the language server call: it parses one
//! source, builds the model, runs the selected rules whose scope matches and returns sorted
//! diagnostics.

mod arm;
mod bicep_wording;
mod context;
pub mod docs;
pub mod fix;
mod format;
mod lint;
pub mod project;
mod registry;
mod rule;
pub mod rules;
mod selection;
mod settings;
pub mod suppression;
#[cfg(test)]
mod test_support;

pub use arm::template_path_for_parameters;
pub use context::{Context, ProjectContext, resource_ref};
pub use format::FileFormat;
pub use lint::{Linter, ParsedSource};
pub use registry::{all_rules, find_rule};
pub use rule::{Category, Reference, Rule, RuleMeta, RuleMetadata, Scope};
pub use selection::{RuleSelection, Selector, SelectorError};
pub use settings::{KubernetesVersion, LintSettings, PssLevel, RuleOptions};
