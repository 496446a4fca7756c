//! Code actions: a finding's own fix, suppressions with a reason, and fix-all.

use std::collections::HashMap;

use akslint_diagnostics::{Applicability, Diagnostic};
use akslint_text::Span;
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};

use crate::convert::to_lsp;
use crate::document::{Document, Encoding};

/// The kind of the fix-all source action, as editors request it on save.
pub const FIX_ALL_KIND: &str = "source.fixAll.akslint";

/// The placeholder a suppression gets; the user is expected to replace it with the real reason.
const REASON: &str = "<reason>";

/// Whether an action of `kind` is wanted when the client asks `only` for some kinds (a kind
/// matches itself and its sub-kinds: `source.fixAll` asks for `source.fixAll.akslint`).
#[must_use]
pub fn wanted(kind: &str, only: Option<&[CodeActionKind]>) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|k| {
            let k = k.as_str();
            kind == k
                || kind
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// The quick fixes for the findings of `diagnostics` that touch `range`.
#[must_use]
pub fn quick_fixes(
    document: &Document,
    uri: &Uri,
    diagnostics: &[Diagnostic],
    range: Range,
    encoding: Encoding,
) -> Vec<CodeAction> {
    let wanted = document.span(range, encoding);
    let mut actions = Vec::new();
    for diagnostic in diagnostics {
        let span = document.doc_span(diagnostic.span);
        // Touching, not only overlapping: a cursor placed right after the finding counts.
        if span.start > wanted.end || wanted.start > span.end {
            continue;
        }
        let lsp = to_lsp(diagnostic, document, uri, encoding);
        if let Some(fix) = &diagnostic.fix {
            let edits = fix
                .edits
                .iter()
                .map(|edit| TextEdit {
                    range: document.lint_range(edit.span, encoding),
                    new_text: edit.content.clone(),
                })
                .collect();
            let safety = match fix.applicability {
                Applicability::Safe => "",
                Applicability::Unsafe => " (unsafe: may change behaviour)",
            };
            actions.push(action(
                format!("Fix {}: {}{safety}", diagnostic.code, fix.message),
                CodeActionKind::QUICKFIX,
                uri,
                edits,
                Some(lsp.clone()),
                fix.applicability == Applicability::Safe,
            ));
        }
        if let Some(edit) = ignore_here(document, span, &diagnostic.code, encoding) {
            actions.push(action(
                format!("Ignore {} here (with a reason)", diagnostic.code),
                CodeActionKind::QUICKFIX,
                uri,
                vec![edit],
                Some(lsp.clone()),
                false,
            ));
        }
        if let Some(edit) = ignore_object(document, span, &diagnostic.code, encoding) {
            actions.push(action(
                format!("Ignore {} for this object (annotation)", diagnostic.code),
                CodeActionKind::QUICKFIX,
                uri,
                vec![edit],
                Some(lsp),
                false,
            ));
        }
    }
    actions
}

/// The fix-all action: the fix engine's safe fixes, as one edit of the whole document.
#[must_use]
pub fn fix_all(document: &Document, uri: &Uri, fixed: &str, encoding: Encoding) -> CodeAction {
    let whole = Span::new(0, document.text.len() as u32);
    let edits = if fixed == document.text {
        Vec::new()
    } else {
        vec![TextEdit {
            range: document.range(whole, encoding),
            new_text: fixed.to_owned(),
        }]
    };
    action(
        "Fix all safe akslint findings".to_owned(),
        CodeActionKind::new(FIX_ALL_KIND),
        uri,
        edits,
        None,
        false,
    )
}

fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Uri,
    edits: Vec<TextEdit>,
    diagnostic: Option<lsp_types::Diagnostic>,
    preferred: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }
}

/// The leading blanks of a line (for YAML a `- ` sequence marker is not part of the indentation
/// the comment needs: a comment at the dash's column belongs to the item).
fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// Inserts `# akslint: ignore[CODE] <reason>` (or `// ...` in JSON) on its own line before the
/// line of the finding, at that line's indentation.
fn ignore_here(
    document: &Document,
    span: Span,
    code: &str,
    encoding: Encoding,
) -> Option<TextEdit> {
    let line = document.index().line_of(span.start);
    let start = document.index().line_span(line, &document.text).start;
    let marker = if document.is_json() { "//" } else { "#" };
    // A suppression already alone on the line before: the rule joins its list, since only the
    // line right before a node applies to it.
    if let Some(previous) = line.checked_sub(1) {
        let text = document.line_text(previous);
        let directive = format!("{marker} akslint: ignore[");
        if text.trim_start().starts_with(&directive)
            && let Some(close) = text.find(']')
        {
            let offset = document.index().line_span(previous, &document.text).start + close as u32;
            let position = document.position(offset, encoding);
            return Some(TextEdit {
                range: Range::new(position, position),
                new_text: format!(", {code}"),
            });
        }
    }
    let indent = indentation(document.line_text(line));
    let position = document.position(start, encoding);
    Some(TextEdit {
        range: Range::new(position, position),
        new_text: format!(
            "{indent}{marker} akslint: ignore[{code}] {REASON}{}",
            document.line_ending()
        ),
    })
}

