//! Suppressions: inline comments, file-wide comments and object annotations.
//!
//! - `# akslint: ignore[K8S102, host-network] reason` on the line of a node, or alone on the line
//!   before it, silences those rules for the node and its subtree (a container, a field, ...).
//! - `# akslint: ignore-file[K8S102] reason` anywhere silences them for the whole file.
//! - Without `[...]` both forms silence every rule.
//! - The annotation `ignore.akslint.io/<code-or-name>: "<reason>"` on an object silences the rule
//!   for that object.
//!
//! A policy finding (see `akslint_policy`) is named by its constraint's kind or name.
//!
//! `//` comments work the same in JSONC and Bicep. A suppression naming a rule that does not
//! exist is reported as `AKL002`; one that silences nothing as `AKL003` (only when every rule it
//! names is enabled, since a disabled rule could not have raised anything).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use akslint_diagnostics::Diagnostic;
use akslint_model::k8s::objects;
use akslint_syntax::{NodeRef, ParsedFile};
use akslint_text::{SourceFile, Span};

use crate::context::new_diagnostic;
use crate::rules::akl::{UnknownSuppression, UnusedSuppression};
use crate::{RuleMeta, RuleMetadata, RuleSelection, find_rule};

/// The annotation prefix of object-level suppressions.
pub const ANNOTATION_PREFIX: &str = "ignore.akslint.io/";

/// Which rules a suppression names.
#[derive(Debug, Clone)]
enum Rules {
    /// Every rule (no `[...]`).
    All,
    /// The named rules, each with where it is written; `None` for a name no rule has.
    Named(Vec<(Option<&'static RuleMeta>, String, Span)>),
}

/// Where a suppression applies.
#[derive(Debug, Clone, Copy)]
enum Reach {
    /// Findings that start within this byte range.
    Range(u32, u32),
    /// The whole file.
    File,
}

#[derive(Debug, Clone)]
struct Suppression {
    rules: Rules,
    reach: Reach,
    /// The comment or annotation, where unused ones are reported.
    span: Span,
    used: bool,
}

impl Suppression {
    fn covers(&self, diagnostic: &Diagnostic) -> bool {
        let in_reach = match self.reach {
            Reach::File => true,
            Reach::Range(start, end) => (start..=end).contains(&diagnostic.span.start),
        };
        in_reach
            && match &self.rules {
                Rules::All => true,
                Rules::Named(rules) => rules.iter().any(|(meta, name, _)| match meta {
                    Some(meta) => meta.code == diagnostic.code,
                    // A rule loaded at run time (a policy): by its code or name.
                    None => *name == diagnostic.code || *name == diagnostic.name,
                }),
            }
    }
}

/// The suppressions of one file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    entries: Vec<Suppression>,
    /// Directives that start like a suppression but cannot be read: (span, problem).
    malformed: Vec<(Span, String)>,
}

impl Suppressions {
    /// Reads the suppression comments and annotations of a parsed file.
    #[must_use]
    pub fn collect(file: &SourceFile, parsed: &ParsedFile<'_>) -> Self {
        let mut suppressions = Self::default();
        let mut inline = Vec::new();
        for comment in &parsed.comments {
            let text_start = comment.span.end - comment_len(&comment.text);
            match parse_directive(&comment.text, text_start) {
                Some(Ok((file_wide, rules))) => {
                    if file_wide {
                        suppressions.entries.push(Suppression {
                            rules,
                            reach: Reach::File,
                            span: comment.span,
                            used: false,
                        });
                    } else {
                        inline.push((comment.span, rules));
                    }
                }
                Some(Err(problem)) => suppressions.malformed.push((comment.span, problem)),
                None => {}
            }
        }
        if !inline.is_empty() {
            let reaches = inline_reaches(file, parsed, inline.iter().map(|(span, _)| *span));
            for ((span, rules), reach) in inline.into_iter().zip(reaches) {
                suppressions.entries.push(Suppression {
                    rules,
                    reach,
                    span,
                    used: false,
                });
            }
        }
        for object in objects(parsed) {
            let Some(annotations) = object.metadata().and_then(|m| m.get("annotations")) else {
                continue;
            };
            for (key, _) in annotations.entries() {
                let Some(name) = key.as_str().and_then(|k| k.strip_prefix(ANNOTATION_PREFIX))
                else {
                    continue;
                };
                // The key may be quoted: find the name in its source text.
                let written = file.slice(key.span());
                let span = match written.rfind(name) {
                    Some(at) => {
                        let start = key.span().start + u32::try_from(at).unwrap_or(0);
                        Span::new(start, start + u32::try_from(name.len()).unwrap_or(0))
                    }
                    None => key.span(),
                };
                let rules = Rules::Named(vec![(lookup(name), name.to_owned(), span)]);
                let whole = object.node.span();
                suppressions.entries.push(Suppression {
                    rules,
                    reach: Reach::Range(whole.start, whole.end),
                    span: key.span(),
                    used: false,
                });
            }
        }
        suppressions
    }

