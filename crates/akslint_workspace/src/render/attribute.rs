//! Pointing findings in rendered output at the template files that produced them.
//!
//! Each rendered document follows a `# Source:` comment naming its template. A finding goes to
//! that template: to the line of its offending key when the key is written exactly once in
//! the template (the same key written twice, or built by template code, cannot be told
//! apart), else to the template's first line. The position in the rendered output is kept as
//! [`Diagnostic::rendered_range`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use akslint_diagnostics::Diagnostic;
use akslint_text::{SourceFile, Span};

use super::roots::{RenderKind, RenderRoot};

/// One rendered output: where each document came from.
pub(crate) struct Rendered {
    root: RenderRoot,
    /// `(offset, template)` of each `# Source:` comment, and `(offset, None)` at each `---`
    /// that starts a document without one yet.
    sources: Vec<(u32, Option<PathBuf>)>,
}

impl Rendered {
    /// Indexes the `# Source:` comments of `text`, rendered from `root`.
    pub(crate) fn new(root: RenderRoot, text: &str) -> Self {
        let mut sources = Vec::new();
        let mut offset = 0u32;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if trimmed == "---" || trimmed.starts_with("--- ") {
                sources.push((offset, None));
            } else if let Some(source) = trimmed
                .strip_prefix('#')
                .and_then(|comment| comment.trim_start().strip_prefix("Source:"))
            {
                sources.push((offset, Some(template_path(&root, source.trim()))));
            }
            offset = offset.saturating_add(u32::try_from(line.len()).unwrap_or(u32::MAX));
        }
        Self { root, sources }
    }

    /// The template of the document at `offset`.
    fn template_at(&self, offset: u32) -> Option<&Path> {
        let index = self.sources.partition_point(|(start, _)| *start <= offset);
        self.sources[..index]
            .last()
            .and_then(|(_, path)| path.as_deref())
    }
}

/// The file a `# Source:` comment names. Helm names templates from the chart's name
/// (`web/templates/x.yaml`, `web/charts/db/templates/y.yaml`); the kustomize renderer writes
/// paths that open as they are.
fn template_path(root: &RenderRoot, source: &str) -> PathBuf {
    match root.kind {
        RenderKind::Helm => {
            let within = source.split_once('/').map_or(source, |(_, rest)| rest);
            root.dir.join(within)
        }
        RenderKind::Kustomize => PathBuf::from(source),
    }
}

/// Template files read for attribution, each read once.
#[derive(Default)]
pub(crate) struct Templates {
    files: HashMap<PathBuf, Option<Arc<SourceFile>>>,
}

impl Templates {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The file at `path`, or `None` when it cannot be read (a packaged subchart, a remote
    /// kustomize base) or is larger than `max_bytes`.
    pub(crate) fn get(&mut self, path: &Path, max_bytes: u64) -> Option<Arc<SourceFile>> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let meta = std::fs::metadata(path).ok()?;
                if !meta.is_file() || meta.len() > max_bytes {
                    return None;
                }
                let text = std::fs::read_to_string(path).ok()?;
                Some(SourceFile::new(path, text))
            })
            .clone()
    }

    /// The manifest of `root`, read or (when it cannot be) empty: findings always have a file.
    pub(crate) fn manifest(&mut self, root: &RenderRoot, max_bytes: u64) -> Arc<SourceFile> {
        self.get(&root.manifest, max_bytes)
            .unwrap_or_else(|| SourceFile::new(&root.manifest, String::new()))
    }
}

/// Moves a finding in rendered output (and its related locations there) to the template
/// that produced it.
pub(crate) fn attribute(
    diagnostic: &mut Diagnostic,
    rendered: &Rendered,
    templates: &mut Templates,
    max_bytes: u64,
) {
    let output = Arc::clone(&diagnostic.file);
    diagnostic.rendered_range = Some(diagnostic.range());
    let (file, span) = locate(&output, diagnostic.span, rendered, templates, max_bytes);
    diagnostic.file = file;
    diagnostic.span = span;
    // Edits are offsets into the rendered text; the template needs other edits.
    diagnostic.fix = None;
    for related in &mut diagnostic.related {
        if related.file.path() == output.path() {
            (related.file, related.span) =
                locate(&output, related.span, rendered, templates, max_bytes);
        }
    }
}

/// The template file and range for `span` of the rendered `output`.
fn locate(
    output: &SourceFile,
    span: Span,
    rendered: &Rendered,
    templates: &mut Templates,
    max_bytes: u64,
) -> (Arc<SourceFile>, Span) {
    let template = rendered
        .template_at(span.start)
        .and_then(|path| templates.get(path, max_bytes));
    let Some(template) = template else {
        let manifest = templates.manifest(&rendered.root, max_bytes);
        let span = first_line(manifest.text());
        return (manifest, span);
    };
    let span = anchor_at(output.text(), span.start)
        .and_then(|anchor| unique_anchor(template.text(), &anchor))
        .unwrap_or_else(|| first_line(template.text()));
    (template, span)
}

