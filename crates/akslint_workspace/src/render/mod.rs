//! Helm charts and Kustomize directories: rendered with the real tools (`helm template`,
//! `kubectl kustomize`), linted with the other files of the run, and their findings pointed
//! back at the template files: on the line of the offending key when the template writes that
//! key exactly once, else on the template's first line.
//!
//! A directory that cannot be rendered (the tool is missing, fails or hangs) is never a clean
//! result: it gets an `AKL001` finding on its `Chart.yaml` or `kustomization.yaml` with the
//! tool's message.

mod attribute;
mod buffer;
mod kustomize;
mod roots;
mod tool;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use akslint_diagnostics::Diagnostic;
use akslint_linter::FileFormat;
use akslint_text::SourceFile;
use rayon::prelude::*;

pub use buffer::TemplateBuffers;
pub use roots::{
    CHART_FILE_NAME, KUSTOMIZATION_FILE_NAMES, RenderKind, RenderRoot, chart_of_template,
    split_rendered,
};

use self::attribute::{Rendered, Templates, attribute, first_line_span};
use self::tool::ToolError;
use crate::Candidate;
use crate::config::{ConfigError, Configurations, ConfiguredLinter};
use crate::run::{
    Report, invalid_input_diagnostic, lint_into_report, read_candidates, read_parameter_files,
};

/// How charts are rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Values files given to every chart (`helm template -f`), after the configured ones.
    pub helm_values: Vec<PathBuf>,
    /// Assignments given to every chart (`helm template --set`), after the configured ones.
    pub helm_set: Vec<String>,
    /// How long a tool may run before it is stopped and the directory reported as not
    /// rendered.
    pub timeout: Duration,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            helm_values: Vec::new(),
            helm_set: Vec::new(),
            timeout: Duration::from_secs(120),
        }
    }
}

/// Lints `plain` files as they are and `roots` once rendered, all together (so that rules
/// see objects across files, as in [`lint_candidates`](crate::lint_candidates)). Findings in
/// rendered output point at the template files, with the rendered position kept in
/// [`Diagnostic::rendered_range`]; they carry no fixes. See [`split_rendered`] for the split.
///
/// # Errors
/// When a configuration file that governs some candidate or root is invalid.
pub fn lint_rendering(
    plain: &[Candidate],
    roots: &[RenderRoot],
    configurations: &Configurations,
    parameter_files: &[PathBuf],
    options: &RenderOptions,
) -> Result<Report, ConfigError> {
    let (mut sources, mut report) = read_candidates(plain, configurations)?;
    let parameters = read_parameter_files(parameter_files, &mut report);
    let governed = roots
        .iter()
        .map(|root| Ok((root, configurations.for_path(&root.manifest)?)))
        .collect::<Result<Vec<_>, ConfigError>>()?;
    let outputs: Vec<Result<String, String>> = governed
        .par_iter()
        .map(|(root, configured)| render(root, None, configured, options))
        .collect();
    let mut templates = Templates::new();
    let mut rendered: HashMap<PathBuf, (Rendered, Arc<ConfiguredLinter>)> = HashMap::new();
    for ((root, configured), output) in governed.into_iter().zip(outputs) {
        report.files_checked += 1;
        match output {
            Ok(text) => {
                let path = root.dir.join(rendered_file_name(root.kind));
                report.bytes_read += text.len() as u64;
                let index = Rendered::new((*root).clone(), &text);
                rendered.insert(path.clone(), (index, Arc::clone(&configured)));
                sources.push((SourceFile::new(path, text), FileFormat::Yaml, configured));
            }
            Err(message) => {
                let manifest = templates.manifest(root, max_file_bytes(&configured));
                let span = first_line_span(&manifest);
                let diagnostic = invalid_input_diagnostic(&manifest, message, span);
                report.diagnostics.push(diagnostic);
            }
        }
    }
    lint_into_report(&sources, &parameters, &mut report);
    if rendered.is_empty() {
        return Ok(report);
    }
    let (mut from_rendering, plain): (Vec<Diagnostic>, Vec<Diagnostic>) = report
        .diagnostics
        .drain(..)
        .partition(|d| rendered.contains_key(d.file.path()));
    from_rendering.retain_mut(|diagnostic| {
        let Some((index, configured)) = rendered.get(diagnostic.file.path()) else {
            return true;
        };
        attribute(
            diagnostic,
            index,
            &mut templates,
            max_file_bytes(configured),
        );
        // `per-file-ignores` name the template files, which are what the user sees.
        !configured.ignores(diagnostic.file.path(), &diagnostic.code)
    });
    // A file that is linted itself and included by a kustomization would be reported twice:
    // compare with the plain findings of the files rendered findings now point at (only
    // those, so that a run over many plain files does not copy all their findings).
    let attributed: HashSet<PathBuf> = from_rendering
        .iter()
        .map(|d| d.file.path().to_path_buf())
        .collect();
    let plain_findings: HashSet<(&Path, &str, &str)> = plain
        .iter()
        .filter(|d| attributed.contains(d.file.path()))
        .map(|d| (d.file.path(), d.code.as_ref(), d.message.as_str()))
        .collect();
    from_rendering.retain(|d| {
        !plain_findings.contains(&(d.file.path(), d.code.as_ref(), d.message.as_str()))
    });
    drop(plain_findings);
    report.diagnostics = plain;
    report.diagnostics.append(&mut from_rendering);
    report.diagnostics.sort_by(Diagnostic::output_order);
    // The same template rendered twice (a base under two overlays) is reported once.
    report.diagnostics.dedup_by(|a, b| a.same_finding(b));
    Ok(report)
}

