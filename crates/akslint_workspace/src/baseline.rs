//! Baselines: the findings a repository already has, recorded so that only new ones are
//! reported while the old ones are fixed over time.
//!
//! A finding is recorded by file, rule code and object identity (kind, namespace, name), with a
//! count, and never by line: editing a file above a finding does not make it new. When a file
//! has more findings of a code in an object than the baseline counts, the extra ones (the last
//! in the file) are reported. Syntax errors and input limits (`AKL001`, `AKL004`) are never
//! recorded: a file that cannot be read must not pass silently.

use std::collections::BTreeMap;
use std::path::Path;

use akslint_diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};

/// The version of the baseline file format.
const FORMAT_VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// The format version.
    pub version: u32,
    /// The recorded findings, sorted.
    pub findings: Vec<BaselineEntry>,
}

/// Findings of one rule in one object of one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The file, as akslint shows it, with `/` separators.
    pub path: String,
    /// The rule code.
    pub code: String,
    /// `Kind/namespace/name` of the object (`-` for a missing part), or `null` for findings
    /// outside objects.
    pub object: Option<String>,
    /// How many such findings there were.
    pub count: usize,
}

type Key = (String, String, Option<String>);

fn key(diagnostic: &Diagnostic) -> Key {
    let path = diagnostic.path().replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path).to_owned();
    let object = diagnostic.object.as_ref().map(|object| {
        format!(
            "{}/{}/{}",
            object.kind,
            object.namespace.as_deref().unwrap_or("-"),
            object.name.as_deref().unwrap_or("-")
        )
    });
    (path, diagnostic.code.to_string(), object)
}

fn recordable(diagnostic: &Diagnostic) -> bool {
    !matches!(diagnostic.code.as_ref(), "AKL001" | "AKL004")
}

impl Baseline {
    /// The baseline of these findings.
    #[must_use]
    pub fn record(diagnostics: &[Diagnostic]) -> Self {
        let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
        for diagnostic in diagnostics.iter().filter(|d| recordable(d)) {
            *counts.entry(key(diagnostic)).or_default() += 1;
        }
        Self {
            version: FORMAT_VERSION,
            findings: counts
                .into_iter()
                .map(|((path, code, object), count)| BaselineEntry {
                    path,
                    code,
                    object,
                    count,
                })
                .collect(),
        }
    }

    /// Reads a baseline file.
    ///
    /// # Errors
    /// When it cannot be read or is not a baseline of a known version.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        let baseline: Self = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not an akslint baseline: {e}", path.display()))?;
        if baseline.version != FORMAT_VERSION {
            return Err(format!(
                "{} has baseline format version {}; this akslint reads version {FORMAT_VERSION}",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty JSON.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write the baseline {}: {e}", path.display()))
    }

    /// Drops the findings the baseline accounts for; `diagnostics` must be in output order, so
    /// that the ones kept are the last of each group.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut remaining: BTreeMap<Key, usize> = self
            .findings
            .iter()
            .map(|e| ((e.path.clone(), e.code.clone(), e.object.clone()), e.count))
            .collect();
        diagnostics.retain(|diagnostic| {
            if !recordable(diagnostic) {
                return true;
            }
            match remaining.get_mut(&key(diagnostic)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use akslint_diagnostics::{ObjectRef, Severity};
    use akslint_text::{SourceFile, Span};

    use super::*;

    fn finding(code: &'static str, path: &str, name: &str, at: u32) -> Diagnostic {
        Diagnostic {
            code: Cow::Borrowed(code),
            name: Cow::Borrowed("x"),
            severity: Severity::Error,
            message: "m".to_owned(),
            help: None,
            file: SourceFile::new(path, "x".repeat(100)),
            span: Span::new(at, at + 1),
            object: Some(std::sync::Arc::new(ObjectRef {
                kind: "Pod".to_owned(),
                name: Some(name.to_owned()),
                namespace: None,
            })),
            source_template: None,
            rendered_range: None,
            related: Vec::new(),
            url: None,
            fix: None,
        }
    }

    #[test]
    fn moved_findings_stay_known_and_extra_ones_are_new() {
        let before = vec![
            finding("K8S102", "./a.yaml", "web", 10),
            finding("K8S102", "./a.yaml", "web", 20),
            finding("AKL001", "./b.yaml", "x", 1),
        ];
        let baseline = Baseline::record(&before);
        assert_eq!(baseline.findings.len(), 1);
        assert_eq!(baseline.findings[0].path, "a.yaml");
        assert_eq!(baseline.findings[0].object.as_deref(), Some("Pod/-/web"));
        // Lines moved, one more finding in the same object, one in a new object.
        let mut after = vec![
            finding("K8S102", "./a.yaml", "web", 40),
            finding("K8S102", "./a.yaml", "web", 50),
            finding("K8S102", "./a.yaml", "web", 60),
            finding("K8S102", "./a.yaml", "api", 70),
            finding("AKL001", "./b.yaml", "x", 1),
        ];
        baseline.filter(&mut after);
        let left: Vec<(String, u32)> = after
            .iter()
            .map(|d| (d.code.to_string(), d.span.start))
            .collect();
        assert_eq!(
            left,
            [
                ("K8S102".to_owned(), 60),
                ("K8S102".to_owned(), 70),
                ("AKL001".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn files_round_trip_and_wrong_versions_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("baseline.json");
        let baseline = Baseline::record(&[finding("K8S101", "a.yaml", "web", 1)]);
        baseline.save(&path).expect("saved");
        assert_eq!(Baseline::load(&path).expect("loaded"), baseline);
        std::fs::write(&path, "{\"version\": 9, \"findings\": []}").expect("written");
        assert!(Baseline::load(&path).is_err());
    }
}
