use std::fmt::Write;

use crate::Diagnostic;

/// One line per finding: `path:line:col: CODE [severity] message`.
#[must_use]
pub fn concise(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
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