    /// Drops the suppressed findings and adds `AKL002`/`AKL003` for unknown and unused
    /// suppressions.
    pub fn apply(
        &mut self,
        file: &Arc<SourceFile>,
        diagnostics: &mut Vec<Diagnostic>,
        selection: &RuleSelection,
    ) {
        diagnostics.retain(|diagnostic| {
            if is_engine_code(&diagnostic.code) {
                return true;
            }
            let mut suppressed = false;
            for suppression in &mut self.entries {
                if suppression.covers(diagnostic) {
                    suppression.used = true;
                    suppressed = true;
                }
            }
            !suppressed
        });
        for (span, problem) in &self.malformed {
            diagnostics.push(new_diagnostic(
                UnknownSuppression.meta(),
                file,
                *span,
                problem.clone(),
                None,
            ));
        }
        for suppression in &self.entries {
            let mut all_known = true;
            if let Rules::Named(rules) = &suppression.rules {
                for (meta, name, span) in rules {
                    if meta.is_none() && selection.external_rule(name).is_none() {
                        all_known = false;
                        diagnostics.push(new_diagnostic(
                            UnknownSuppression.meta(),
                            file,
                            *span,
                            format!("`{name}` is not an akslint rule code or name"),
                            None,
                        ));
                    }
                }
            }
            if suppression.used || !all_known {
                continue;
            }
            let enabled = match &suppression.rules {
                Rules::All => true,
                Rules::Named(rules) => rules.iter().all(|(meta, name, _)| match meta {
                    Some(meta) => selection.is_enabled(meta.code),
                    None => selection
                        .external_rule(name)
                        .is_some_and(|(code, name)| selection.is_external_enabled(code, name)),
                }),
            };
            if enabled {
                diagnostics.push(new_diagnostic(
                    UnusedSuppression.meta(),
                    file,
                    suppression.span,
                    "this suppression silences nothing: remove it".to_owned(),
                    None,
                ));
            }
        }
    }
}

fn is_engine_code(code: &str) -> bool {
    code.starts_with("AKL")
}

fn lookup(name: &str) -> Option<&'static RuleMeta> {
    find_rule(name)
        .map(RuleMetadata::meta)
        .filter(|meta| !meta.is_engine_rule())
}

/// Bytes of the comment text after the marker, to find offsets of names inside it.
fn comment_len(text: &str) -> u32 {
    u32::try_from(text.len()).unwrap_or(0)
}

/// Reads `akslint: ignore[...] reason` / `akslint: ignore-file[...] reason` from a comment's
/// text (after `#` or `//`), which starts at byte `start` of the file. `None` when the comment is
/// not an akslint directive at all.
fn parse_directive(text: &str, start: u32) -> Option<Result<(bool, Rules), String>> {
    let trimmed = text.trim_start();
    let rest = trimmed.strip_prefix("akslint:")?;
    let mut offset = start + offset_in(text, rest);
    let word_end = rest
        .trim_start()
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.trim_start().len());
    let after_ws = rest.trim_start();
    let word = &after_ws[..word_end];
    let file_wide = match word {
        "ignore" => false,
        "ignore-file" => true,
        other => {
            return Some(Err(format!(
                "`akslint: {other}` is not a suppression: write `akslint: ignore[CODE] reason` or `akslint: ignore-file[CODE] reason`"
            )));
        }
    };
    let after_word = &after_ws[word_end..];
    offset += offset_in(rest, after_word);
    let Some(list) = after_word.strip_prefix('[') else {
        return Some(Ok((file_wide, Rules::All)));
    };
    let Some(close) = list.find(']') else {
        return Some(Err(
            "the rule list of this suppression has no closing `]`".to_owned()
        ));
    };
    let list_start = offset + 1;
    let mut rules = Vec::new();
    let mut position = 0usize;
    for part in list[..close].split(',') {
        let name = part.trim();
        let lead = part.len() - part.trim_start().len();
        if !name.is_empty() {
            let at = list_start + u32::try_from(position + lead).unwrap_or(0);
            let span = Span::new(at, at + u32::try_from(name.len()).unwrap_or(0));
            rules.push((lookup(name), name.to_owned(), span));
        }
        position += part.len() + 1;
    }
    if rules.is_empty() {
        return Some(Err(
            "this suppression names no rule between `[` and `]`".to_owned()
        ));
    }
    Some(Ok((file_wide, Rules::Named(rules))))
}

