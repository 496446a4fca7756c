use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, rule_url};
use akslint_linter::rules::akl::{InputLimitExceeded, InvalidSyntax};
use akslint_linter::{FileFormat, Linter, RuleMetadata};
use akslint_text::{SourceFile, Span};
use rayon::prelude::*;

use crate::Candidate;

/// Files larger than this are reported, not parsed.
const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// The result of linting a set of files.
#[derive(Debug, Default)]
pub struct Report {
    /// Every finding, sorted by path, line, column and code.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were linted.
    pub files_checked: usize,
    /// How many bytes were read.
    pub bytes_read: u64,
    /// Files that could not be read: `(path, error)`.
    pub io_errors: Vec<(String, String)>,
}

enum Outcome {
    Linted(Vec<Diagnostic>, u64),
    Skipped,
    Unreadable(String, String),
}

/// Reads and lints the candidates in parallel.
#[must_use]
pub fn lint_candidates(candidates: &[Candidate], linter: &Linter) -> Report {
    let outcomes: Vec<Outcome> = candidates
        .par_iter()
        .map(|candidate| lint_candidate(candidate, linter))
        .collect();
    let mut report = Report::default();
    for outcome in outcomes {
        match outcome {
            Outcome::Linted(diagnostics, bytes) => {
                report.files_checked += 1;
                report.bytes_read += bytes;
                report.diagnostics.extend(diagnostics);
            }
            Outcome::Skipped => {}
            Outcome::Unreadable(path, error) => report.io_errors.push((path, error)),
        }
    }
    report.diagnostics.sort_by(Diagnostic::output_order);
    report
}

fn lint_candidate(candidate: &Candidate, linter: &Linter) -> Outcome {
    let path = &candidate.path;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        let file = SourceFile::new(path, String::new());
        let message = format!(
            "the file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit; it is not linted"
        );
        return Outcome::Linted(
            vec![engine_diagnostic(&file, true, message, Span::empty(0))],
            size,
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Outcome::Unreadable(path.display().to_string(), error.to_string());
        }
    };
    let length = bytes.len() as u64;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
            let file = SourceFile::new(path, valid);
            let message = format!("the file is not valid UTF-8 (invalid byte at offset {offset})");
            let at = Span::empty(u32::try_from(file.text().len()).unwrap_or(u32::MAX));
            return Outcome::Linted(vec![engine_diagnostic(&file, false, message, at)], length);
        }
    };
    let format = candidate.format.unwrap_or_else(|| FileFormat::sniff(&text));
    if format == FileFormat::Json && !candidate.explicit && !FileFormat::json_is_relevant(&text) {
        return Outcome::Skipped;
    }
    let file = SourceFile::new(path, text);
    Outcome::Linted(linter.lint(&file, format), length)
}

/// Lints text that does not come from a file on disk (stdin, an editor buffer).
#[must_use]
pub fn lint_text(path: &Path, text: String, linter: &Linter) -> Vec<Diagnostic> {
    let format = FileFormat::from_path(path).unwrap_or_else(|| FileFormat::sniff(&text));
    let file = SourceFile::new(path, text);
    linter.lint(&file, format)
}

fn engine_diagnostic(
    file: &Arc<SourceFile>,
    limit: bool,
    message: String,
    span: Span,
) -> Diagnostic {
    let meta = if limit {
        InputLimitExceeded.meta()
    } else {
        InvalidSyntax.meta()
    };
    Diagnostic {
        code: Cow::Borrowed(meta.code),
        name: Cow::Borrowed(meta.name),
        severity: meta.severity,
        message,
        help: None,
        file: Arc::clone(file),
        span,
        object: None,
        source_template: None,
        related: Vec::new(),
        url: Some(rule_url(meta.code)),
    }
}
