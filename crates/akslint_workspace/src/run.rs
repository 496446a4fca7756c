use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, rule_url};
use akslint_linter::project::ProjectIndex;
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
    /// Read; linted in the next steps.
    Read(Arc<SourceFile>, FileFormat, u64),
    /// Reported without parsing (too large, not UTF-8).
    Reported(Box<Diagnostic>, u64),
    Skipped,
    Unreadable(String, String),
}

/// Reads the candidates, then lints them in parallel in three steps (parse, index the
/// project-wide facts, lint), so that rules can see objects from every file of the run.
#[must_use]
pub fn lint_candidates(candidates: &[Candidate], linter: &Linter) -> Report {
    let outcomes: Vec<Outcome> = candidates.par_iter().map(read_candidate).collect();
    let mut report = Report::default();
    let mut sources = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Read(file, format, bytes) => {
                report.files_checked += 1;
                report.bytes_read += bytes;
                sources.push((file, format));
            }
            Outcome::Reported(diagnostic, bytes) => {
                report.files_checked += 1;
                report.bytes_read += bytes;
                report.diagnostics.push(*diagnostic);
            }
            Outcome::Skipped => {}
            Outcome::Unreadable(path, error) => report.io_errors.push((path, error)),
        }
    }
    let parsed: Vec<_> = sources
        .par_iter()
        .map(|(file, format)| linter.parse(file, *format))
        .collect();
    let project = parsed.par_iter().map(|source| linter.index(source)).reduce(
        ProjectIndex::default,
        |mut a, b| {
            a.merge(b);
            a
        },
    );
    let mut per_file: Vec<Vec<Diagnostic>> = parsed
        .par_iter()
        .map(|source| linter.lint_parsed(source, &project))
        .collect();
    // Project-wide findings go to the file they point into, so its suppressions apply to them.
    let file_index: HashMap<&Path, usize> = parsed
        .iter()
        .enumerate()
        .map(|(index, source)| (source.file().path(), index))
        .collect();
    for diagnostic in linter.lint_project(&project) {
        match file_index.get(diagnostic.file.path()) {
            Some(&index) => per_file[index].push(diagnostic),
            None => report.diagnostics.push(diagnostic),
        }
    }
    per_file
        .par_iter_mut()
        .zip(parsed.par_iter())
        .for_each(|(diagnostics, source)| linter.apply_suppressions(source, diagnostics));
    report.diagnostics.extend(per_file.into_iter().flatten());
    report.diagnostics.sort_by(Diagnostic::output_order);
    report
}

fn read_candidate(candidate: &Candidate) -> Outcome {
    let path = &candidate.path;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        let file = SourceFile::new(path, String::new());
        let message = format!(
            "the file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit; it is not linted"
        );
        return Outcome::Reported(
            Box::new(engine_diagnostic(&file, true, message, Span::empty(0))),
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
            return Outcome::Reported(
                Box::new(engine_diagnostic(&file, false, message, at)),
                length,
            );
        }
    };
    let format = candidate.format.unwrap_or_else(|| FileFormat::sniff(&text));
    if format == FileFormat::Json && !candidate.explicit && !FileFormat::json_is_relevant(&text) {
        return Outcome::Skipped;
    }
    Outcome::Read(SourceFile::new(path, text), format, length)
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
