//! Every fixable rule's fix fixtures, discovered from `fixtures/<CODE>/fix*.{yaml,json,bicep}`.
//!
//! A fix fixture holds only findings the rule can fix. With only that rule enabled (and unsafe
//! fixes when the rule's fixes are unsafe), fixing it must change the file, leave no finding of
//! the rule and no syntax error, keep the line endings, and be stable: a second run changes
//! nothing. Unsafe fixes must not be applied by a safe run. The change is snapshotted as a
//! unified diff (`tests/snapshots/<CODE>_<fixture>.snap`) so every edit is reviewed.

use std::path::{Path, PathBuf};

use akslint_diagnostics::render::unified_diff;
use akslint_diagnostics::{Applicability, Diagnostic};
use akslint_linter::fix::{FixTarget, apply_fixes, fix_until_stable};
use akslint_linter::{FileFormat, LintSettings, Linter, RuleSelection, Selector, all_rules};
use akslint_syntax::{Limits, bicep, json, yaml};
use akslint_text::SourceFile;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `fix.yaml`, `fix-crlf.yaml`, `fix.json`, ... of a rule, sorted.
fn fix_fixtures(code: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(fixtures_dir().join(code)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_stem()
                .and_then(|stem| stem.to_str())
                .is_some_and(|stem| stem == "fix" || stem.starts_with("fix-"))
        })
        .collect();
    paths.sort();
    paths
}

fn linter(code: &str) -> Linter {
    let selector = Selector::parse(code).expect("a registered code");
    Linter::new(LintSettings {
        rules: RuleSelection::new(&[selector], &[]),
        ..LintSettings::default()
    })
}

/// Fixes `text` with `linter` until stable; the fixed target and the findings left.
fn fix(
    linter: &Linter,
    path: &Path,
    text: &str,
    unsafe_fixes: bool,
) -> (FixTarget, Vec<Diagnostic>) {
    let format = FileFormat::from_path(path).unwrap_or(FileFormat::Yaml);
    let file = SourceFile::new(path, text.to_owned());
    let mut targets = [FixTarget::new(file, format)];
    let mut found = fix_until_stable(&mut targets, unsafe_fixes, |targets| {
        targets
            .iter()
            .map(|target| linter.lint(&target.file, target.format))
            .collect()
    });
    let [target] = targets;
    (target, found.pop().unwrap_or_default())
}

fn syntax_errors(path: &Path, text: &str) -> usize {
    match FileFormat::from_path(path) {
        Some(FileFormat::Json) => json::parse(text, &Limits::default()).errors.len(),
        Some(FileFormat::Bicep) => bicep::parse(text, &Limits::default()).errors.len(),
        _ => yaml::parse(text, &Limits::default()).errors.len(),
    }
}

#[test]
fn every_fixable_rule_fixes_its_fix_fixtures() {
    let mut problems = Vec::new();
    for rule in all_rules() {
        let meta = rule.meta();
        let code = meta.code;
        let fixtures = fix_fixtures(code);
        let Some(applicability) = meta.fix else {
            if !fixtures.is_empty() {
                problems.push(format!(
                    "{code}: fix fixtures, but the rule declares no fix"
                ));
            }
            continue;
        };
        if fixtures.is_empty() {
            problems.push(format!(
                "{code}: declares a fix but has no fixtures/{code}/fix.yaml or fix.json"
            ));
        }
        let unsafe_fixes = applicability == Applicability::Unsafe;
        let linter = linter(code);
        for path in fixtures {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let label = format!("{code}/{name}");
            let text = std::fs::read_to_string(&path).expect("fixture is readable");
            let display = Path::new(code).join(&name);
            let (fixed, left) = fix(&linter, &display, &text, unsafe_fixes);
            let output = fixed.output();
            if !fixed.is_changed() {
                problems.push(format!("{label}: nothing was fixed"));
            }
            let own: Vec<&str> = left
                .iter()
                .filter(|d| d.code == code)
                .map(|d| d.message.as_str())
                .collect();
            if !own.is_empty() {
                problems.push(format!("{label}: findings left after fixing: {own:?}"));
            }
            if syntax_errors(&path, &output) > 0 {
                problems.push(format!(
                    "{label}: the fixed file has syntax errors:\n{output}"
                ));
            }
            if text.contains("\r\n") && output.replace("\r\n", "").contains('\n') {
                problems.push(format!("{label}: a CRLF file got LF line endings"));
            }
            let (again, _) = fix(&linter, &display, &output, unsafe_fixes);
            if again.is_changed() {
                problems.push(format!("{label}: a second run changed the file again"));
            }
            if unsafe_fixes {
                let (safe_only, _) = fix(&linter, &display, &text, false);
                if safe_only.is_changed() {
                    problems.push(format!("{label}: a safe run applied unsafe fixes"));
                }
            }
            let diff = unified_diff(&display.to_string_lossy(), &text, &output);
            let stem = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().replace('-', "_"))
                .unwrap_or_default();
            let extension = path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .filter(|e| e != "yaml")
                .map(|e| format!("_{e}"))
                .unwrap_or_default();
            insta::with_settings!({
                snapshot_path => "snapshots",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(format!("{code}_{stem}{extension}"), diff);
            });
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fixable_rule_documents_its_fix() {
    for rule in all_rules() {
        let meta = rule.meta();
        if meta.fix.is_none() {
            continue;
        }
        let docs = akslint_linter::docs::markdown(meta.docs);
        let fix = docs.find("\n## Fix\n");
        let use_instead = docs.find("## Use instead");
        let options = docs.find("## Options");
        assert!(
            fix.is_some() && use_instead < fix && fix < options,
            "{}: a `## Fix` section between `## Use instead` and `## Options` says what the fix does and why it is {}",
            meta.code,
            meta.fix.map_or("", Applicability::as_str)
        );
    }
}

/// Fixes of several rules that insert at the same place conflict; they land one round after
/// another, and the result is what one would write by hand.
#[test]
fn fixes_of_many_rules_converge_over_rounds() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: shop.azurecr.io/web:1.4.2
";
    let linter = linter("recommended");
    let path = Path::new("converge.yaml");
    let (fixed, left) = fix(&linter, path, text, true);
    let codes: Vec<&str> = left.iter().map(|d| d.code.as_ref()).collect();
    assert!(
        left.iter().all(|d| d.fix.is_none()),
        "fixable findings left: {codes:?}"
    );
    let (again, _) = fix(&linter, path, &fixed.output(), true);
    assert!(!again.is_changed());
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(
            "fixes_converge",
            format!("{}\nleft: {codes:?}\n", fixed.output())
        );
    });
}

