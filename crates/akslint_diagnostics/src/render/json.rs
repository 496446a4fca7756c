use serde::Serialize;

use crate::diagnostic::range_of;
use crate::{Diagnostic, ObjectRef, Range};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    path: String,
    range: Range,
    object: Option<&'a ObjectRef>,
    source_template: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered_range: Option<Range>,
    related: Vec<JsonRelated<'a>>,
    url: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'a str,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: Range,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    range: Range,
    message: &'a str,
}

fn to_json(diagnostic: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        code: &diagnostic.code,
        name: &diagnostic.name,
        severity: diagnostic.severity.as_str(),
        message: &diagnostic.message,
        help: diagnostic.help.as_deref(),
        path: diagnostic.path().into_owned(),
        range: diagnostic.range(),
        object: diagnostic.object.as_deref(),
        source_template: diagnostic.source_template.as_deref(),
        rendered_range: diagnostic.rendered_range,
        related: diagnostic
            .related
            .iter()
            .map(|related| JsonRelated {
                path: related.file.path().to_string_lossy().into_owned(),
                range: range_of(&related.file, related.span),
                message: &related.message,
            })
            .collect(),
        url: diagnostic.url.as_deref(),
        fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            message: &fix.message,
            edits: fix
                .edits
                .iter()
                .map(|edit| JsonEdit {
                    range: range_of(&diagnostic.file, edit.span),
                    content: &edit.content,
                })
                .collect(),
        }),
    }
}

/// The findings as a JSON array (the shape is a stable contract; fields may be added).
#[must_use]
pub fn json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics.iter().map(to_json).collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}

/// The findings as a JSON value, for embedding in other documents.
#[must_use]
pub fn json_value(diagnostics: &[Diagnostic]) -> serde_json::Value {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics.iter().map(to_json).collect();
    serde_json::to_value(items).unwrap_or_default()
}
