//! Applying fixes: pick the fixes of one pass that do not conflict, check that the result still
//! parses, and repeat lint-and-fix until nothing changes.

use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, Edit, Fix, apply_edits};
use akslint_syntax::{Limits, ParsedFile, bicep, json, yaml};
use akslint_text::SourceFile;

use crate::FileFormat;

/// Lint-and-fix rounds at most: fixes that touch the same place (two rules inserting into one
/// `securityContext`) are applied one per round, and a fix that does not resolve its finding
/// must not loop forever.
pub const MAX_PASSES: usize = 10;

/// The outcome of applying one round of fixes to one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The fixed text (without a byte-order mark).
    pub text: String,
    /// How many findings the round fixed.
    pub fixed: usize,
}

/// Applies the fixes of `diagnostics` (those of `file`, and unsafe ones only with
/// `unsafe_fixes`) that do not conflict with each other. Fixes that only replace text go first,
/// then those that insert, each group in output order: a rename (`SecurityContext` to
/// `securityContext`) must win over an insertion that would create the key anew. Fixes that
/// would leave the file with a syntax error it did not have (alone or together with the others)
/// are dropped. `None` when nothing changes.
#[must_use]
pub fn apply_fixes(
    file: &Arc<SourceFile>,
    format: FileFormat,
    diagnostics: &[Diagnostic],
    unsafe_fixes: bool,
) -> Option<Applied> {
    let text = file.text();
    let mut candidates: Vec<&Fix> = diagnostics
        .iter()
        // Only fixes built over this very text: a finding reported into another file carries
        // no fix for this one.
        .filter(|diagnostic| Arc::ptr_eq(&diagnostic.file, file))
        .filter_map(|diagnostic| diagnostic.fix.as_deref())
        .filter(|fix| fix.is_applied(unsafe_fixes))
        .collect();
    candidates.sort_by_key(|fix| fix.edits.iter().any(|edit| edit.span.is_empty()));
    let mut chosen: Vec<&Fix> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    for fix in candidates {
        if !fix.conflicts_with(&edits) {
            edits.extend(fix.edits.iter().cloned());
            chosen.push(fix);
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let check = Check {
        text,
        format,
        errors_before: syntax_errors(text, format),
    };
    let mut kept = Vec::new();
    let fixed = check.keep_valid(&mut kept, &chosen);
    changed(text, apply_edits(text, &kept), fixed)
}

/// Finds the fixes that keep the text free of new syntax errors.
struct Check<'a> {
    text: &'a str,
    format: FileFormat,
    errors_before: usize,
}

impl Check<'_> {
    /// Adds to `kept` the edits of `fixes` that parse together with it: all of them when they
    /// do (one parse in the usual case), else those of each half in turn, down to single fixes,
    /// so that a few bad fixes cost a few parses each. Returns how many fixes were kept.
    fn keep_valid(&self, kept: &mut Vec<Edit>, fixes: &[&Fix]) -> usize {
        let mut trial = kept.clone();
        trial.extend(fixes.iter().flat_map(|fix| fix.edits.iter().cloned()));
        if syntax_errors(&apply_edits(self.text, &trial), self.format) <= self.errors_before {
            *kept = trial;
            return fixes.len();
        }
        if fixes.len() <= 1 {
            return 0;
        }
        let (first, second) = fixes.split_at(fixes.len() / 2);
        self.keep_valid(kept, first) + self.keep_valid(kept, second)
    }
}

fn changed(before: &str, after: String, fixed: usize) -> Option<Applied> {
    (fixed > 0 && after != before).then_some(Applied { text: after, fixed })
}

/// Syntax errors (and duplicate keys) of `text` read as `format`.
fn syntax_errors(text: &str, format: FileFormat) -> usize {
    let limits = Limits::default();
    let parsed: ParsedFile<'_> = match format {
        FileFormat::Json => json::parse(text, &limits),
        FileFormat::Yaml => yaml::parse(text, &limits),
        FileFormat::Bicep => bicep::parse(text, &limits),
    };
    parsed.errors.len()
}

/// A file being fixed.
#[derive(Debug, Clone)]
pub struct FixTarget {
    /// The current text (the original until a round changes it).
    pub file: Arc<SourceFile>,
    /// How it is parsed.
    pub format: FileFormat,
    /// Findings fixed so far.
    pub fixed: usize,
}

impl FixTarget {
    /// A file not fixed yet.
    #[must_use]
    pub const fn new(file: Arc<SourceFile>, format: FileFormat) -> Self {
        Self {
            file,
            format,
            fixed: 0,
        }
    }

    /// Whether a round changed the file.
    #[must_use]
    pub const fn is_changed(&self) -> bool {
        self.fixed > 0
    }

    /// The text to write back, with the byte-order mark the file began with.
    #[must_use]
    pub fn output(&self) -> String {
        file_text(&self.file)
    }
}

/// The text of `file` as it is written on disk: with the byte-order mark it began with.
#[must_use]
pub fn file_text(file: &SourceFile) -> String {
    with_bom(file, file.text())
}

