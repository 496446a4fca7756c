use std::any::Any;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use akslint_diagnostics::Diagnostic;
use akslint_linter::project::ProjectIndex;
use akslint_linter::rules::akl::{InputLimitExceeded, InvalidSyntax};
use akslint_linter::{FileFormat, ParsedSource, RuleMetadata};
use akslint_text::{SourceFile, Span};
use rayon::prelude::*;

use crate::Candidate;
use crate::config::{ConfigError, Configurations, ConfiguredLinter};

/// A file read for linting, with the linter of the configuration that governs it.
pub(crate) type Source = (Arc<SourceFile>, FileFormat, Arc<ConfiguredLinter>);

/// The result of linting a set of files.
#[derive(Debug, Default)]
pub struct Report {
    /// Every finding, sorted by path, line, column and code.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were linted.
    pub files_checked: usize,
    /// How many bytes were read.
    pub bytes_read: u64,
    /// Files the user named that could not be read: `(path, error)`. (A walked file that
    /// cannot be read is a diagnostic instead.)
    pub io_errors: Vec<(String, String)>,
    /// Panics caught while linting (bugs in akslint): `(where, panic message)`. Each file it
    /// happened in also has an internal-error diagnostic; the other files are linted as usual.
    pub internal_errors: Vec<(String, String)>,
}

enum Outcome {
    /// Read; linted in the next steps.
    Read(Arc<SourceFile>, FileFormat, u64),
    /// Reported without parsing (too large, not UTF-8, not readable).
    Reported(Box<Diagnostic>, u64),
    Skipped,
    Unreadable(String, String),
}

/// Where one file stands in the steps of a run: its parsed source, or the panic that ended
/// its linting (the steps after it skip the file).
pub(crate) type Step<T> = Result<T, String>;
/// Reads the candidates, then lints them in parallel in steps (parse, index the project-wide
/// facts, index ARM templates with their parameter files, lint, project-wide rules,
/// suppressions), so that rules can see objects from every file of the run. Each file is
/// linted with the settings of the configuration that governs it.
///
/// An ARM template is evaluated once per parameter file named after it
/// (`x.parameters.json`, `x.parameters.<env>.json` beside `x.json`), or with its defaults.
///
/// A panic in any step of one file (a bug in a rule or a parser) is caught: that file gets an
/// internal-error diagnostic and an entry in [`Report::internal_errors`], and the others are
/// linted as usual. The panic message still goes to stderr through the panic hook, with the
/// place in akslint's source that a bug report needs.
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
    lint_into_report(&sources, &parameters, &mut report);
    Ok(report)
}