/// What identifies the line of `offset` in a template: the mapping key written on it
/// (`privileged` of `privileged: true` or `- name: web`), or the whole comment on a comment
/// line. `None` for a line without either (a list item, a continued scalar).
fn anchor_at(text: &str, offset: u32) -> Option<Anchor> {
    let offset = usize::try_from(offset).ok()?.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text.get(start..end)?;
    anchor_of_line(line)
}

/// A line's anchor; see [`anchor_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Anchor {
    Key(String),
    Comment(String),
}

fn anchor_of_line(line: &str) -> Option<Anchor> {
    let content = line.trim();
    if content.starts_with('#') {
        return Some(Anchor::Comment(content.to_owned()));
    }
    let mut content = content;
    while let Some(rest) = content.strip_prefix("- ") {
        content = rest.trim_start();
    }
    let (key, _) = content.split_once(':')?;
    let key = key.trim_end();
    (!key.is_empty() && !key.contains([' ', '{', '[', '"', '\'']))
        .then(|| Anchor::Key(key.to_owned()))
}

/// The range of `anchor` in `template` when it is written on exactly one line.
fn unique_anchor(template: &str, anchor: &Anchor) -> Option<Span> {
    let mut found = None;
    let mut offset = 0usize;
    for line in template.split_inclusive('\n') {
        if anchor_of_line(line).as_ref() == Some(anchor) {
            if found.is_some() {
                return None;
            }
            let text = match anchor {
                Anchor::Key(key) | Anchor::Comment(key) => key.as_str(),
            };
            let column = line.find(text)?;
            let start = u32::try_from(offset + column).ok()?;
            let end = u32::try_from(offset + column + text.len()).ok()?;
            found = Some(Span::new(start, end));
        }
        offset += line.len();
    }
    found
}

/// The first line of `text`, without its line break.
fn first_line(text: &str) -> Span {
    let end = text.find(['\r', '\n']).unwrap_or(text.len());
    Span::new(0, u32::try_from(end).unwrap_or(0))
}

/// The range of the first line of `file`, for messages about the whole file.
pub(crate) fn first_line_span(file: &SourceFile) -> Span {
    first_line(file.text())
}

#[cfg(test)]
mod tests {
    use akslint_diagnostics::range_of;

    use super::*;

    const TEMPLATE: &str = "spec:\n  containers:\n    - name: web\n      securityContext:\n        privileged: {{ .Values.privileged }}\n    - name: sidecar\n      securityContext:\n        allowPrivilegeEscalation: true\n";

    #[test]
    fn anchors_are_keys_or_comments() {
        assert_eq!(
            anchor_of_line("    - name: web"),
            Some(Anchor::Key("name".to_owned()))
        );
        assert_eq!(
            anchor_of_line("  # akslint: ignore[K8S101]"),
            Some(Anchor::Comment("# akslint: ignore[K8S101]".to_owned()))
        );
        assert_eq!(anchor_of_line("    - ALL"), None);
        assert_eq!(anchor_of_line("{{- if .Values.x }}"), None);
    }

    #[test]
    fn a_key_written_once_is_found_and_one_written_twice_is_not() {
        let privileged =
            unique_anchor(TEMPLATE, &Anchor::Key("privileged".to_owned())).expect("written once");
        assert_eq!(
            &TEMPLATE[privileged.start as usize..privileged.end as usize],
            "privileged"
        );
        assert_eq!(
            unique_anchor(TEMPLATE, &Anchor::Key("securityContext".to_owned())),
            None
        );
        assert_eq!(first_line(TEMPLATE), Span::new(0, 5));
    }

    #[test]
    fn documents_are_attributed_to_their_source() {
        let dir = tempfile::tempdir().expect("tempdir");
        let chart = dir.path().join("web");
        std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
        std::fs::write(chart.join("Chart.yaml"), "name: web\n").expect("write");
        std::fs::write(chart.join("templates/pod.yaml"), TEMPLATE).expect("write");
        let root = RenderRoot::of_manifest(&chart.join("Chart.yaml")).expect("chart");
        let text = "---\n# Source: web/templates/pod.yaml\nspec:\n  containers:\n    - name: web\n      securityContext:\n        privileged: true\n---\n# Source: web/templates/gone.yaml\nkind: X\n---\nkind: Y\n";
        let output = SourceFile::new(chart.join("rendered.yaml"), text);
        let rendered = Rendered::new(root, text);
        let mut templates = Templates::new();
        let at = |needle: &str| u32::try_from(text.find(needle).expect("in text")).expect("small");
        let (file, span) = locate(
            &output,
            Span::new(at("true"), at("true") + 4),
            &rendered,
            &mut templates,
            1 << 20,
        );
        assert_eq!(file.path(), chart.join("templates/pod.yaml"));
        assert_eq!(range_of(&file, span).start.line, 5);
        // A template that cannot be read, and a document without a source: the manifest.
        for needle in ["kind: X", "kind: Y"] {
            let (file, span) = locate(
                &output,
                Span::new(at(needle), at(needle)),
                &rendered,
                &mut templates,
                1 << 20,
            );
            assert_eq!(file.path(), chart.join("Chart.yaml"));
            assert_eq!(span, Span::new(0, 9));
        }
    }
}