/// Adds `ignore.akslint.io/<code>: "<reason>"` to the annotations of the YAML document (between
/// `---` separators) that holds the finding, creating `annotations:` when needed. Only block-style
/// `metadata:` at the top level of the document is edited; anything else gets no action rather
/// than a guess.
fn ignore_object(
    document: &Document,
    span: Span,
    code: &str,
    encoding: Encoding,
) -> Option<TextEdit> {
    if document.is_json() {
        return None;
    }
    let index = document.index();
    let finding_line = index.line_of(span.start);
    let is_separator = |line: u32| document.line_text(line).starts_with("---");
    let first = (0..=finding_line)
        .rev()
        .find(|&l| is_separator(l))
        .map_or(0, |l| l + 1);
    let last = (finding_line + 1..index.line_count())
        .find(|&l| is_separator(l))
        .unwrap_or(index.line_count());
    let metadata = (first..last).find(|&l| document.line_text(l).trim_end() == "metadata:")?;
    // The indentation of metadata's children, from its first child line.
    let child = (metadata + 1..last).find(|&l| {
        let t = document.line_text(l);
        !t.trim().is_empty() && !t.trim_start().starts_with('#')
    })?;
    let child_indent = indentation(document.line_text(child));
    if child_indent.is_empty() {
        return None;
    }
    let line_start = |l: u32| index.line_span(l, &document.text).start;
    let in_metadata = |l: &u32| {
        let t = document.line_text(*l);
        t.trim().is_empty() || t.starts_with(child_indent)
    };
    let annotations = (child..last)
        .take_while(in_metadata)
        .find(|&l| document.line_text(l) == format!("{child_indent}annotations:"));
    let entry = |indent: &str| format!("{indent}ignore.akslint.io/{code}: \"{REASON}\"\n");
    let (offset, new_text) = match annotations {
        Some(line) => {
            let inner = format!("{child_indent}{child_indent}");
            (line_start(line + 1), entry(&inner))
        }
        None => (
            line_start(metadata + 1),
            format!(
                "{child_indent}annotations:\n{}",
                entry(&format!("{child_indent}{child_indent}"))
            ),
        ),
    };
    // A document whose last line has no line break: the insertion needs one first.
    let (offset, new_text) =
        if offset as usize >= document.text.len() && !document.text.ends_with('\n') {
            (document.text.len() as u32, format!("\n{new_text}"))
        } else {
            (offset, new_text)
        };
    let position = document.position(offset, encoding);
    Some(TextEdit {
        range: Range::new(position, position),
        new_text: new_text.replace('\n', document.line_ending()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n";

    fn apply(text: &str, edit: &TextEdit) -> String {
        let doc = Document::new("a.yaml".into(), text.to_owned(), 1);
        let span = doc.span(edit.range, Encoding::Utf16);
        let mut out = text.to_owned();
        out.replace_range(span.start as usize..span.end as usize, &edit.new_text);
        out
    }

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap_or_default();
        Span::from_range(start..start + needle.len())
    }

    #[test]
    fn ignore_here_keeps_indentation() {
        let doc = Document::new("a.yaml".into(), POD.to_owned(), 1);
        let edit = ignore_here(&doc, span_of(POD, "true"), "K8S107", Encoding::Utf16);
        let out = edit.map(|e| apply(POD, &e)).unwrap_or_default();
        assert!(out.contains("spec:\n  # akslint: ignore[K8S107] <reason>\n  hostNetwork: true"));
        let doc = Document::new("a.yaml".into(), out.clone(), 2);
        let edit = ignore_here(&doc, span_of(&out, "true"), "K8S108", Encoding::Utf16);
        let twice = edit.map(|e| apply(&out, &e)).unwrap_or_default();
        assert!(twice.contains("  # akslint: ignore[K8S107, K8S108] <reason>\n  hostNetwork"));
        let crlf = POD.replace('\n', "\r\n");
        let doc = Document::new("a.yaml".into(), crlf.clone(), 1);
        let edit = ignore_object(&doc, span_of(&crlf, "true"), "K8S107", Encoding::Utf16);
        let out = edit.map(|e| apply(&crlf, &e)).unwrap_or_default();
        assert!(out.contains("metadata:\r\n  annotations:\r\n    ignore.akslint.io/K8S107"));
    }

    #[test]
    fn ignore_object_creates_or_extends_annotations() {
        let doc = Document::new("a.yaml".into(), POD.to_owned(), 1);
        let edit = ignore_object(&doc, span_of(POD, "true"), "K8S107", Encoding::Utf16);
        let out = edit.map(|e| apply(POD, &e)).unwrap_or_default();
        assert!(out.contains(
            "metadata:\n  annotations:\n    ignore.akslint.io/K8S107: \"<reason>\"\n  name: web"
        ));
        let annotated = "---\nkind: Pod\nmetadata:\n  name: a\n---\nkind: Pod\nmetadata:\n  name: b\n  annotations:\n    x: y\nspec:\n  hostPID: true";
        let doc = Document::new("a.yaml".into(), annotated.to_owned(), 1);
        let edit = ignore_object(&doc, span_of(annotated, "true"), "K8S108", Encoding::Utf16);
        let out = edit.map(|e| apply(annotated, &e)).unwrap_or_default();
        assert!(out.contains("name: a\n---"));
        assert!(
            out.contains("  annotations:\n    ignore.akslint.io/K8S108: \"<reason>\"\n    x: y")
        );
    }

    #[test]
    fn only_filters_by_prefix() {
        let fix_all = [CodeActionKind::SOURCE_FIX_ALL];
        assert!(wanted(FIX_ALL_KIND, Some(&fix_all)));
        assert!(!wanted(FIX_ALL_KIND, Some(&[CodeActionKind::QUICKFIX])));
        assert!(wanted("quickfix", None));
    }
}
