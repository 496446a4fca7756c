//! Every rule's `fail` and `pass` fixtures, discovered from `fixtures/<CODE>/`.
//!
//! A `fail` fixture must raise the rule at least once; its diagnostics, rendered in the full
//! format, are snapshotted so every span is reviewed. A `pass` fixture must raise nothing at all
//! for the rule, and no syntax error.

use std::path::{Path, PathBuf};

use akslint_diagnostics::render::{FullOptions, full};
use akslint_linter::{FileFormat, LintSettings, Linter, RuleSelection, Selector, all_rules};
use akslint_text::SourceFile;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn fixture(code: &str, stem: &str) -> Option<PathBuf> {
    let dir = fixtures_dir().join(code);
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .find(|path| path.is_file())
}

/// AKS and ARM rules read ARM templates and Bicep alike: each also has
/// `fixtures/<CODE>/{fail,pass}.bicep`.
fn bicep_fixture(code: &str, stem: &str) -> Option<PathBuf> {
    Some(fixtures_dir().join(code).join(format!("{stem}.bicep"))).filter(|path| path.is_file())
}

fn reads_azure(code: &str) -> bool {
    code.starts_with("AKS") || code.starts_with("ARM")
}

fn lint_with_only(code: &str, path: &Path) -> Vec<akslint_diagnostics::Diagnostic> {
    let selector = Selector::parse(code).expect("a registered code");
    let settings = LintSettings {
        rules: RuleSelection::new(&[selector], &[]),
        ..LintSettings::default()
    };
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let display = path
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or(path);
    let file = SourceFile::new(display, text);
    let format = FileFormat::from_path(path).unwrap_or(FileFormat::Yaml);
    Linter::new(settings).lint(&file, format)
}

#[test]
fn every_rule_fails_its_fail_fixture_and_passes_its_pass_fixture() {
    let mut problems = Vec::new();
    for rule in all_rules() {
        let code = rule.meta().code;
        let (Some(fail), Some(pass)) = (fixture(code, "fail"), fixture(code, "pass")) else {
            problems.push(format!(
                "{code}: fixtures/{code}/fail.yaml and pass.yaml are required"
            ));
            continue;
        };
        let found = lint_with_only(code, &fail);
        let own: Vec<_> = found.iter().filter(|d| d.code == code).cloned().collect();
        if own.is_empty() {
            problems.push(format!("{code}: fail fixture raised nothing"));
        }
        for diagnostic in &own {
            problems.extend(message_problem(diagnostic));
        }
        insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(code, full(&own, FullOptions::default()));
        });
        problems.extend(pass_problem(code, &pass));
        if reads_azure(code) {
            problems.extend(check_bicep_fixtures(code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A problem when the pass fixture at `path` raises anything.
fn pass_problem(code: &str, path: &Path) -> Option<String> {
    let passed = lint_with_only(code, path);
    (!passed.is_empty()).then(|| {
        format!(
            "{code}: pass fixture {} raised {:?}",
            path.display(),
            passed
                .iter()
                .map(|d| (d.code.as_ref(), d.message.as_str()))
                .collect::<Vec<_>>()
        )
    })
}

/// The Bicep fixtures of an AKS or ARM rule: the rule reports on the `.bicep` source (snapshot
/// `<CODE>-bicep`), and the pass fixture is clean.
fn check_bicep_fixtures(code: &str) -> Vec<String> {
    let (Some(fail), Some(pass)) = (bicep_fixture(code, "fail"), bicep_fixture(code, "pass"))
    else {
        return vec![format!(
            "{code}: fixtures/{code}/fail.bicep and pass.bicep are required"
        )];
    };
    let mut problems = Vec::new();
    let own: Vec<_> = lint_with_only(code, &fail)
        .into_iter()
        .filter(|d| d.code == code)
        .collect();
    if own.is_empty() {
        problems.push(format!("{code}: fail.bicep raised nothing"));
    }
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("{code}-bicep"), full(&own, FullOptions::default()));
    });
    problems.extend(pass_problem(code, &pass));
    problems
}

/// Messages name the object they are about (`Deployment `web``), start in lowercase (or with the
/// object's kind) and have no trailing period, and a help says what to write instead.
fn message_problem(diagnostic: &akslint_diagnostics::Diagnostic) -> Option<String> {
    let code = &diagnostic.code;
    let message = &diagnostic.message;
    if let Some(object) = &diagnostic.object
        && let Some(name) = &object.name
    {
        // ARM resources are named by the last segment of their type (`managedClusters `aks``).
        let kind = object.kind.rsplit('/').next().unwrap_or(&object.kind);
        let named = format!("{kind} `{name}`");
        if !message.to_lowercase().contains(&named.to_lowercase()) {
            return Some(format!("{code}: message does not name {named}: {message}"));
        }
    }
    // A message may start with the object's kind (`Deployment `web` sets ...`).
    let starts_with_kind = diagnostic
        .object
        .as_ref()
        .is_some_and(|object| !object.kind.is_empty() && message.starts_with(&object.kind));
    let capitalised = message.starts_with(|c: char| c.is_ascii_uppercase()) && !starts_with_kind;
    if capitalised || message.ends_with('.') {
        return Some(format!(
            "{code}: message style (lowercase start, no final period): {message}"
        ));
    }
    if diagnostic.object.is_some() && diagnostic.help.is_none() {
        return Some(format!(
            "{code}: no help saying what to write instead: {message}"
        ));
    }
    None
}

#[test]
fn no_fixture_folder_without_a_rule() {
    let codes: Vec<&str> = all_rules().iter().map(|r| r.meta().code).collect();
    for entry in std::fs::read_dir(fixtures_dir()).expect("fixtures dir") {
        let name = entry.expect("entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            codes.contains(&name.as_ref()),
            "fixtures/{name} names no rule"
        );
    }
}

#[test]
fn every_rule_is_documented_under_the_fixed_headings() {
    const HEADINGS: [&str; 6] = [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## Use instead",
        "## Options",
        "## References",
    ];
    for rule in all_rules() {
        let meta = rule.meta();
        let docs = akslint_linter::docs::markdown(meta.docs);
        let mut last = 0;
        for heading in HEADINGS {
            let at = docs
                .find(heading)
                .unwrap_or_else(|| panic!("{}: missing `{heading}`", meta.code));
            assert!(at >= last, "{}: `{heading}` out of order", meta.code);
            last = at;
        }
        assert!(!meta.summary().is_empty(), "{}: empty summary", meta.code);
        if !meta.is_engine_rule() {
            assert!(
                !meta.references.is_empty(),
                "{}: no equivalent checks",
                meta.code
            );
        }
    }
}
