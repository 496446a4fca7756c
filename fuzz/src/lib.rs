//! What every fuzz target does with its input: lint it as one file with every rule enabled,
//! render the findings, and check the invariants a hostile file must not break.

use std::sync::{Arc, LazyLock};

use akslint_diagnostics::render::{FullOptions, concise, full, json};
use akslint_linter::{FileFormat, LintSettings, Linter, RuleSelection, Selector};
use akslint_text::SourceFile;

/// One linter for the whole fuzzing session: building the dispatch tables per input would
/// dominate the time of each execution.
static LINTER: LazyLock<Linter> = LazyLock::new(|| {
    let all = Selector::parse("all").unwrap_or_else(|_| unreachable!("`all` is a profile"));
    Linter::new(LintSettings {
        rules: RuleSelection::new(&[all], &[]),
        ..LintSettings::default()
    })
});

/// Lints `data` as a file of `format`.
///
/// Bytes that are not UTF-8 never reach the parsers (the workspace reports them before), so
/// they are decoded lossily here: the replacement characters still exercise multi-byte text.
///
/// # Panics
/// When a diagnostic's span is outside the text or splits a character: every finding must
/// point at real text (DESIGN.md §7), and the renderers slice the text with it.
pub fn lint(data: &[u8], format: FileFormat) {
    let text = String::from_utf8_lossy(data).into_owned();
    let name = match format {
        FileFormat::Yaml => "fuzz.yaml",
        FileFormat::Json => "fuzz.json",
        FileFormat::Bicep => "fuzz.bicep",
    };
    let file: Arc<SourceFile> = SourceFile::new(name, text);
    let diagnostics = LINTER.lint(&file, format);
    let text = file.text();
    for diagnostic in &diagnostics {
        let span = diagnostic.span;
        assert!(
            span.start <= span.end && (span.end as usize) <= text.len(),
            "{} span {span:?} outside a text of {} bytes",
            diagnostic.code,
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
            "{} span {span:?} splits a character",
            diagnostic.code
        );
    }
    let _ = concise(&diagnostics);
    let _ = json(&diagnostics);
    let _ = full(&diagnostics, FullOptions { color: false });
}