fn with_bom(file: &SourceFile, text: &str) -> String {
    if file.had_bom() {
        format!("\u{feff}{text}")
    } else {
        text.to_owned()
    }
}

/// Lints and fixes `targets` until no fix applies or [`MAX_PASSES`] rounds have run; returns the
/// findings of the last lint, one list per target, in the final texts.
///
/// `lint` lints every target together (so that project-wide facts come from every file) and
/// returns one list of findings per target, in the same order, suppressions applied.
pub fn fix_until_stable(
    targets: &mut [FixTarget],
    unsafe_fixes: bool,
    mut lint: impl FnMut(&[FixTarget]) -> Vec<Vec<Diagnostic>>,
) -> Vec<Vec<Diagnostic>> {
    for _ in 0..MAX_PASSES {
        let found = lint(targets);
        let mut changed = false;
        for (target, diagnostics) in targets.iter_mut().zip(&found) {
            if let Some(applied) =
                apply_fixes(&target.file, target.format, diagnostics, unsafe_fixes)
            {
                let text = with_bom(&target.file, &applied.text);
                target.file = SourceFile::new(target.file.path(), text);
                target.fixed += applied.fixed;
                changed = true;
            }
        }
        if !changed {
            return found;
        }
    }
    lint(targets)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use akslint_diagnostics::{Applicability, Severity};
    use akslint_text::Span;

    use super::*;

    fn finding(
        file: &Arc<SourceFile>,
        applicability: Applicability,
        edits: Vec<Edit>,
    ) -> Diagnostic {
        Diagnostic {
            code: Cow::Borrowed("K8S000"),
            name: Cow::Borrowed("test"),
            severity: Severity::Warning,
            message: String::new(),
            help: None,
            file: Arc::clone(file),
            span: Span::empty(0),
            object: None,
            source_template: None,
            rendered_range: None,
            related: Vec::new(),
            url: None,
            fix: Some(Box::new(Fix {
                applicability,
                message: "test".into(),
                edits,
            })),
        }
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_dropped_and_the_others_applied() {
        let file = SourceFile::new("t.yaml", "a: 1\nb: 2\nc: 3\n".to_owned());
        let found = [
            finding(
                &file,
                Applicability::Safe,
                vec![Edit::replace(Span::new(3, 4), "[")],
            ),
            finding(
                &file,
                Applicability::Safe,
                vec![Edit::replace(Span::new(8, 9), "two")],
            ),
            // A duplicate key is an error too.
            finding(
                &file,
                Applicability::Safe,
                vec![Edit::replace(Span::new(10, 11), "a")],
            ),
        ];
        let applied = apply_fixes(&file, FileFormat::Yaml, &found, false);
        assert_eq!(
            applied,
            Some(Applied {
                text: "a: 1\nb: two\nc: 3\n".to_owned(),
                fixed: 1
            })
        );
    }

    #[test]
    fn replacements_win_over_insertions_that_would_clash_with_them() {
        let file = SourceFile::new("t.yaml", "a: 1\nB: 2\n".to_owned());
        let found = [
            finding(&file, Applicability::Safe, vec![Edit::insert(10, "b: 3\n")]),
            finding(
                &file,
                Applicability::Safe,
                vec![Edit::replace(Span::new(5, 6), "b")],
            ),
        ];
        let applied = apply_fixes(&file, FileFormat::Yaml, &found, false).expect("applied");
        assert_eq!((applied.text.as_str(), applied.fixed), ("a: 1\nb: 2\n", 1));
    }

    #[test]
    fn unsafe_fixes_only_when_asked_and_conflicts_wait_for_the_next_round() {
        let file = SourceFile::new("t.yaml", "a: 1\n".to_owned());
        let found = [
            finding(
                &file,
                Applicability::Unsafe,
                vec![Edit::replace(Span::new(3, 4), "2")],
            ),
            finding(
                &file,
                Applicability::Unsafe,
                vec![Edit::replace(Span::new(3, 4), "3")],
            ),
        ];
        assert_eq!(apply_fixes(&file, FileFormat::Yaml, &found, false), None);
        let applied = apply_fixes(&file, FileFormat::Yaml, &found, true).expect("applied");
        assert_eq!((applied.text.as_str(), applied.fixed), ("a: 2\n", 1));
    }

    #[test]
    fn the_byte_order_mark_is_written_back() {
        let mut targets = [FixTarget::new(
            SourceFile::new("t.yaml", "\u{feff}a: 1\n".to_owned()),
            FileFormat::Yaml,
        )];
        let mut rounds = 0;
        let found = fix_until_stable(&mut targets, false, |targets| {
            rounds += 1;
            let file = &targets[0].file;
            let edit = Edit::replace(Span::new(3, 4), "2");
            let fix =
                (file.text() == "a: 1\n").then(|| finding(file, Applicability::Safe, vec![edit]));
            vec![fix.into_iter().collect()]
        });
        assert_eq!(rounds, 2);
        assert!(found[0].is_empty());
        assert_eq!(targets[0].output(), "\u{feff}a: 2\n");
        assert_eq!(targets[0].fixed, 1);
    }
}
