use std::fmt::Write;

use crate::Diagnostic;

/// One line per finding: `path:line:col: CODE [severity] message`.
#[must_use]
pub fn concise(diagnostics: &[Diagnostic]) -> String {
    // A line is the path, position, code and severity (about 40 bytes) around the message:
    // sizing the text up front spares growing (and copying) it while it is written.
    let mut out = String::with_capacity(
        diagnostics
            .iter()
            .map(|d| d.file.path().as_os_str().len() + d.message.len() + 40)
            .sum(),
    );
    for diagnostic in diagnostics {
        let start = diagnostic.range().start;
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            diagnostic.path(),
            start.line,
            start.column,
            diagnostic.code,
            diagnostic.severity.as_str(),
            diagnostic.message
        );
    }
    out
}
