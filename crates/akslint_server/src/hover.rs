//! Hover: the rule page of a finding under the cursor, or of a code named in a suppression.

use akslint_diagnostics::Diagnostic;
use akslint_linter::{docs::rule_page, find_rule};

use crate::document::Document;

/// The Markdown to show at byte `offset` of `document`, if any.
#[must_use]
pub fn hover(document: &Document, diagnostics: &[Diagnostic], offset: u32) -> Option<String> {
    let mut codes: Vec<&str> = diagnostics
        .iter()
        .filter(|d| {
            let span = document.doc_span(d.span);
            span.start <= offset && offset <= span.end
        })
        .map(|d| d.code.as_ref())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.is_empty() {
        codes.extend(suppressed_code(document, offset));
    }
    let pages: Vec<String> = codes
        .iter()
        .filter_map(|code| find_rule(code))
        .map(|rule| rule_page(rule.meta()))
        .collect();
    (!pages.is_empty()).then(|| pages.join("\n---\n\n"))
}

/// The rule code or name under the cursor when it sits in an `akslint: ignore[...]` comment or an
/// `ignore.akslint.io/<rule>` annotation key.
fn suppressed_code(document: &Document, offset: u32) -> Option<&str> {
    let index = document.index();
    let line = index.line_span(index.line_of(offset), &document.text);
    let text = document.text.get(line.range())?;
    if !(text.contains("akslint: ignore") || text.contains("ignore.akslint.io/")) {
        return None;
    }
    let at = (offset - line.start) as usize;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let start = text.get(..at)?.rfind(|c| !is_word(c)).map_or(0, |i| i + 1);
    let end = text
        .get(at..)?
        .find(|c| !is_word(c))
        .map_or(text.len(), |i| at + i);
    let word = text.get(start..end)?;
    find_rule(word).map(|_| word)
}
