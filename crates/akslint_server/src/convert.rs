//! akslint findings as LSP diagnostics.

use akslint_diagnostics::{Diagnostic, Severity, rule_url};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

use crate::document::{Document, Encoding, path_to_uri};

/// The LSP form of one finding of `document` (published as `uri`).
#[must_use]
pub fn to_lsp(
    diagnostic: &Diagnostic,
    document: &Document,
    uri: &Uri,
    encoding: Encoding,
) -> lsp_types::Diagnostic {
    let related = diagnostic
        .related
        .iter()
        .filter_map(|related| {
            // A related place in the same buffer uses the buffer's text (it may be unsaved); one
            // in another file is converted with that file's own text.
            let location = if related.file.path() == document.path {
                Location::new(uri.clone(), document.lint_range(related.span, encoding))
            } else {
                let other = Document::new(
                    related.file.path().to_path_buf(),
                    related.file.text().to_owned(),
                    0,
                );
                Location::new(
                    path_to_uri(related.file.path())?,
                    other.lint_range(related.span, encoding),
                )
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: related.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let href = diagnostic
        .url
        .as_deref()
        .map_or_else(|| rule_url(&diagnostic.code), str::to_owned);
    lsp_types::Diagnostic {
        range: document.lint_range(diagnostic.span, encoding),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(diagnostic.code.to_string())),
        code_description: href.parse().ok().map(|href| CodeDescription { href }),
        source: Some("akslint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
