//! Fixes: how a rule attaches one to a finding, the YAML edit engine it builds the edits with,
//! and the loop that applies them.
//!
//! A rule builds a fix with [`Context::fix`], which hands it a [`YamlEditor`] over the file
//! being linted and gives the fix the applicability the rule declares (`fix: Safe` or
//! `fix: Unsafe` in [`declare_rule!`](crate::declare_rule)); then it attaches the fix to the
//! finding with [`WithFix::with_fix`]:
//!
//! ```text
//! let fix = cx.fix("set `allowPrivilegeEscalation: false`", |edit| {
//!     edit.set(container.node, &["securityContext", "allowPrivilegeEscalation"], NewValue::Bool(false))
//! });
//! cx.report_missing(container.node, "securityContext.allowPrivilegeEscalation", message)
//!     .with_fix(fix)
//!     .help(HELP);
//! ```
//!
//! ARM templates are edited with a [`JsonEditor`] instead ([`Context::json_fix`]); an ARM rule
//! usually calls [`Context::cluster_fix`] or [`Context::pool_fix`] with the [`Lookup`] it
//! evaluated, so that only a literal written in the resource is replaced and only a property
//! missing from object literals is inserted. A value that comes from a parameter (even a
//! literal default: the same parameter may feed other resources, and a parameter file or the
//! deployment may override it), a variable or any expression gets no fix.
//!
//! [`Lookup`]: akslint_model::azure::Lookup
//!
//! Applying ([`fix_until_stable`]): each round lints, takes the fixes that do not conflict
//! with each other, drops any that would leave a syntax error, and applies the rest; rounds
//! repeat until nothing changes (at most [`MAX_PASSES`]), so fixes that touch the same place
//! land one after the other.

mod apply;
mod arm;
mod editor;
mod json;
mod layout;

use std::borrow::Cow;

use akslint_diagnostics::{Diagnostic, Edit, Fix};

pub use apply::{Applied, FixTarget, MAX_PASSES, apply_fixes, file_text, fix_until_stable};
pub use arm::{cluster_object, pool_object};
pub use editor::{NewValue, YamlEditor};
pub use json::{JsonEditor, is_expression, is_literal, member};

use crate::Context;

impl Context<'_> {
    /// A fix described by `message`, whose edits `build` makes with a [`YamlEditor`] over the
    /// file being linted; it has the applicability the rule declares. `None` when `build`
    /// gives up (the edit cannot be made safely), makes no edit, or the rule declares no fix.
    pub fn fix(
        &self,
        message: impl Into<Cow<'static, str>>,
        build: impl FnOnce(&mut YamlEditor<'_>) -> Option<()>,
    ) -> Option<Fix> {
        let mut editor = YamlEditor::new(self.file);
        build(&mut editor)?;
        self.fix_from(message, editor.into_edits())
    }

    /// A fix described by `message`, whose edits `build` makes with a [`JsonEditor`] over the
    /// ARM template being linted; otherwise like [`Self::fix`].
    pub fn json_fix(
        &self,
        message: impl Into<Cow<'static, str>>,
        build: impl FnOnce(&mut JsonEditor<'_>) -> Option<()>,
    ) -> Option<Fix> {
        let mut editor = JsonEditor::new(self.file);
        build(&mut editor)?;
        self.fix_from(message, editor.into_edits())
    }

    fn fix_from(&self, message: impl Into<Cow<'static, str>>, edits: Vec<Edit>) -> Option<Fix> {
        let applicability = self.rule.fix;
        debug_assert!(
            applicability.is_some(),
            "{} attaches a fix but declares none (`fix: Safe` or `fix: Unsafe`)",
            self.rule.code
        );
        if edits.is_empty() {
            return None;
        }
        Some(Fix {
            applicability: applicability?,
            message: message.into(),
            edits,
        })
    }
}

/// Attaches a fix to a freshly reported diagnostic.
pub trait WithFix {
    /// Sets the fix (`None` leaves the finding without one).
    fn with_fix(&mut self, fix: Option<Fix>) -> &mut Self;
}

impl WithFix for Diagnostic {
    fn with_fix(&mut self, fix: Option<Fix>) -> &mut Self {
        self.fix = fix.map(Box::new);
        self
    }
}
