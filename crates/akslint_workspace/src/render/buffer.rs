//! Linting a chart template as an editor has it, unsaved changes included.
//!
//! `helm` reads charts from disk, so the chart is copied to a temporary directory with the
//! editor's text in place of the template, and rendered there. Results are cached by the
//! content of the whole chart: typing in a comment, or switching back to a version already
//! rendered, costs no second run of `helm`.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use akslint_diagnostics::Diagnostic;
use akslint_linter::FileFormat;
use akslint_text::SourceFile;

use super::attribute::{Rendered, Templates, attribute, first_line_span};
use super::roots::{RenderKind, RenderRoot, chart_of_template};
use super::{RenderOptions, max_file_bytes, render, rendered_file_name};
use crate::config::{ConfigError, Configurations};
use crate::run::{Report, invalid_input_diagnostic, lint_into_report};

/// The most files, and bytes, of a chart copied to render one template.
const MAX_CHART_FILES: usize = 2_000;
const MAX_CHART_BYTES: u64 = 32 * 1024 * 1024;

/// The findings of a template and the hash of the chart content they were computed from.
type Cached = (u64, Arc<Vec<Diagnostic>>);

/// Renders the charts of edited templates, remembering the findings of each template for the
/// chart content they were computed from.
#[derive(Debug, Default)]
pub struct TemplateBuffers {
    options: RenderOptions,
    /// Template -> (hash of its chart's content, its findings).
    cache: Mutex<HashMap<PathBuf, Cached>>,
    /// How many times `helm` was run (cache misses).
    renders: Mutex<usize>,
}

