//! GitHub Actions workflow commands, which the runner turns into annotations on the pull request.

use std::fmt::Write;

use super::common::{PathBase, message_with_help};
use crate::{Diagnostic, Severity};

/// One workflow command per finding:
/// `::error file=deploy/pod.yaml,line=24,endLine=24,col=11,endColumn=27,title=K8S102 privilege-escalation-allowed::message`.
///
/// Errors become `::error`, warnings `::warning` and notes `::notice`. Paths are relative to
/// [`PathBase::project_root`] (the workspace the runner resolves them against); lines and
/// columns are 1-based, columns in characters with the end one past the last character.
/// Columns are left out when the range spans several lines: GitHub only honours columns on
/// single-line annotations.
///
/// Messages quote the scanned manifests, so every value is escaped the way the runner
/// unescapes it: a line break or `%` in a container name cannot end the command and start a
/// forged one.
#[must_use]
pub fn github(diagnostics: &[Diagnostic], paths: &PathBase) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let range = diagnostic.range();
        let _ = write!(
            out,
            "::{command} file={},line={},endLine={}",
            escape_property(&paths.display(diagnostic.file.path())),
            range.start.line,
            range.end.line,
        );
        if range.start.line == range.end.line {
            let _ = write!(
                out,
                ",col={},endColumn={}",
                range.start.column, range.end.column
            );
        }
        let title = format!("{} {}", diagnostic.code, diagnostic.name);
        let _ = writeln!(
            out,
            ",title={}::{}",
            escape_property(&title),
            escape_data(&message_with_help(diagnostic))
        );
    }
    out
}

/// Escapes a command's message: the runner reads `%25`, `%0D` and `%0A` back as `%`, `\r`
/// and `\n`, and a raw line break would end the command.
fn escape_data(text: &str) -> String {
    escape(text, false)
}

/// Escapes a property value, where `:` and `,` also delimit.
fn escape_property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_are_escaped_like_the_actions_toolkit() {
        assert_eq!(escape_data("a%b\r\nc: d, e"), "a%25b%0D%0Ac: d, e");
        assert_eq!(escape_property("a%b\r\nc: d, e"), "a%25b%0D%0Ac%3A d%2C e");
    }
}