fn first_fix(code: &str, text: &str) -> Option<akslint_diagnostics::Fix> {
    let file = SourceFile::new("t.yaml", text.to_owned());
    linter(code)
        .lint(&file, FileFormat::Yaml)
        .into_iter()
        .find(|d| d.code == code)
        .and_then(|d| d.fix.map(|fix| *fix))
}

#[test]
fn fixes_that_the_api_server_would_reject_are_not_offered() {
    let privileged = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    securityContext: {privileged: true}\n";
    assert_eq!(first_fix("K8S102", privileged), None);
    let sys_admin = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    securityContext: {capabilities: {add: [CAP_SYS_ADMIN]}}\n";
    assert_eq!(first_fix("K8S102", sys_admin), None);
    let root = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    securityContext: {runAsUser: 0}\n";
    assert_eq!(first_fix("K8S103", root), None);
    // A profile that names a local profile file is meant to be `Localhost`.
    let localhost = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    securityContext: {seccompProfile: {type: Unconfined, localhostProfile: p.json}}\n";
    let fix = first_fix("K8S113", localhost).expect("a fix");
    assert_eq!(fix.message, "set `seccompProfile.type: Localhost`");
    assert_eq!(fix.edits[0].content, "Localhost");
    let quoted = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: \"false\"\n  containers: [{name: app}]\n";
    assert_eq!(first_fix("K8S125", quoted), None);
}

/// Renaming a misspelled key next to the correct one would write a duplicate key: the re-parse
/// check drops that fix, and the file stays as it was.
#[test]
fn a_fix_that_would_make_the_file_invalid_is_dropped() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    securityContext:\n      allowPrivilegeEscalaton: true\n      allowPrivilegeEscalation: false\n";
    assert!(first_fix("K8S124", text).is_some());
    let (fixed, left) = fix(&linter("K8S124"), Path::new("dup.yaml"), text, true);
    assert!(!fixed.is_changed());
    assert_eq!(fixed.output(), text);
    assert_eq!(left.iter().filter(|d| d.code == "K8S124").count(), 1);
}

/// Every fixture of every rule, fixed with every rule and unsafe fixes: no syntax error is
/// added, a fix left over is one that cannot apply (it would break the file, e.g. a rename onto a
/// key that another fix created), and a second run changes nothing.
#[test]
fn fixing_every_fixture_with_every_rule_is_valid_and_stable() {
    let linter = linter("all");
    let mut problems = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .filter_map(Result::ok)
        .flat_map(|dir| std::fs::read_dir(dir.path()).into_iter().flatten())
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        // Bicep fixtures may keep their modules in a folder beside them.
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let (fixed, left) = fix(&linter, &path, &text, true);
        let output = fixed.output();
        let label = path.display();
        if syntax_errors(&path, &output) > syntax_errors(&path, &text) {
            problems.push(format!("{label}: fixing added a syntax error:\n{output}"));
        }
        let fixable: Vec<String> = left
            .iter()
            .filter(|d| {
                apply_fixes(&fixed.file, fixed.format, std::slice::from_ref(*d), true).is_some()
            })
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        if !fixable.is_empty() {
            problems.push(format!("{label}: fixable findings left: {fixable:?}"));
        }
        let (again, _) = fix(&linter, &path, &output, true);
        if again.is_changed() {
            problems.push(format!("{label}: a second run changed the file"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// ARM values that come from a parameter, a variable or an expression are fixed where they are
/// written, by the author, never inside the expression: those findings have no fix.
#[test]
fn arm_values_from_parameters_variables_or_expressions_get_no_fix() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "rbac": { "type": "bool", "defaultValue": false } },
  "variables": { "off": false, "props": { "enableRBAC": false } },
  "resources": [
    { "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "a",
      "properties": { "enableRBAC": "[parameters('rbac')]" } },
    { "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "b",
      "properties": { "enableRBAC": "[variables('off')]" } },
    { "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "c",
      "properties": "[union(variables('props'), json('{}'))]" },
    { "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "d",
      "properties": { "enableRBAC": "[not(true())]" } }
  ]
}"#;
    let file = SourceFile::new("t.json", template.to_owned());
    let found: Vec<Diagnostic> = linter("AKS108")
        .lint(&file, FileFormat::Json)
        .into_iter()
        .filter(|d| d.code == "AKS108")
        .collect();
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found.iter().all(|d| d.fix.is_none()), "{found:?}");
}
