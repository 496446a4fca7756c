//! JUnit XML, for CI systems that show test reports (GitLab, Azure Pipelines, Jenkins).

use std::fmt::Write;

use crate::Diagnostic;

/// The findings as JUnit XML: one `<testsuite>` per file, one failing `<testcase>` per finding.
///
/// A test case is named `CODE name at line:column`, its class is the file's path, and its
/// `<failure>` carries the message, the code as `type`, and a body with
/// `path:line:column: message`, the help and the rule's documentation URL. With no findings the
/// report holds one empty `akslint` suite, so that tools that require a suite accept it.
/// Everything is XML-escaped, and characters XML 1.0 cannot carry at all (most control
/// characters) become U+FFFD, so a hostile manifest cannot break the report.
#[must_use]
pub fn junit(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let count = diagnostics.len();
    let _ = writeln!(
        out,
        "<testsuites name=\"akslint\" tests=\"{count}\" failures=\"{count}\" errors=\"0\">"
    );
    if diagnostics.is_empty() {
        out.push_str(
            "  <testsuite name=\"akslint\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\"/>\n",
        );
    }
    // Diagnostics arrive sorted by path, so each file's findings are one run of the slice.
    for suite in diagnostics.chunk_by(|a, b| a.file.path() == b.file.path()) {
        let path = suite[0].path();
        let path = escape(&path);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
            n = suite.len()
        );
        for diagnostic in suite {
            write_case(&mut out, &path, diagnostic);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn write_case(out: &mut String, path: &str, diagnostic: &Diagnostic) {
    let start = diagnostic.start();
    let _ = writeln!(
        out,
        "    <testcase name=\"{} {} at {}:{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">",
        escape(&diagnostic.code),
        escape(&diagnostic.name),
        start.line,
        start.column,
        start.line,
    );
    let _ = write!(
        out,
        "      <failure message=\"{}\" type=\"{}\">{path}:{}:{}: {}",
        escape(&diagnostic.message),
        escape(&diagnostic.code),
        start.line,
        start.column,
        escape(&diagnostic.message),
    );
    if let Some(help) = &diagnostic.help {
        let _ = write!(out, "\nhelp: {}", escape(help));
    }
    if let Some(url) = &diagnostic.url {
        let _ = write!(out, "\nsee: {}", escape(url));
    }
    out.push_str("</failure>\n    </testcase>\n");
}

/// Escapes text for both attribute values and element content.
///
/// Line breaks and tabs become character references because attribute-value normalization
/// would otherwise turn them into spaces; characters that XML 1.0 forbids even as references
/// become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            ch if is_xml_char(ch) => out.push(ch),
            _ => out.push(char::REPLACEMENT_CHARACTER),
        }
    }
    out
}

/// XML 1.0's `Char` production.
const fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_line_breaks_and_forbidden_characters_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{0}\u{1b}\n\u{FFFE}é</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{FFFD}\u{FFFD}&#10;\u{FFFD}é&lt;/a&gt;"
        );
    }
}