/// Lints read sources together and adds their findings (sorted) and internal errors to
/// `report`.
pub(crate) fn lint_into_report(
    sources: &[Source],
    parameter_files: &[Arc<SourceFile>],
    report: &mut Report,
) {
    let linted = lint_sources(sources, parameter_files);
    let found: usize = linted.per_file.iter().flatten().map(Vec::len).sum();
    report.diagnostics.reserve(found + linted.elsewhere.len());
    report.diagnostics.extend(linted.elsewhere);
    report.internal_errors.extend(linted.internal_errors);
    for (step, (file, _, _)) in linted.per_file.into_iter().zip(sources) {
        match step {
            Ok(diagnostics) => report.diagnostics.extend(diagnostics),
            Err(panic) => report.internal_error(file, panic),
        }
    }
    report.diagnostics.sort_by(Diagnostic::output_order);
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
        .map(|(candidate, configured)| read_candidate(candidate, configured))
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

/// The findings of sources linted together.
pub(crate) struct LintedSources {
    /// The findings of each source, in order (suppressions and per-path ignores applied), or
    /// the panic that ended its linting.
    pub(crate) per_file: Vec<Step<Vec<Diagnostic>>>,
    /// Project-wide findings in files that are not among the sources.
    pub(crate) elsewhere: Vec<Diagnostic>,
    /// Panics of the project-wide rules: `(where, message)`.
    pub(crate) internal_errors: Vec<(String, String)>,
}

/// Lints read sources together. ARM templates are evaluated with each of `parameter_files`,
/// or with the parameter files named after them when there are none.
pub(crate) fn lint_sources(
    sources: &[Source],
    parameter_files: &[Arc<SourceFile>],
) -> LintedSources {
    // Each file is indexed right after it is parsed, while its tree is still in the cache.
    let (mut parsed, indexes): (Vec<Step<ParsedSource<'_>>>, Vec<Step<ProjectIndex>>) = sources
        .par_iter()
        .map(|(file, format, configured)| {
            let parsed = file_step(file, "parse", || configured.linter.parse(file, *format));
            let index = match &parsed {
                Ok(source) => file_step(file, "index", || configured.linter.index(source)),
                Err(_) => Ok(ProjectIndex::default()),
            };
            (parsed, index)
        })
        .unzip();
    let mut project = merge(&mut parsed, indexes);
    project.explicit_parameter_files = parameter_files.to_vec();
    // ARM templates are evaluated once the parameter files of the run are known.
    let templates = index_templates(&mut parsed, sources, &project);
    project.merge(templates);
    // Policies read every tree after the lint step; otherwise each is freed once its file is
    // linted.
    let keep_trees = sources.iter().any(|(_, _, c)| c.policies.is_some());
    let mut per_file: Vec<Step<Vec<Diagnostic>>> = parsed
        .par_iter_mut()
        .zip(sources.par_iter())
        .map(|(source, (file, _, configured))| {
            let source = source.as_mut().map_err(|panic| panic.clone())?;
            file_step(file, "lint", || {
                let diagnostics = configured.linter.lint_parsed(source, &project);
                if !keep_trees {
                    source.release_tree();
                }
                diagnostics
            })
        })
        .collect();
    let mut elsewhere = Vec::new();
    let mut internal_errors = Vec::new();
    route_project_findings(
        sources,
        &project,
        &mut per_file,
        &mut elsewhere,
        &mut internal_errors,
    );
    crate::policy::route_policy_findings(
        sources,
        &parsed,
        &mut per_file,
        &mut elsewhere,
        &mut internal_errors,
    );
    per_file
        .par_iter_mut()
        .zip(parsed.par_iter_mut().zip(sources.par_iter()))
        .for_each(|(step, (source, (file, _, configured)))| {
            let (Ok(diagnostics), Ok(source)) = (&mut *step, source) else {
                return;
            };
            let suppressed = file_step(file, "suppress", || {
                configured.linter.apply_suppressions(source, diagnostics);
                diagnostics.retain(|d| !configured.ignores(file.path(), &d.code));
            });
            if let Err(panic) = suppressed {
                *step = Err(panic);
            }
        });
    // Freed by every thread: one thread freeing all the trees is a serial step at the end of a
    // large run.
    parsed.into_par_iter().for_each(drop);
    LintedSources {
        per_file,
        elsewhere,
        internal_errors,
    }
}

/// Evaluates the ARM templates among the parsed sources with the parameter files `project`
/// knows, and merges their facts.
fn index_templates(
    parsed: &mut [Step<ParsedSource<'_>>],
    sources: &[Source],
    project: &ProjectIndex,
) -> ProjectIndex {
    let indexes: Vec<Step<ProjectIndex>> = parsed
        .par_iter_mut()
        .zip(sources.par_iter())
        .map(|(source, (file, _, configured))| match source {
            Ok(source) => file_step(file, "index", || {
                configured.linter.index_templates(source, project)
            }),
            Err(_) => Ok(ProjectIndex::default()),
        })
        .collect();
    merge(parsed, indexes)
}

/// Merges the facts of every source; a source whose indexing panicked is marked failed, so the
/// later steps skip it.
fn merge(parsed: &mut [Step<ParsedSource<'_>>], indexes: Vec<Step<ProjectIndex>>) -> ProjectIndex {
    let mut merged = Vec::with_capacity(indexes.len());
    for (source, result) in parsed.iter_mut().zip(indexes) {
        match result {
            Ok(facts) => merged.push(facts),
            Err(panic) => *source = Err(panic),
        }
    }
    ProjectIndex::merge_all(merged)
}

impl Report {
    /// Records a panic caught while linting `file`, and reports it in that file.
    pub(crate) fn internal_error(&mut self, file: &Arc<SourceFile>, panic: String) {
        self.diagnostics
            .push(internal_error_diagnostic(file, &panic));
        self.internal_errors
            .push((file.path().display().to_string(), panic));
    }
}

/// The diagnostic that tells the user akslint failed on `file` and asks for a bug report.
pub(crate) fn internal_error_diagnostic(file: &Arc<SourceFile>, panic: &str) -> Diagnostic {
    let message = format!(
        "internal error in akslint while linting this file: {panic}; please report it at {}/issues",
        env!("CARGO_PKG_REPOSITORY")
    );
    engine_diagnostic(file, Engine::InvalidInput, message, Span::empty(0))
}

/// Runs one step of linting, turning a panic into its message so that the run can go on.
///
/// Unwind safety is asserted: a step only reads shared state (the settings, the project
/// index) and writes values that are thrown away when it panics.
pub(crate) fn guarded<T>(step: impl FnOnce() -> T) -> Step<T> {
    catch_unwind(AssertUnwindSafe(step)).map_err(|payload| panic_message(payload.as_ref()))
}

/// [`guarded`] for one step of one file; the unit tests make a marked file panic in it.
fn file_step<T>(file: &SourceFile, step: &'static str, run: impl FnOnce() -> T) -> Step<T> {
    guarded(|| {
        #[cfg(test)]
        tests::inject_panic(file, step);
        #[cfg(not(test))]
        let _ = (file, step);
        run()
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Runs the project-wide rules once per configuration and gives each finding to the file it
/// points into, when that file is governed by the same configuration.
fn route_project_findings(
    sources: &[Source],
    project: &ProjectIndex,
    per_file: &mut [Step<Vec<Diagnostic>>],
    elsewhere: &mut Vec<Diagnostic>,
    internal_errors: &mut Vec<(String, String)>,
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
        let diagnostics = match guarded(|| configured.linter.lint_project(project)) {
            Ok(diagnostics) => diagnostics,
            Err(panic) => {
                // No file to blame: the project-wide findings of this configuration are lost.
                let place = configured.config.as_ref().map_or_else(
                    || "the project-wide rules".to_owned(),
                    |c| format!("the project-wide rules of {}", c.path.display()),
                );
                internal_errors.push((place, panic));
                continue;
            }
        };
        for diagnostic in diagnostics {
            match file_index.get(diagnostic.file.path()) {
                Some(&index) if Arc::ptr_eq(&sources[index].2, configured) => {
                    if let Ok(found) = &mut per_file[index] {
                        found.push(diagnostic);
                    }
                }
                Some(_) => {}
                None => elsewhere.push(diagnostic),
            }
        }
    }
}
fn read_candidate(candidate: &Candidate, configured: &ConfiguredLinter) -> Outcome {
    let path = &candidate.path;
    let report = |engine, message: String| {
        let file = SourceFile::new(path, String::new());
        Outcome::Reported(
            Box::new(engine_diagnostic(&file, engine, message, Span::empty(0))),
            0,
        )
    };
    if let Some(problem) = &candidate.problem {
        return report(Engine::InvalidInput, problem.clone());
    }
    let limit = configured.linter.settings().limits.max_file_bytes;
    // Checked again here, just before opening: the file may have been replaced by a FIFO since
    // it was discovered, and opening a FIFO blocks.
    let size = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => meta.len(),
        Ok(_) => {
            return report(
                Engine::InvalidInput,
                "not a regular file: it is not read".into(),
            );
        }
        Err(error) if candidate.explicit => {
            return Outcome::Unreadable(path.display().to_string(), error.to_string());
        }
        Err(error) => return report(Engine::InvalidInput, format!("cannot read: {error}")),
    };
    if size > limit {
        return report(Engine::LimitExceeded, too_large(Some(size), limit));
    }
    let read = |file| read_at_most(file, limit, size);
    let bytes = match std::fs::File::open(path).and_then(read) {
        Ok(Some(bytes)) => bytes,
        // It grew past the limit since its size was read.
        Ok(None) => return report(Engine::LimitExceeded, too_large(None, limit)),
        Err(error) if candidate.explicit => {
            return Outcome::Unreadable(path.display().to_string(), error.to_string());
        }
        Err(error) => return report(Engine::InvalidInput, format!("cannot read: {error}")),
    };
    let length = bytes.len() as u64;
    let text = match decode(path, bytes) {
        Ok(text) => text,
        Err(diagnostic) => return Outcome::Reported(diagnostic, length),
    };
    let format = candidate.format.unwrap_or_else(|| FileFormat::sniff(&text));
    if format == FileFormat::Json && !candidate.explicit && !FileFormat::json_is_relevant(&text) {
        return Outcome::Skipped;
    }
    Outcome::Read(SourceFile::new(path, text), format, length)
}

/// Reads everything, or `None` when there is more than `limit` bytes: memory stays bounded
/// whatever the size the file system reported. `expected` (the reported size) sizes the
/// buffer, so that a file that did not change is read without growing it.
fn read_at_most(reader: impl Read, limit: u64, expected: u64) -> std::io::Result<Option<Vec<u8>>> {
    let capacity = usize::try_from(expected.min(limit).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// The message for an input over the size limit, with its size when it is known.
fn too_large(size: Option<u64>, limit: u64) -> String {
    let what = size.map_or_else(
        || "the input is larger than".to_owned(),
        |size| format!("the file is {size} bytes, over"),
    );
    format!("{what} the {limit}-byte limit (`[limits] max-file-bytes`); it is not linted")
}

/// The text of `bytes`, or the diagnostic for the first byte that is not UTF-8.
fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
        let file = SourceFile::new(path, valid);
        let message = format!("the file is not valid UTF-8 (invalid byte at offset {offset})");
        let at = Span::empty(u32::try_from(file.text().len()).unwrap_or(u32::MAX));
        Box::new(engine_diagnostic(&file, Engine::InvalidInput, message, at))
    })
}

/// Lints what `reader` yields (stdin), shown as `path` and with the configuration that
/// governs `path`; the same size limit, UTF-8 check and panic isolation as for files. ARM
/// templates are evaluated with each of `parameter_files`.
///
/// # Errors
/// When that configuration is invalid.
pub fn lint_reader(
    path: &Path,
    reader: impl Read,
    configurations: &Configurations,
    parameter_files: &[Arc<SourceFile>],
) -> Result<Report, ConfigError> {
    let configured = configurations.for_path(path)?;
    let limit = configured.linter.settings().limits.max_file_bytes;
    let mut report = Report::default();
    let bytes = match read_at_most(reader, limit, 0) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            let file = SourceFile::new(path, String::new());
            report.diagnostics.push(engine_diagnostic(
                &file,
                Engine::LimitExceeded,
                too_large(None, limit),
                Span::empty(0),
            ));
            report.files_checked = 1;
            return Ok(report);
        }
        Err(error) => {
            report
                .io_errors
                .push((path.display().to_string(), error.to_string()));
            return Ok(report);
        }
    };
    report.files_checked = 1;
    report.bytes_read = bytes.len() as u64;
    match decode(path, bytes) {
        Ok(text) => {
            let file = SourceFile::new(path, text);
            match lint_file(&file, &configured, parameter_files) {
                Ok(mut diagnostics) => {
                    // Project-wide and policy findings come after the file's own.
                    diagnostics.sort_by(Diagnostic::output_order);
                    report.diagnostics = diagnostics;
                }
                Err(panic) => report.internal_error(&file, panic),
            }
        }
        Err(diagnostic) => report.diagnostics.push(*diagnostic),
    }
    Ok(report)
}

/// Lints text that does not come from a file on disk (an editor buffer), with the
/// configuration that governs `path`. A panic while linting becomes an internal-error
/// diagnostic.
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
    let file = SourceFile::new(path, text);
    Ok(match lint_file(&file, &configured, parameter_files) {
        Ok(diagnostics) => diagnostics,
        Err(panic) => {
            let mut report = Report::default();
            report.internal_error(&file, panic);
            report.diagnostics
        }
    })
}

/// Lints one source on its own, with its format from its name or its content. With policies,
/// it goes through the steps of a run (the policy step among them); their problems come back
/// with the findings.
pub(crate) fn lint_file(
    file: &Arc<SourceFile>,
    configured: &Arc<ConfiguredLinter>,
    parameter_files: &[Arc<SourceFile>],
) -> Step<Vec<Diagnostic>> {
    let format =
        FileFormat::from_path(file.path()).unwrap_or_else(|| FileFormat::sniff(file.text()));
    if configured.policies.is_some() {
        let sources = [(Arc::clone(file), format, Arc::clone(configured))];
        let linted = lint_sources(&sources, parameter_files);
        if let Some((_, panic)) = linted.internal_errors.into_iter().next() {
            return Err(panic);
        }
        let mut diagnostics = linted
            .per_file
            .into_iter()
            .next()
            .unwrap_or(Ok(Vec::new()))?;
        diagnostics.extend(linted.elsewhere);
        return Ok(diagnostics);
    }
    file_step(file, "lint", || {
        let mut diagnostics = configured
            .linter
            .lint_with_parameters(file, format, parameter_files);
        diagnostics.retain(|d| !configured.ignores(file.path(), &d.code));
        diagnostics
    })
}

/// The engine's own findings about an input.
#[derive(Clone, Copy)]
pub(crate) enum Engine {
    /// `AKL001`: the input cannot be read or parsed (or akslint failed on it).
    InvalidInput,
    /// `AKL004`: the input goes over a limit.
    LimitExceeded,
}

/// An `AKL001` (invalid input) diagnostic: the input cannot be read, parsed or rendered.
pub(crate) fn invalid_input_diagnostic(
    file: &Arc<SourceFile>,
    message: String,
    span: Span,
) -> Diagnostic {
    engine_diagnostic(file, Engine::InvalidInput, message, span)
}

pub(crate) fn engine_diagnostic(
    file: &Arc<SourceFile>,
    engine: Engine,
    message: String,
    span: Span,
) -> Diagnostic {
    let meta = match engine {
        Engine::InvalidInput => InvalidSyntax.meta(),
        Engine::LimitExceeded => InputLimitExceeded.meta(),
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
        rendered_range: None,
        related: Vec::new(),
        url: Some(Cow::Borrowed(meta.url)),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    /// A file that asks for it panics in one step, standing for a bug in a rule or a parser.
    pub(super) fn inject_panic(file: &SourceFile, step: &str) {
        if file.text().contains(&format!("# test: panic in {step}\n")) {
            panic!("injected panic in {step}");
        }
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  hostNetwork: true\n  containers: [{name: app, image: app}]\n";
    const STEPS: [&str; 4] = ["parse", "index", "lint", "suppress"];

    fn configurations() -> Configurations {
        Configurations::new(None, Overrides::default()).expect("default settings")
    }

    fn codes_in(report: &Report, name: &str) -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.file.path().ends_with(name))
            .map(|d| d.code.to_string())
            .collect()
    }

    fn assert_internal_error(report: &Report, name: &str, step: &str) {
        assert_eq!(codes_in(report, name), ["AKL001"], "{name}");
        let diagnostic = report
            .diagnostics
            .iter()
            .find(|d| d.file.path().ends_with(name))
            .expect("reported");
        let expected = format!(
            "internal error in akslint while linting this file: injected panic in {step}; please report it at "
        );
        assert!(
            diagnostic.message.starts_with(&expected),
            "{}",
            diagnostic.message
        );
    }

    #[test]
    fn a_panic_in_any_step_is_reported_in_its_file_and_the_others_are_linted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut candidates = Vec::new();
        for (name, text) in std::iter::once(("fine".to_owned(), POD.to_owned()))
            .chain(STEPS.map(|step| (step.to_owned(), format!("# test: panic in {step}\n{POD}"))))
        {
            let path = dir.path().join(format!("{name}.yaml"));
            std::fs::write(&path, text).expect("write");
            candidates.push(Candidate {
                path,
                format: Some(FileFormat::Yaml),
                explicit: true,
                problem: None,
            });
        }
        let report = lint_candidates(&candidates, &configurations()).expect("lints");
        assert!(codes_in(&report, "fine.yaml").contains(&"K8S107".to_owned()));
        assert_eq!(
            report.internal_errors.len(),
            STEPS.len(),
            "{:?}",
            report.internal_errors
        );
        for step in STEPS {
            assert_internal_error(&report, &format!("{step}.yaml"), step);
        }
    }

    #[test]
    fn a_panic_while_linting_stdin_is_an_internal_error_too() {
        let text = format!("# test: panic in lint\n{POD}");
        let report =
            lint_reader(Path::new("-"), text.as_bytes(), &configurations(), &[]).expect("lints");
        assert_eq!(report.internal_errors.len(), 1);
        assert_internal_error(&report, "-", "lint");
    }

    #[test]
    fn stdin_is_read_up_to_the_size_limit_and_checked_for_utf8() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("akslint.toml"),
            "[limits]\nmax-file-bytes = 100\n",
        )
        .expect("write");
        let path = dir.path().join("stdin.yaml");
        let configurations = configurations();
        // An endless reader: only the limit ends the read.
        let report =
            lint_reader(&path, std::io::repeat(b'a'), &configurations, &[]).expect("lints");
        assert_eq!(codes_in(&report, "stdin.yaml"), ["AKL004"]);
        assert!(report.diagnostics[0].message.contains("100-byte limit"));
        let report =
            lint_reader(&path, &b"kind: Pod\nx: \xff\n"[..], &configurations, &[]).expect("lints");
        assert_eq!(codes_in(&report, "stdin.yaml"), ["AKL001"]);
        assert!(report.diagnostics[0].message.contains("offset 13"));
    }

    #[test]
    fn walked_problems_and_files_over_the_configured_size_are_diagnostics_not_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("akslint.toml"),
            "[limits]\nmax-file-bytes = 10\n",
        )
        .expect("write");
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, POD).expect("write");
        let candidates = [
            Candidate {
                path: big,
                format: Some(FileFormat::Yaml),
                explicit: false,
                problem: None,
            },
            Candidate {
                path: dir.path().join("gone.yaml"),
                format: Some(FileFormat::Yaml),
                explicit: false,
                problem: None,
            },
            Candidate {
                path: dir.path().join("link.yaml"),
                format: Some(FileFormat::Yaml),
                explicit: false,
                problem: Some("cannot follow this symlink".to_owned()),
            },
        ];
        let report = lint_candidates(&candidates, &configurations()).expect("lints");
        assert!(report.io_errors.is_empty(), "{:?}", report.io_errors);
        assert_eq!(codes_in(&report, "big.yaml"), ["AKL004"]);
        assert_eq!(codes_in(&report, "gone.yaml"), ["AKL001"]);
        assert_eq!(codes_in(&report, "link.yaml"), ["AKL001"]);
        // Named by the user, a file that cannot be read is an I/O error (exit 2).
        let named = [Candidate {
            path: dir.path().join("gone.yaml"),
            format: Some(FileFormat::Yaml),
            explicit: true,
            problem: None,
        }];
        let report = lint_candidates(&named, &configurations()).expect("lints");
        assert_eq!(report.io_errors.len(), 1);
    }
}