/// Byte offset of `inner` (a subslice) within `outer`.
fn offset_in(outer: &str, inner: &str) -> u32 {
    let offset = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    u32::try_from(offset.min(outer.len())).unwrap_or(0)
}

/// For each inline suppression comment, the range it covers: the outermost node that starts on
/// its line (a trailing comment) or on the next line with code (a comment on its own line), with
/// its subtree; just that line when no node starts there.
fn inline_reaches(
    file: &SourceFile,
    parsed: &ParsedFile<'_>,
    comments: impl Iterator<Item = Span>,
) -> Vec<Reach> {
    let text = file.text();
    let index = file.line_index();
    let targets: Vec<u32> = comments
        .map(|span| {
            let line = index.line_of(span.start);
            let line_start = index.line_span(line, text).start;
            let own_line = text[line_start as usize..span.start as usize]
                .trim()
                .is_empty();
            if own_line {
                next_code_line(file, line)
            } else {
                line
            }
        })
        .collect();
    let wanted: HashSet<u32> = targets.iter().copied().collect();
    let mut ends: HashMap<u32, u32> = HashMap::new();
    let mut visited = HashSet::new();
    for document in &parsed.documents {
        if let Some(root) = parsed.root(document) {
            record_node_ends(root, file, &wanted, &mut ends, &mut visited);
        }
    }
    targets
        .into_iter()
        .map(|line| {
            let span = index.line_span(line, text);
            let end = ends.get(&line).copied().unwrap_or(span.end).max(span.end);
            Reach::Range(span.start, end)
        })
        .collect()
}

/// The first line after `line` that is neither blank nor only a comment.
fn next_code_line(file: &SourceFile, line: u32) -> u32 {
    let text = file.text();
    let index = file.line_index();
    let mut next = line + 1;
    while next < index.line_count() {
        let content = file.slice(index.line_span(next, text)).trim();
        if !(content.is_empty() || content.starts_with('#') || content.starts_with("//")) {
            return next;
        }
        next += 1;
    }
    line
}

/// Records, for the wanted lines, the furthest end of a node or mapping entry starting on them.
fn record_node_ends(
    node: NodeRef<'_>,
    file: &SourceFile,
    wanted: &HashSet<u32>,
    ends: &mut HashMap<u32, u32>,
    visited: &mut HashSet<(u32, u32)>,
) {
    let span = node.span();
    // Aliases share nodes: visit each once.
    if !visited.insert((span.start, span.end)) {
        return;
    }
    let record = |ends: &mut HashMap<u32, u32>, start: u32, end: u32| {
        let line = file.line_index().line_of(start);
        if wanted.contains(&line) {
            let entry = ends.entry(line).or_insert(end);
            *entry = (*entry).max(end);
        }
    };
    record(ends, span.start, span.end);
    for (key, value) in node.entries() {
        let end = if value.span().start >= key.span().start {
            value.span().end
        } else {
            key.span().end
        };
        record(ends, key.span().start, end);
        record_node_ends(value, file, wanted, ends, visited);
    }
    for item in node.items() {
        record_node_ends(item, file, wanted, ends, visited);
    }
}

#[cfg(test)]
mod tests {
    use akslint_syntax::{Limits, yaml};

    use super::*;
    use crate::Selector;

    fn lint(text: &str) -> Vec<(String, u32)> {
        let file = SourceFile::new("s.yaml", text.to_owned());
        let parsed = yaml::parse(file.text(), &Limits::default());
        let mut suppressions = Suppressions::collect(&file, &parsed);
        let selection = RuleSelection::new(&[Selector::parse("all").expect("all")], &[]);
        let settings = crate::LintSettings {
            rules: selection.clone(),
            ..crate::LintSettings::default()
        };
        let linter = crate::Linter::new(settings);
        let mut source = linter.parse(&file, crate::FileFormat::Yaml);
        let project = linter.index(&source);
        let mut diagnostics = linter.lint_parsed(&mut source, &project);
        suppressions.apply(&file, &mut diagnostics, &selection);
        diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    file.line_index().line_of(d.span.start) + 1,
                )
            })
            .collect()
    }

    const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
  hostPID: true
  containers:
    - name: app
      image: app
      securityContext:
        privileged: true
