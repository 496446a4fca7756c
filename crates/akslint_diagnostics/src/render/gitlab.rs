//! GitLab Code Quality reports (a subset of the Code Climate issue format).

use serde::Serialize;

use super::common::{PathBase, fingerprints};
use crate::{Diagnostic, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    /// Code Climate's fixed value; GitLab ignores it, other Code Climate consumers need it.
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    categories: [&'static str; 1],
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// GitLab's severity for a finding: error → `major`, warning → `minor`, note → `info`.
///
/// `critical` and `blocker` are left for a future security-severity score: with every error
/// `critical`, a merge request widget could not tell the worst findings from the rest.
const fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

/// The findings as a GitLab Code Quality report: a JSON array of issues with `description`
/// (`CODE message`), `check_name` (the code), `fingerprint`, `severity` and
/// `location.path` / `location.lines.begin`.
///
/// Paths are relative to [`PathBase::project_root`] (GitLab's `CI_PROJECT_DIR`). The
/// fingerprint is a hash of the rule, the path, the object and the trimmed text of the
/// finding's line, so a finding keeps it when lines move; GitLab compares a merge request with
/// its target branch by fingerprint. Two findings that would share one are told apart by their
/// order, since GitLab shows only the first issue of a duplicated fingerprint.
#[must_use]
pub fn gitlab(diagnostics: &[Diagnostic], paths: &PathBase) -> String {
    let issues: Vec<Issue<'_>> = diagnostics
        .iter()
        .zip(fingerprints(diagnostics, paths))
        .map(|(diagnostic, fingerprint)| {
            let range = diagnostic.range();
            Issue {
                kind: "issue",
                description: format!("{} {}", diagnostic.code, diagnostic.message),
                check_name: &diagnostic.code,
                categories: ["Security"],
                fingerprint,
                severity: severity(diagnostic.severity),
                location: Location {
                    path: paths.display(diagnostic.file.path()),
                    lines: Lines {
                        begin: range.start.line,
                        end: range.end.line,
                    },
                },
            }
        })
        .collect();
    // Strings and numbers always serialize; `[]` keeps the artifact valid if that ever changed.
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}
