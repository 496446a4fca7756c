//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! Hand-written serde structs for the small subset akslint emits; the output is validated
//! against the official schema in `tests/ci_formats.rs`.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::common::{Located, PathBase, fingerprints, message_with_help};
use crate::{Diagnostic, Severity, rule_url};

/// What the SARIF `rules` array says about a rule.
///
/// The renderer cannot see akslint's rule registry (it sits below the linter), so the caller
/// describes the rules; codes without a descriptor (policy constraints, for instance) get a
/// minimal one built from their diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDescriptor {
    /// The permanent code, e.g. `K8S102`: SARIF's `id`.
    pub code: String,
    /// The kebab-case name, e.g. `privilege-escalation-allowed`.
    pub name: String,
    /// The category (`pod-security`), used as a tag.
    pub category: String,
    /// The default severity: `defaultConfiguration.level`.
    pub severity: Severity,
    /// One sentence: `shortDescription` (cut at 1024 characters).
    pub summary: String,
    /// A paragraph: `fullDescription` (cut at 1024 characters); the summary when empty.
    pub description: String,
    /// The rule's documentation in Markdown: `help`.
    pub help_markdown: String,
    /// Tags besides `security` and the category, e.g. `pss-restricted`.
    pub extra_tags: Vec<String>,
    /// GitHub's `security-severity` score (0.1 to 10.0); when `None`, it follows the severity:
    /// error 8.0 (high), warning 5.0 (medium), note 2.0 (low).
    pub security_severity: Option<f64>,
}

impl RuleDescriptor {
    /// A descriptor with only identity and severity; the texts fall back to the code and name.
    #[must_use]
    pub fn new(
        code: impl Into<String>,
        name: impl Into<String>,
        category: impl Into<String>,
        severity: Severity,
    ) -> Self {
        Self {
            code: code.into(),
            name: name.into(),
            category: category.into(),
            severity,
            summary: String::new(),
            description: String::new(),
            help_markdown: String::new(),
            extra_tags: Vec::new(),
            security_severity: None,
        }
    }

    fn security_severity(&self) -> String {
        let score = self
            .security_severity
            .unwrap_or(match self.severity {
                Severity::Error => 8.0,
                Severity::Warning => 5.0,
                Severity::Note => 2.0,
            })
            // GitHub rejects scores outside 0.1..=10.0; NaN becomes the lowest score.
            .clamp(0.1, 10.0);
        let score = if score.is_nan() { 0.1 } else { score };
        format!("{score:.1}")
    }
}

/// Inputs of [`sarif`] besides the diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct SarifOptions<'a> {
    /// Descriptions of the rules. Only those with results are written (see [`sarif`]).
    pub rules: &'a [RuleDescriptor],
    /// How paths are made repository-relative.
    pub paths: &'a PathBase,
}

/// The `partialFingerprints` key; `/v1` so that a future change of the identity can use a
/// new key instead of silently reopening every alert.
const FINGERPRINT_KEY: &str = "akslintObjectIdentity/v1";
/// The base that relative artifact URIs are resolved against.
const SRCROOT: &str = "%SRCROOT%";
/// GitHub's limits on rule texts, in characters.
const MAX_DESCRIPTION: usize = 1024;
/// GitHub keeps at most 20 tags per rule and rejects more.
const MAX_TAGS: usize = 20;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct BaseUri {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    description: Text,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// 1-based lines and columns; columns in UTF-16 code units, as the run's `columnKind` says,
/// with the end column one past the last character.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

fn region(file: &akslint_text::SourceFile, span: akslint_text::Span) -> Region {
    let index = file.line_index();
    let start = index.utf16_position(span.start, file.text());
    let end = index.utf16_position(span.end, file.text());
    Region {
        start_line: start.line + 1,
        start_column: start.col + 1,
        end_line: end.line + 1,
        end_column: end.col + 1,
    }
}

fn location(
    paths: &PathBase,
    file: &akslint_text::SourceFile,
    span: akslint_text::Span,
) -> PhysicalLocation {
    let artifact_location = match paths.locate(file.path()) {
        Located::Relative(path) => ArtifactLocation {
            uri: percent_encode(&path),
            uri_base_id: Some(SRCROOT),
        },
        Located::Absolute(path) => ArtifactLocation {
            uri: file_uri(&path),
            uri_base_id: None,
        },
    };
    PhysicalLocation {
        artifact_location,
        region: region(file, span),
    }
}

/// Percent-encodes everything but the characters RFC 3986 allows unescaped in a path, so that
/// spaces, `#`, `?`, `%` and non-ASCII names survive as part of the path. `:` is encoded too: in
/// the first segment of a relative reference it would read as a scheme.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'/' | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A `file://` URI for an absolute, `/`-separated path (`C:/x` becomes `file:///C:/x`).
fn file_uri(path: &str) -> String {
    let mut out = String::from("file://");
    if !path.starts_with('/') {
        out.push('/');
    }
    // The drive letter's colon is part of a path segment here, not a scheme, so it may stay.
    out.push_str(&percent_encode(path).replace("%3A", ":"));
    out
}

/// `text` cut to at most `max` characters, ending in `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text[end..].chars().nth(1).is_some() => {
            format!("{}…", text[..end].trim_end())
        }
        _ => text.to_owned(),
    }
}