";

    fn has(found: &[(String, u32)], code: &str) -> bool {
        found.iter().any(|(c, _)| c == code)
    }

    #[test]
    fn a_trailing_comment_silences_its_line() {
        let found = lint(&POD.replace(
            "hostNetwork: true",
            "hostNetwork: true # akslint: ignore[K8S107] node agent",
        ));
        assert!(!has(&found, "K8S107"), "{found:?}");
        assert!(has(&found, "K8S108"), "{found:?}");
    }

    #[test]
    fn a_comment_before_a_list_item_silences_its_subtree_by_code_or_name() {
        let found = lint(&POD.replace(
            "    - name: app",
            "    # akslint: ignore[privileged-container, K8S102] debug sidecar\n    - name: app",
        ));
        assert!(!has(&found, "K8S101"), "{found:?}");
        assert!(!has(&found, "K8S102"), "{found:?}");
        assert!(has(&found, "K8S107"), "{found:?}");
    }

    #[test]
    fn file_wide_and_annotation_suppressions() {
        let file_wide = lint(&format!("# akslint: ignore-file[K8S108] reason\n{POD}"));
        assert!(!has(&file_wide, "K8S108"), "{file_wide:?}");
        let annotated = lint(&POD.replace(
            "  name: web\n",
            "  name: web\n  annotations:\n    ignore.akslint.io/host-network: \"node agent\"\n",
        ));
        assert!(!has(&annotated, "K8S107"), "{annotated:?}");
        assert!(has(&annotated, "K8S108"), "{annotated:?}");
    }

    #[test]
    fn unknown_and_unused_suppressions_are_reported() {
        let found = lint(&POD.replace(
            "  hostPID: true",
            "  hostPID: true # akslint: ignore[K8S999]\n  # akslint: ignore[K8S109]\n  hostIPC: false",
        ));
        assert!(has(&found, "AKL002"), "{found:?}");
        assert!(has(&found, "AKL003"), "{found:?}");
        let typo = lint(&format!("# akslint: ignroe[K8S108]\n{POD}"));
        assert!(has(&typo, "AKL002"), "{typo:?}");
    }

    #[test]
    fn json_with_comments_uses_slash_slash() {
        let text = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "web"},
  "spec": {
    // akslint: ignore[K8S107] the node agent needs it
    "hostNetwork": true,
    "hostPID": true, // akslint: ignore[K8S999]
    "containers": [{"name": "app", "image": "app"}]
  }
}
"#;
        let file = SourceFile::new("pod.json", text.to_owned());
        let selection = RuleSelection::new(&[Selector::parse("K8S10").expect("prefix")], &[]);
        let linter = crate::Linter::new(crate::LintSettings {
            rules: selection,
            ..crate::LintSettings::default()
        });
        let found: Vec<String> = linter
            .lint(&file, crate::FileFormat::Json)
            .iter()
            .map(|d| format!("{} {}", d.code, file.slice(d.span)))
            .collect();
        assert!(!found.iter().any(|f| f.starts_with("K8S107")), "{found:?}");
        assert!(found.contains(&"K8S108 true".to_owned()), "{found:?}");
        assert!(found.contains(&"AKL002 K8S999".to_owned()), "{found:?}");
    }

    #[test]
    fn bicep_uses_slash_slash_too() {
        let text = "resource a 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'a'
  properties: {
    // akslint: ignore[AKS108] a lab cluster
    enableRBAC: false
    disableLocalAccounts: false // akslint: ignore[local-accounts-enabled]
  }
}
resource b 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'b'
  properties: {
    enableRBAC: false
  }
}
";
        let file = SourceFile::new("main.bicep", text.to_owned());
        let selection = RuleSelection::new(
            &[
                Selector::parse("AKS107").expect("code"),
                Selector::parse("AKS108").expect("code"),
            ],
            &[],
        );
        let linter = crate::Linter::new(crate::LintSettings {
            rules: selection,
            ..crate::LintSettings::default()
        });
        let found: Vec<String> = linter
            .lint(&file, crate::FileFormat::Bicep)
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|f| f.contains("`b`")), "{found:?}");
    }

    #[test]
    fn directives_are_parsed_with_positions() {
        let text = " akslint: ignore[K8S101 , host-pid] why";
        let Some(Ok((false, Rules::Named(rules)))) = parse_directive(text, 10) else {
            panic!("not parsed");
        };
        assert_eq!(rules.len(), 2);
        let (meta, name, span) = &rules[1];
        assert_eq!(name, "host-pid");
        assert!(meta.is_some());
        assert_eq!(
            &text[(span.start - 10) as usize..(span.end - 10) as usize],
            "host-pid"
        );
        assert!(parse_directive(" just a comment", 0).is_none());
        assert!(matches!(
            parse_directive(" akslint: ignore-file", 0),
            Some(Ok((true, Rules::All)))
        ));
    }
}
