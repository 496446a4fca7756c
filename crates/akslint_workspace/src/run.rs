use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, rule_url};
use akslint_linter::project::ProjectIndex;
use akslint_linter::rules::akl::{InputLimitExceeded, InvalidSyntax};
use akslint_linter::{FileFormat, RuleMetadata};
use akslint_text::{SourceFile, Span};
use rayon::prelude::*;

use crate::Candidate;
use crate::config::{ConfigError, Configurations, ConfiguredLinter};

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

/// A file read for linting, with the linter of the configuration that governs it.
pub(crate) type Source = (Arc<SourceFile>, FileFormat, Arc<ConfiguredLinter>);

/// Reads the candidates, then lints them in parallel in steps (parse, index the project-wide
/// facts, index ARM templates with their parameter files, lint, project-wide rules,
/// suppressions), so that rules can see objects from every file of the run. Each file is
/// linted with the settings of the configuration that governs it.
///
/// An ARM template is evaluated once per parameter file named after it
/// (`x.parameters.json`, `x.parameters.<env>.json` beside `x.json`), or with its defaults.
///
/// # Errors
/// When a configuration file that governs some candidate is invalid.
pub fn lint_candidates(
    candidates: &[Candidate],
    configurations: &Configurations,
) -> Result<Report, ConfigError> {
    lint_candidates_with_parameters(candidates, configurations, &[])
}

/// Like [`lint_candidates`], evaluating every ARM template of the run once with each of
/// `parameter_files` (`--parameters`) instead of the parameter files named after it. A
/// parameter file that cannot be read is reported in [`Report::io_errors`].
///
/// # Errors
/// When a configuration file that governs some candidate is invalid.
pub fn lint_candidates_with_parameters(
    candidates: &[Candidate],
    configurations: &Configurations,
    parameter_files: &[std::path::PathBuf],
) -> Result<Report, ConfigError> {
    let (sources, mut report) = read_candidates(candidates, configurations)?;
    let parameters = read_parameter_files(parameter_files, &mut report);
    let (per_file, elsewhere) = lint_sources(&sources, &parameters);
    report.diagnostics.extend(elsewhere);
    report.diagnostics.extend(per_file.into_iter().flatten());
    report.diagnostics.sort_by(Diagnostic::output_order);
    Ok(report)
}

/// Reads the candidates that their configuration does not exclude: the sources to lint, and a
/// report of what was read (files that cannot be linted are reported there already).
pub(crate) fn read_candidates(
    candidates: &[Candidate],
    configurations: &Configurations,
) -> Result<(Vec<Source>, Report), ConfigError> {
    let mut governed = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let configured = configurations.for_path(&candidate.path)?;
        if !candidate.explicit && configured.excludes(&candidate.path) {
            continue;
        }
        governed.push((candidate, configured));
    }
    let outcomes: Vec<Outcome> = governed
        .par_iter()
        .map(|(candidate, _)| read_candidate(candidate))
        .collect();
    let mut report = Report::default();
    let mut sources = Vec::new();
    for (outcome, (_, configured)) in outcomes.into_iter().zip(&governed) {
        match outcome {
            Outcome::Read(file, format, bytes) => {
                report.files_checked += 1;
                report.bytes_read += bytes;
                sources.push((file, format, Arc::clone(configured)));
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
    Ok((sources, report))
}

/// Reads `--parameters` files; those that cannot be read go to the report's I/O errors.
pub(crate) fn read_parameter_files(
    paths: &[std::path::PathBuf],
    report: &mut Report,
) -> Vec<Arc<SourceFile>> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(text) => files.push(SourceFile::new(path, text)),
            Err(error) => report
                .io_errors
                .push((path.display().to_string(), error.to_string())),
        }
    }
    files
}

