use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use akslint_text::{SourceFile, Span};
use serde::Serialize;

use crate::Fix;

/// How serious a finding is; these are SARIF's levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Should be fixed.
    Warning,
    /// Worth knowing.
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

/// The Kubernetes object (or Azure resource) a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    /// Kind (or resource type).
    pub kind: String,
    /// Name.
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// A start and end [`Position`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Range {
    /// First character.
    pub start: Position,
    /// One past the last character.
    pub end: Position,
}

/// A secondary location: where a value came from, or the first of two duplicates.
#[derive(Debug, Clone)]
pub struct Related {
    /// The file it is in.
    pub file: Arc<SourceFile>,
    /// Its range.
    pub span: Span,
    /// What it is.
    pub message: String,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule's permanent code (`K8S102`), or a policy constraint's kind.
    pub code: Cow<'static, str>,
    /// The rule's kebab-case name.
    pub name: Cow<'static, str>,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, naming the object and container.
    pub message: String,
    /// What to write instead (most rules' help is a constant: no copy per finding).
    pub help: Option<Cow<'static, str>>,
    /// The file the finding is in.
    pub file: Arc<SourceFile>,
    /// The exact range: the offending value or key, or the nearest parent of a missing field.
    pub span: Span,
    /// The object the finding is about (shared by the findings of one object).
    pub object: Option<Arc<ObjectRef>>,
    /// The Helm template that produced the document (`# Source:`).
    pub source_template: Option<String>,
    /// Where the finding is in the rendered output of a Helm chart or Kustomize directory,
    /// when [`Self::file`] and [`Self::span`] point at the template that produced it.
    pub rendered_range: Option<Range>,
    /// Secondary locations.
    pub related: Vec<Related>,
    /// The rule's documentation page.
    pub url: Option<Cow<'static, str>>,
    /// Edits that resolve the finding, when the rule knows a remedy. Boxed: a run holds tens
    /// of thousands of findings, and an inline fix made each 48 bytes larger, fix or not.
    pub fix: Option<Box<Fix>>,
}

// Every finding of a run is held, and copied when the run's findings are gathered: a field
// that makes it larger costs all of them.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Diagnostic>() <= 224);

impl Diagnostic {
    /// The 1-based range of [`Self::span`] in characters.
    #[must_use]
    pub fn range(&self) -> Range {
        range_of(&self.file, self.span)
    }

    /// The 1-based position of the start of [`Self::span`] in characters: what one-line
    /// formats print, without locating the end as [`Self::range`] does.
    #[must_use]
    pub fn start(&self) -> Position {
        position_of(&self.file, self.span.start)
    }

    /// The path of the file as given.
    #[must_use]
    pub fn path(&self) -> std::borrow::Cow<'_, str> {
        self.file.path().to_string_lossy()
    }

    /// Order for output: path, line, column, code, message.
    #[must_use]
    pub fn output_order(&self, other: &Self) -> Ordering {
        // Findings of one file share it: no need to compare the path component by component.
        let by_path = if Arc::ptr_eq(&self.file, &other.file) {
            Ordering::Equal
        } else {
            akslint_text::compare_paths(self.file.path(), other.file.path())
        };
        by_path
            .then(self.span.start.cmp(&other.span.start))
            .then_with(|| self.code.cmp(&other.code))
            .then(self.span.end.cmp(&other.span.end))
            .then_with(|| self.message.cmp(&other.message))
    }

    /// Whether two diagnostics report the same thing at the same place.
    #[must_use]
    pub fn same_finding(&self, other: &Self) -> bool {
        self.code == other.code
            && self.span == other.span
            && self.message == other.message
            && self.file.path() == other.file.path()
    }
}

/// The 1-based character range of `span` in `file`.
#[must_use]
pub fn range_of(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position_of(file, span.start),
        end: position_of(file, span.end),
    }
}

fn position_of(file: &SourceFile, offset: u32) -> Position {
    let at = file.line_index().char_position(offset, file.text());
    Position {
        line: at.line + 1,
        column: at.col + 1,
    }
}

/// The documentation page of a rule.
#[must_use]
pub fn rule_url(code: &str) -> String {
    format!("https://github.com/akslint/akslint/blob/main/rules/{code}.md")
}

/// The documentation page of the rule with the literal `code`, as a `&'static str`; the same
/// text as [`rule_url()`] (a test holds them together).
#[macro_export]
macro_rules! rule_url {
    ($code:literal) => {
        concat!(
            "https://github.com/akslint/akslint/blob/main/rules/",
            $code,
            ".md"
        )
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rule_url_macro_and_function_agree() {
        assert_eq!(super::rule_url("K8S101"), crate::rule_url!("K8S101"));
    }
}
