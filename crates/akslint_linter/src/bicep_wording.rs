//! Findings on Bicep files speak Bicep: the rules write their messages and help once, with
//! ARM JSON snippets in backticks (`"sku": { "tier": "Standard" }`), and for a `.bicep` file
//! each snippet is rewritten as Bicep (`sku: { tier: 'Standard' }`); a nested deployment is
//! called a module.

use std::path::Path;
use std::sync::Arc;

use akslint_diagnostics::Diagnostic;
use akslint_text::SourceFile;

/// Whether `path` is a Bicep template or parameters file.
#[must_use]
pub fn is_bicep(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("bicep") || e.eq_ignore_ascii_case("bicepparam"))
}

/// Rewrites the message and help of every finding on a Bicep file.
pub(crate) fn speak_bicep(diagnostics: &mut [Diagnostic]) {
    // Findings come in runs of the same file: its extension is read once per run.
    let mut last: Option<(Arc<SourceFile>, bool)> = None;
    for diagnostic in diagnostics {
        let bicep = match &last {
            Some((file, bicep)) if Arc::ptr_eq(file, &diagnostic.file) => *bicep,
            _ => {
                let bicep = is_bicep(diagnostic.file.path());
                last = Some((Arc::clone(&diagnostic.file), bicep));
                bicep
            }
        };
        if !bicep {
            continue;
        }
        if let Some(message) = in_bicep(&diagnostic.message) {
            diagnostic.message = message;
        }
        if let Some(help) = diagnostic.help.as_deref().and_then(in_bicep) {
            diagnostic.help = Some(help.into());
        }
        for related in &mut diagnostic.related {
            // A module is what ARM calls a nested deployment.
            if related.message.contains("nested deployment") {
                related.message = related.message.replace("nested deployment", "module");
            }
        }
    }
}

/// `text` with the JSON in each backtick-quoted snippet written as Bicep; `None` when there is
/// no JSON string to rewrite.
fn in_bicep(text: &str) -> Option<String> {
    if !text.contains('"') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backticks (a last unmatched one is left as it is).
        if i % 2 == 1 {
            out.push_str(&snippet_in_bicep(part));
        } else {
            out.push_str(part);
        }
    }
    Some(out)
}

/// One JSON snippet as Bicep: keys unquoted when they are identifiers, strings in single
/// quotes.
fn snippet_in_bicep(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut rest = snippet;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = closing_quote(after) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let content = &after[..end];
        rest = &after[end + 1..];
        let is_key = rest.trim_start().starts_with(':');
        let identifier = content.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && content
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_key && identifier {
            out.push_str(content);
        } else {
            out.push('\'');
            out.push_str(&content.replace("\\\"", "\"").replace('\'', "\\'"));
            out.push('\'');
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `"` that ends a JSON string whose text starts `text`.
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_become_bicep_and_prose_stays() {
        assert_eq!(
            in_bicep(r#"set `"sku": { "name": "Base", "tier": "Standard" }` for "production""#)
                .as_deref(),
            Some(r#"set `sku: { name: 'Base', tier: 'Standard' }` for "production""#)
        );
        assert_eq!(
            in_bicep(r#"`"availabilityZones": ["1", "2"]` and `networkPolicy: ""`"#).as_deref(),
            Some("`availabilityZones: ['1', '2']` and `networkPolicy: ''`")
        );
        assert_eq!(
            in_bicep(r#"`{ "kube-audit": true, "a": "it's" }`"#).as_deref(),
            Some(r"`{ 'kube-audit': true, a: 'it\'s' }`")
        );
        assert_eq!(in_bicep("no quotes `here`"), None);
    }
}