/// Lints read sources together: the findings of each source (in order, suppressions and
/// per-path ignores applied), and project-wide findings in files that are not among them.
/// ARM templates are evaluated with each of `parameter_files`, or with the parameter files
/// named after them when there are none.
pub(crate) fn lint_sources(
    sources: &[Source],
    parameter_files: &[Arc<SourceFile>],
) -> (Vec<Vec<Diagnostic>>, Vec<Diagnostic>) {
    let parsed: Vec<_> = sources
        .par_iter()
        .map(|(file, format, configured)| configured.linter.parse(file, *format))
        .collect();
    let mut project = parsed
        .par_iter()
        .zip(sources.par_iter())
        .map(|(source, (_, _, configured))| configured.linter.index(source))
        .reduce(ProjectIndex::default, |mut a, b| {
            a.merge(b);
            a
        });
    project.explicit_parameter_files = parameter_files.to_vec();
    // ARM templates are evaluated once the parameter files of the run are known.
    let templates = parsed
        .par_iter()
        .zip(sources.par_iter())
        .map(|(source, (_, _, configured))| configured.linter.index_templates(source, &project))
        .reduce(ProjectIndex::default, |mut a, b| {
            a.merge(b);
            a
        });
    project.merge(templates);
    let mut per_file: Vec<Vec<Diagnostic>> = parsed
        .par_iter()
        .zip(sources.par_iter())
        .map(|(source, (_, _, configured))| configured.linter.lint_parsed(source, &project))
        .collect();
    let mut elsewhere = Vec::new();
    route_project_findings(sources, &project, &mut per_file, &mut elsewhere);
    per_file
        .par_iter_mut()
        .zip(parsed.par_iter().zip(sources.par_iter()))
        .for_each(|(diagnostics, (source, (file, _, configured)))| {
            configured.linter.apply_suppressions(source, diagnostics);
            diagnostics.retain(|d| !configured.ignores(file.path(), &d.code));
        });
    (per_file, elsewhere)
}

/// Runs the project-wide rules once per configuration and gives each finding to the file it
/// points into, when that file is governed by the same configuration.
fn route_project_findings(
    sources: &[Source],
    project: &ProjectIndex,
    per_file: &mut [Vec<Diagnostic>],
    elsewhere: &mut Vec<Diagnostic>,
) {
    let file_index: HashMap<&Path, usize> = sources
        .iter()
        .enumerate()
        .map(|(index, (file, _, _))| (file.path(), index))
        .collect();
    let mut linters: Vec<&Arc<ConfiguredLinter>> = Vec::new();
    for (_, _, configured) in sources {
        if !linters.iter().any(|l| Arc::ptr_eq(l, configured)) {
            linters.push(configured);
        }
    }
    for configured in linters {
        for diagnostic in configured.linter.lint_project(project) {
            match file_index.get(diagnostic.file.path()) {
                Some(&index) if Arc::ptr_eq(&sources[index].2, configured) => {
                    per_file[index].push(diagnostic);
                }
                Some(_) => {}
                None => elsewhere.push(diagnostic),
            }
        }
    }
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

/// Lints text that does not come from a file on disk (stdin, an editor buffer), with the
/// configuration that governs `path`.
///
/// # Errors
/// When that configuration is invalid.
pub fn lint_text(
    path: &Path,
    text: String,
    configurations: &Configurations,
) -> Result<Vec<Diagnostic>, ConfigError> {
    lint_text_with_parameters(path, text, configurations, &[])
}

/// Like [`lint_text`], evaluating an ARM template once with each of `parameter_files`.
///
/// # Errors
/// When the configuration is invalid.
pub fn lint_text_with_parameters(
    path: &Path,
    text: String,
    configurations: &Configurations,
    parameter_files: &[Arc<SourceFile>],
) -> Result<Vec<Diagnostic>, ConfigError> {
    let configured = configurations.for_path(path)?;
    let format = FileFormat::from_path(path).unwrap_or_else(|| FileFormat::sniff(&text));
    let file = SourceFile::new(path, text);
    let mut diagnostics = configured
        .linter
        .lint_with_parameters(&file, format, parameter_files);
    diagnostics.retain(|d| !configured.ignores(path, &d.code));
    Ok(diagnostics)
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
        fix: None,
    }
}
