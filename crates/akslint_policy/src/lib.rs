//! Azure Policy for AKS, offline: the Gatekeeper `ConstraintTemplate`s that the Azure Policy
//! add-on runs at admission, evaluated on manifests before deploy with regorus (a Rego
//! interpreter).
//!
//! [`PolicySet::load`] reads templates and constraints from folders and compiles each
//! template once; [`PolicySet::evaluate`] reviews every object of a run (and the Pods that
//! workloads create) with each constraint that matches it, the way Gatekeeper's admission
//! webhook does, and turns each violation into a diagnostic on the object in its source file.

mod builtins;
mod constraint;
mod eval;
mod load;
mod locate;
mod matching;
mod placeholder;
mod template;
mod value;

use std::sync::Arc;

use akslint_text::{SourceFile, Span};

pub use constraint::Constraint;
pub use eval::{Evaluation, Input};
pub use load::LoadError;
pub use placeholder::Origin;
pub use template::Template;

/// A problem with a template or a constraint (or Rego that fails on an object): reported at
/// its place in the policy file, never a crash.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The template or constraint file.
    pub file: Arc<SourceFile>,
    /// Where in it.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Loaded templates and constraints.
#[derive(Clone, Default)]
pub struct PolicySet {
    templates: Vec<Template>,
    /// Each constraint with the index of its template.
    constraints: Vec<(usize, Constraint)>,
    problems: Vec<Problem>,
    notes: Vec<String>,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("templates", &self.templates.len())
            .field("constraints", &self.constraints.len())
            .field("problems", &self.problems.len())
            .finish()
    }
}

impl PolicySet {
    /// The constraints that will be evaluated.
    pub fn constraints(&self) -> impl Iterator<Item = &Constraint> {
        self.constraints.iter().map(|(_, constraint)| constraint)
    }

    /// The compiled templates.
    #[must_use]
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// Problems found while loading (invalid YAML, Rego that does not parse, a constraint
    /// without a template).
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// One line per placeholder value: which value a placeholder was given, where it came
    /// from (`--policy-values`, the parameter's default, or empty), and in which constraints.
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}
