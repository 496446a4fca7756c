//! Fixing files: lint the whole run, apply the fixes, lint again, until nothing changes (see
//! [`akslint_linter::fix`]); then the fixed texts can be written back or shown as diffs.
//!
//! Every round lints every file together, as [`lint_candidates`](crate::lint_candidates)
//! does, so that findings that depend on other files (a ServiceAccount defined elsewhere) are
//! the same as in a plain check.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use akslint_diagnostics::Diagnostic;
use akslint_linter::FileFormat;
use akslint_linter::fix::{FixTarget, file_text, fix_until_stable};
use akslint_text::SourceFile;

use crate::Candidate;
use crate::config::{ConfigError, Configurations};
use crate::run::{
    Report, Source, internal_error_diagnostic, lint_file, lint_sources, read_candidates,
};

/// Drops the findings of one file that are neither to be fixed nor reported (those a baseline
/// records, for instance).
pub type FindingFilter<'f> = dyn Fn(&mut Vec<Diagnostic>) + Sync + 'f;

/// Which fixes to apply, and which findings to leave alone.
#[derive(Clone, Copy, Default)]
pub struct FixOptions<'a> {
    /// Apply unsafe fixes too, not only safe ones.
    pub unsafe_fixes: bool,
    /// Findings it drops are not fixed, nor reported.
    pub filter: Option<&'a FindingFilter<'a>>,
}

/// A file that fixing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    /// The path as given or found.
    pub path: PathBuf,
    /// The text as it was read (with its byte-order mark, if any).
    pub original: String,
    /// The fixed text (with the same byte-order mark).
    pub fixed: String,
    /// How many findings the fixes resolved.
    pub fixes: usize,
}

impl FixedFile {
    /// Writes the fixed text over the file.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&self) -> std::io::Result<()> {
        std::fs::write(&self.path, &self.fixed)
    }
}

/// The result of fixing a run.
#[derive(Debug, Default)]
pub struct FixReport {
    /// The findings left in the fixed texts, and what was read.
    pub report: Report,
    /// The files whose text changed, in path order.
    pub files: Vec<FixedFile>,
}

impl FixReport {
    /// How many findings the fixes resolved, over every file.
    #[must_use]
    pub fn fixes(&self) -> usize {
        self.files.iter().map(|file| file.fixes).sum()
    }
}

/// Reads and fixes the candidates (nothing is written: see [`FixedFile::write`]).
///
/// # Errors
/// When a configuration file that governs some candidate is invalid.
pub fn fix_candidates(
    candidates: &[Candidate],
    configurations: &Configurations,
    options: FixOptions<'_>,
) -> Result<FixReport, ConfigError> {
    let (sources, mut report) = read_candidates(candidates, configurations)?;
    let originals: Vec<String> = sources.iter().map(|(file, _, _)| file_text(file)).collect();
    let mut targets: Vec<FixTarget> = sources
        .iter()
        .map(|(file, format, _)| FixTarget::new(Arc::clone(file), *format))
        .collect();
    let mut elsewhere = Vec::new();
    let found = fix_until_stable(&mut targets, options.unsafe_fixes, |targets| {
        let current: Vec<Source> = targets
            .iter()
            .zip(&sources)
            .map(|(target, (_, _, configured))| {
                (
                    Arc::clone(&target.file),
                    target.format,
                    Arc::clone(configured),
                )
            })
            .collect();
        let linted = lint_sources(&current, &[]);
        // A file whose linting panicked keeps its internal-error diagnostic and gets no fix.
        let mut per_file: Vec<Vec<Diagnostic>> = linted
            .per_file
            .into_iter()
            .zip(&current)
            .map(|(step, (file, _, _))| {
                step.unwrap_or_else(|panic| vec![internal_error_diagnostic(file, &panic)])
            })
            .collect();
        let outside = linted.elsewhere;
        if let Some(filter) = options.filter {
            per_file.iter_mut().for_each(filter);
        }
        elsewhere = outside;
        per_file
    });
    report.diagnostics.extend(elsewhere);
    report.diagnostics.extend(found.into_iter().flatten());
    report.diagnostics.sort_by(Diagnostic::output_order);
    let files = targets
        .into_iter()
        .zip(originals)
        .filter(|(target, _)| target.is_changed())
        .map(|(target, original)| fixed_file(&target, original))
        .collect();
    Ok(FixReport { report, files })
}

/// Fixes text that does not come from a file on disk (stdin), with the configuration that
/// governs `path`: the fixed file (unchanged when nothing applied) and the findings left.
///
/// # Errors
/// When that configuration is invalid.
pub fn fix_text(
    path: &Path,
    text: String,
    configurations: &Configurations,
    options: FixOptions<'_>,
) -> Result<(FixedFile, Vec<Diagnostic>), ConfigError> {
    let configured = configurations.for_path(path)?;
    let format = FileFormat::from_path(path).unwrap_or_else(|| FileFormat::sniff(&text));
    let file = SourceFile::new(path, text);
    let original = file_text(&file);
    let mut targets = [FixTarget::new(file, format)];
    let mut found = fix_until_stable(&mut targets, options.unsafe_fixes, |targets| {
        // The same steps as linting stdin, policies included.
        let file = &targets[0].file;
        let mut diagnostics = lint_file(file, &configured, &[])
            .unwrap_or_else(|panic| vec![internal_error_diagnostic(file, &panic)]);
        if let Some(filter) = options.filter {
            filter(&mut diagnostics);
        }
        vec![diagnostics]
    });
    let [target] = targets;
    Ok((
        fixed_file(&target, original),
        found.pop().unwrap_or_default(),
    ))
}

fn fixed_file(target: &FixTarget, original: String) -> FixedFile {
    FixedFile {
        path: target.file.path().to_path_buf(),
        original,
        fixed: target.output(),
        fixes: target.fixed,
    }
}