impl TemplateBuffers {
    /// Renders with `options`.
    #[must_use]
    pub fn new(options: RenderOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    /// How many times a chart was rendered (the rest came from the cache).
    #[must_use]
    pub fn renders(&self) -> usize {
        *self.renders.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The findings in `template` (a file under a chart's `templates/`) when its text is
    /// `text`: its chart is rendered with that text and linted. A chart that does not render
    /// gives one `AKL001` finding on the template's first line with `helm`'s message. `None`
    /// when `template` is not in a chart.
    ///
    /// # Errors
    /// When the configuration that governs the template is invalid.
    pub fn lint(
        &self,
        template: &Path,
        text: &str,
        configurations: &Configurations,
    ) -> Result<Option<Arc<Vec<Diagnostic>>>, ConfigError> {
        let Some(root) = chart_of_template(template) else {
            return Ok(None);
        };
        let configured = configurations.for_path(template)?;
        let edited = SourceFile::new(template, text.to_owned());
        let chart = match read_chart(&root.dir, template, text) {
            Ok(chart) => chart,
            Err(message) => {
                let span = first_line_span(&edited);
                let finding = invalid_input_diagnostic(&edited, message, span);
                return Ok(Some(Arc::new(vec![finding])));
            }
        };
        let mut hasher = DefaultHasher::new();
        chart.hash(&mut hasher);
        let values = configured
            .config
            .as_ref()
            .map(|c| c.chart_values(&root.dir));
        values.hash(&mut hasher);
        let hash = hasher.finish();
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(template)
            .filter(|(h, _)| *h == hash)
            .map(|(_, findings)| Arc::clone(findings));
        if let Some(findings) = cached {
            return Ok(Some(findings));
        }
        *self.renders.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        let findings = Arc::new(self.render_copy(&root, template, &edited, &chart, &configured));
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(template.to_path_buf(), (hash, Arc::clone(&findings)));
        Ok(Some(findings))
    }

    /// Writes `chart` to a temporary directory, renders and lints it there, and keeps the
    /// findings in the edited template (shown at its real path).
    fn render_copy(
        &self,
        root: &RenderRoot,
        template: &Path,
        edited: &Arc<SourceFile>,
        chart: &[(PathBuf, Vec<u8>)],
        configured: &Arc<crate::config::ConfiguredLinter>,
    ) -> Vec<Diagnostic> {
        let fail = |message: String| {
            vec![invalid_input_diagnostic(
                edited,
                message,
                first_line_span(edited),
            )]
        };
        let copy = match write_copy(&root.dir, chart) {
            Ok(copy) => copy,
            Err(message) => return fail(message),
        };
        let copied_dir = copy.path().join(chart_dir_name(&root.dir));
        let copied_root = RenderRoot {
            manifest: copied_dir.join(super::CHART_FILE_NAME),
            dir: copied_dir.clone(),
            kind: RenderKind::Helm,
        };
        // The values configured for the real chart apply to its copy.
        let text = match render(&copied_root, Some(&root.dir), configured, &self.options) {
            Ok(text) => text,
            Err(message) => return fail(message),
        };
        let Ok(relative) = template.strip_prefix(&root.dir) else {
            return Vec::new();
        };
        let copied_template = copied_dir.join(relative);
        let path = copied_dir.join(rendered_file_name(RenderKind::Helm));
        let index = Rendered::new(copied_root, &text);
        let sources = [(
            SourceFile::new(path, text),
            FileFormat::Yaml,
            Arc::clone(configured),
        )];
        let mut report = Report::default();
        lint_into_report(&sources, &[], &mut report);
        let mut templates = Templates::new();
        let max_bytes = max_file_bytes(configured);
        let mut findings = Vec::new();
        for mut diagnostic in report.diagnostics {
            attribute(&mut diagnostic, &index, &mut templates, max_bytes);
            if diagnostic.file.path() != copied_template
                || configured.ignores(template, &diagnostic.code)
            {
                continue;
            }
            // The copy has the editor's text, so the ranges hold in it.
            diagnostic.file = Arc::clone(edited);
            for related in &mut diagnostic.related {
                if related.file.path() == copied_template {
                    related.file = Arc::clone(edited);
                }
            }
            findings.push(diagnostic);
        }
        findings.sort_by(Diagnostic::output_order);
        findings
    }
}

/// The name the chart's copy gets (helm names rendered files after the chart, not the
/// directory, so any name works; the real one keeps messages familiar).
fn chart_dir_name(dir: &Path) -> PathBuf {
    dir.canonicalize()
        .ok()
        .and_then(|dir| dir.file_name().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("chart"))
}

/// Every file of the chart in `dir` as `(path relative to dir, content)`, sorted, with `text`
/// as the content of `template`. Symlinked directories are not followed.
fn read_chart(dir: &Path, template: &Path, text: &str) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let too_large = || {
        format!(
            "the chart in {} has more than {MAX_CHART_FILES} files or {MAX_CHART_BYTES} bytes: it is not rendered in the editor; run `akslint check` on it",
            dir.display()
        )
    };
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let entries = std::fs::read_dir(dir.join(&relative))
            .map_err(|error| format!("cannot read {}: {error}", dir.join(&relative).display()))?;
        for entry in entries.flatten() {
            let path = relative.join(entry.file_name());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            let content = if dir.join(&path) == template {
                text.as_bytes().to_vec()
            } else if kind.is_file() || kind.is_symlink() {
                let Ok(content) = std::fs::read(dir.join(&path)) else {
                    continue;
                };
                content
            } else {
                continue;
            };
            total += content.len() as u64;
            if files.len() >= MAX_CHART_FILES || total > MAX_CHART_BYTES {
                return Err(too_large());
            }
            files.push((path, content));
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the chart's files under a new temporary directory, in a directory named like the
/// chart's.
fn write_copy(dir: &Path, chart: &[(PathBuf, Vec<u8>)]) -> Result<tempfile::TempDir, String> {
    let copy =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let base = copy.path().join(chart_dir_name(dir));
    for (relative, content) in chart {
        let path = base.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot copy the chart: {e}"))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("cannot copy the chart: {e}"))?;
    }
    Ok(copy)
}