/// The first of `texts` that is not blank.
fn first_non_blank<'t>(texts: &[&'t str]) -> &'t str {
    texts
        .iter()
        .copied()
        .find(|text| !text.trim().is_empty())
        .unwrap_or_default()
}

fn rule(descriptor: &RuleDescriptor, help_uri: Option<String>) -> Rule {
    // GitHub treats an empty string as a missing (required) property, so every text falls back
    // to something that is never empty.
    let fallback = format!("{} {}", descriptor.code, descriptor.name);
    let summary = first_non_blank(&[&descriptor.summary, &fallback]);
    let description = first_non_blank(&[&descriptor.description, summary]);
    let help_text = match &help_uri {
        Some(uri) => format!("{description}\n\nDocumentation: {uri}"),
        None => description.to_owned(),
    };
    let help_markdown = first_non_blank(&[&descriptor.help_markdown, &help_text]);
    let mut tags = vec!["security".to_owned()];
    for tag in std::iter::once(&descriptor.category).chain(&descriptor.extra_tags) {
        if !tag.is_empty() && !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    tags.truncate(MAX_TAGS);
    Rule {
        id: descriptor.code.clone(),
        name: descriptor.name.clone(),
        short_description: Text {
            text: truncate(summary, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: truncate(description, MAX_DESCRIPTION),
        },
        help: Help {
            text: if descriptor.help_markdown.trim().is_empty() {
                help_text.clone()
            } else {
                descriptor.help_markdown.clone()
            },
            markdown: help_markdown.to_owned(),
        },
        help_uri,
        default_configuration: Configuration {
            level: descriptor.severity.as_str(),
        },
        properties: RuleProperties {
            tags,
            security_severity: descriptor.security_severity(),
        },
    }
}

/// The `rules` array and, for each diagnostic, its index in it.
///
/// Only rules with results are listed, in code order: that is what GitHub recommends (the
/// rules array describes the results), it keeps a clean run's file small, and the list does not
/// depend on which rules were selected. A code with no descriptor gets one made from its first
/// diagnostic, so every result has a rule.
fn rules_for(
    diagnostics: &[Diagnostic],
    descriptors: &[RuleDescriptor],
) -> (Vec<Rule>, Vec<usize>) {
    let by_code: HashMap<&str, &RuleDescriptor> = descriptors
        .iter()
        .map(|descriptor| (descriptor.code.as_str(), descriptor))
        .collect();
    let mut used: BTreeMap<&str, &Diagnostic> = BTreeMap::new();
    for diagnostic in diagnostics {
        used.entry(diagnostic.code.as_ref()).or_insert(diagnostic);
    }
    let mut rules = Vec::with_capacity(used.len());
    let mut index_of = HashMap::with_capacity(used.len());
    for (position, (code, first)) in used.into_iter().enumerate() {
        index_of.insert(code, position);
        rules.push(match by_code.get(code) {
            Some(descriptor) => rule(descriptor, Some(rule_url(code))),
            None => {
                let descriptor = RuleDescriptor::new(code, first.name.as_ref(), "", first.severity);
                rule(&descriptor, first.url.as_deref().map(str::to_owned))
            }
        });
    }
    let indices = diagnostics
        .iter()
        .map(|diagnostic| index_of.get(diagnostic.code.as_ref()).copied().unwrap_or(0))
        .collect();
    (rules, indices)
}

/// The file URI of the project root, with the trailing slash SARIF requires of a base URI.
fn root_uri(paths: &PathBase) -> Option<String> {
    if !paths.project_root.has_root() {
        return None;
    }
    let mut uri = file_uri(&paths.root_display());
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

/// The findings as a SARIF 2.1.0 log with exactly one run, for GitHub code scanning.
///
/// Paths are repository-relative URIs under `%SRCROOT%` (absolute `file://` URIs when outside
/// [`PathBase::project_root`]); regions are 1-based with UTF-16 columns (`columnKind:
/// utf16CodeUnits`, as GitHub and VS Code count); every result has a `partialFingerprints` entry
/// that survives line moves (the rule, path, object and the trimmed text of its line). The
/// rules array lists the rules that have results, described by `options.rules`.
#[must_use]
pub fn sarif(diagnostics: &[Diagnostic], options: SarifOptions<'_>) -> String {
    let paths = options.paths;
    let (rules, indices) = rules_for(diagnostics, options.rules);
    let results = diagnostics
        .iter()
        .zip(indices)
        .zip(fingerprints(diagnostics, paths))
        .map(|((diagnostic, rule_index), fingerprint)| SarifResult {
            rule_id: &diagnostic.code,
            rule_index,
            level: diagnostic.severity.as_str(),
            message: Text {
                text: message_with_help(diagnostic).into_owned(),
            },
            locations: [Location {
                id: None,
                physical_location: location(paths, &diagnostic.file, diagnostic.span),
                message: None,
            }],
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
            related_locations: diagnostic
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| Location {
                    id: Some(id),
                    physical_location: location(paths, &related.file, related.span),
                    message: Some(Text {
                        text: related.message.clone(),
                    }),
                })
                .collect(),
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "akslint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: "utf16CodeUnits",
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseUri {
                    uri: root_uri(paths),
                    description: Text {
                        text: "The project root: relative artifact URIs are resolved against it"
                            .to_owned(),
                    },
                },
            )]),
            results,
        }],
    };
    // Serializing plain structs of strings and numbers cannot fail; an empty log is still valid
    // JSON for a consumer if it somehow did.
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_a_path_may_not_hold() {
        assert_eq!(
            percent_encode("deploy/my app/pöd#1.yaml"),
            "deploy/my%20app/p%C3%B6d%231.yaml"
        );
        assert_eq!(percent_encode("a:b/100%.yaml"), "a%3Ab/100%25.yaml");
        assert_eq!(file_uri("/tmp/a b.yaml"), "file:///tmp/a%20b.yaml");
        assert_eq!(file_uri("C:/x/y.yaml"), "file:///C:/x/y.yaml");
    }

    #[test]
    fn descriptions_are_cut_at_1024_characters() {
        let long = "é".repeat(2000);
        let cut = truncate(&long, MAX_DESCRIPTION);
        assert_eq!(cut.chars().count(), MAX_DESCRIPTION);
        assert!(cut.ends_with('…'));
        let exact = "x".repeat(MAX_DESCRIPTION);
        assert_eq!(truncate(&exact, MAX_DESCRIPTION), exact);
    }

    #[test]
    fn security_severity_defaults_by_severity_and_is_clamped() {
        let mut rule = RuleDescriptor::new("K8S1", "a", "c", Severity::Warning);
        assert_eq!(rule.security_severity(), "5.0");
        rule.security_severity = Some(7.5);
        assert_eq!(rule.security_severity(), "7.5");
        rule.security_severity = Some(42.0);
        assert_eq!(rule.security_severity(), "10.0");
        rule.security_severity = Some(f64::NAN);
        assert_eq!(rule.security_severity(), "0.1");
    }
}