/// The name of the (never written) file that rendered output is linted as, in the root.
fn rendered_file_name(kind: RenderKind) -> &'static str {
    match kind {
        RenderKind::Helm => ".akslint-helm-template.yaml",
        RenderKind::Kustomize => ".akslint-kustomize-build.yaml",
    }
}

fn max_file_bytes(configured: &ConfiguredLinter) -> u64 {
    configured.linter.settings().limits.max_file_bytes
}

/// Renders one root, or says why it cannot be rendered. The values configured for the chart
/// in `values_dir` (by default the root's directory) apply.
fn render(
    root: &RenderRoot,
    values_dir: Option<&Path>,
    configured: &ConfiguredLinter,
    options: &RenderOptions,
) -> Result<String, String> {
    let max_bytes = max_file_bytes(configured);
    match root.kind {
        RenderKind::Helm => {
            let (mut values, mut set) = configured
                .config
                .as_ref()
                .map(|config| config.chart_values(values_dir.unwrap_or(&root.dir)))
                .unwrap_or_default();
            values.extend(options.helm_values.iter().cloned());
            set.extend(options.helm_set.iter().cloned());
            helm_template(&root.dir, &values, &set, options.timeout, max_bytes)
        }
        RenderKind::Kustomize => kustomize::build(&root.dir, options.timeout, max_bytes),
    }
}

/// `helm template <release> <dir> -f … --set …`, the release named after the directory.
fn helm_template(
    dir: &Path,
    values: &[PathBuf],
    set: &[String],
    timeout: Duration,
    max_bytes: u64,
) -> Result<String, String> {
    let mut args: Vec<OsString> = vec!["template".into(), release_name(dir).into(), dir.into()];
    for file in values {
        args.push("--values".into());
        args.push(file.into());
    }
    for assignment in set {
        args.push("--set".into());
        args.push(assignment.into());
    }
    tool::run("helm", &args, None, timeout, max_bytes).map_err(|error| match error {
        ToolError::NotFound => "cannot render this chart: `helm` is not on PATH (akslint \
            renders charts with `helm template`); install Helm 3, or lint rendered output with \
            `helm template NAME DIR | akslint check -`"
            .to_owned(),
        ToolError::Failed(message) => format!("`helm template` failed: {message}"),
    })
}

/// A valid Helm release name from the chart directory's name (lowercase letters, digits and
/// `-`, at most 53 characters), or `release`.
fn release_name(dir: &Path) -> String {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(53)
        .collect();
    let name = name.trim_matches('-');
    if name.is_empty() {
        "release".to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names_are_valid() {
        let dir = tempfile::tempdir().expect("tempdir");
        let chart = dir.path().join("My_Chart");
        std::fs::create_dir(&chart).expect("mkdir");
        assert_eq!(release_name(&chart), "my-chart");
        assert_eq!(release_name(Path::new("/no/such/dir")), "release");
    }
}
