//! Fixes: text edits attached to a diagnostic, and applying them to a text.
//!
//! A fix knows nothing about YAML or JSON; it is a list of byte-range replacements in the file of
//! its diagnostic. The linter builds them (and checks that the result still parses); the CLI, the
//! JSON output and the language server only read them.

use akslint_text::Span;
use serde::Serialize;

/// Whether a fix can change what the deployed workload does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change what the workload does (`--fix` applies it).
    Safe,
    /// Hardening that can break an application: dropping capabilities, a read-only root
    /// filesystem, an internal load balancer (only `--unsafe-fixes` applies it).
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Unsafe => "unsafe",
        }
    }
}

/// One replacement: the text of `span` becomes `content` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    /// The byte range replaced, in the text of the diagnostic's file (without a byte-order mark).
    pub span: Span,
    /// The new text.
    pub content: String,
}

impl Edit {
    /// Replaces the text of `span` with `content`.
    #[must_use]
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Self {
            span,
            content: content.into(),
        }
    }

    /// Inserts `content` at byte `offset`.
    #[must_use]
    pub fn insert(offset: u32, content: impl Into<String>) -> Self {
        Self::replace(Span::empty(offset), content)
    }

    /// Whether applying both edits would be ambiguous: their ranges overlap, or both start at
    /// the same place (two insertions there have no defined order). Identical edits do not
    /// conflict: applying one is applying both.
    #[must_use]
    pub fn conflicts_with(&self, other: &Self) -> bool {
        if self == other {
            return false;
        }
        let overlap = self.span.start < other.span.end && other.span.start < self.span.end;
        overlap || self.span.start == other.span.start
    }
}

/// A fix for one diagnostic: edits that belong together, all applied or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Whether `--fix` applies it, or only `--unsafe-fixes`.
    pub applicability: Applicability,
    /// What it does, e.g. "set `allowPrivilegeEscalation: false`".
    pub message: std::borrow::Cow<'static, str>,
    /// The edits, in any order; they do not conflict with each other.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// Whether the fix is applied when unsafe fixes are (`unsafe_fixes`) or are not enabled.
    #[must_use]
    pub fn is_applied(&self, unsafe_fixes: bool) -> bool {
        unsafe_fixes || self.applicability == Applicability::Safe
    }

    /// Whether any edit of this fix conflicts with any of `others`.
    #[must_use]
    pub fn conflicts_with(&self, others: &[Edit]) -> bool {
        self.edits
            .iter()
            .any(|edit| others.iter().any(|other| edit.conflicts_with(other)))
    }
}

/// Applies edits to `text`. Edits must not conflict ([`Edit::conflicts_with`]); identical edits
/// are applied once. Spans that do not fall on character boundaries inside `text` are skipped.
#[must_use]
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.span.start, edit.span.end));
    sorted.dedup();
    let mut out =
        String::with_capacity(text.len() + sorted.iter().map(|e| e.content.len()).sum::<usize>());
    let mut copied = 0usize;
    for edit in sorted {
        let (start, end) = (edit.span.start as usize, edit.span.end as usize);
        if start < copied || text.get(start..end).is_none() {
            continue;
        }
        out.push_str(&text[copied..start]);
        out.push_str(&edit.content);
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_identical_ones_once() {
        let text = "a: 1\nb: 2\n";
        let edits = [
            Edit::replace(Span::new(8, 9), "3"),
            Edit::insert(10, "c: 4\n"),
            Edit::replace(Span::new(3, 4), "0"),
            Edit::insert(10, "c: 4\n"),
        ];
        assert_eq!(apply_edits(text, &edits), "a: 0\nb: 3\nc: 4\n");
    }

    #[test]
    fn conflicts() {
        let insert = Edit::insert(4, "x");
        assert!(insert.conflicts_with(&Edit::insert(4, "y")));
        assert!(!insert.conflicts_with(&Edit::insert(4, "x")));
        assert!(insert.conflicts_with(&Edit::replace(Span::new(4, 6), "z")));
        assert!(insert.conflicts_with(&Edit::replace(Span::new(2, 6), "z")));
        // Touching ranges are independent.
        assert!(!insert.conflicts_with(&Edit::replace(Span::new(2, 4), "z")));
        assert!(
            !Edit::replace(Span::new(0, 2), "a")
                .conflicts_with(&Edit::replace(Span::new(2, 3), "b"))
        );
    }

    #[test]
    fn spans_off_character_boundaries_are_skipped() {
        assert_eq!(
            apply_edits("é", &[Edit::replace(Span::new(1, 2), "x")]),
            "é"
        );
    }
}
