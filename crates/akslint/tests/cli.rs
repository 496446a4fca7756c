//! End-to-end behaviour of the `akslint` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn akslint(args: &[&str], stdin: Option<&str>) -> Output {
    common::run(&repo_root(), args, stdin)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json(output: &Output) -> Vec<serde_json::Value> {
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

fn codes(output: &Output) -> Vec<String> {
    json(output)
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The README's example of a pod that passes every default rule.
const HARDENED: &str = include_str!("../../../testdata/examples/hardened-pod.yaml");

#[test]
fn hardened_pod_exits_0_and_escalation_true_exits_1_at_the_value() {
    let clean = akslint(
        &["check", "-", "--stdin-filename", "pod.yaml"],
        Some(HARDENED),
    );
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    let bad = HARDENED.replace(
        "allowPrivilegeEscalation: false",
        "allowPrivilegeEscalation: true",
    );
    let output = akslint(
        &[
            "check",
            "-",
            "--stdin-filename",
            "pod.yaml",
            "--output-format",
            "json",
        ],
        Some(&bad),
    );
    assert_eq!(output.status.code(), Some(1));
    let findings = json(&output);
    assert_eq!(findings.len(), 1);
    let finding = &findings[0];
    assert_eq!(finding["code"], "K8S102");
    assert_eq!(finding["name"], "privilege-escalation-allowed");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["path"], "pod.yaml");
    // The `true`, on the line that says it.
    let line = bad
        .lines()
        .position(|l| l.contains("allowPrivilegeEscalation"))
        .expect("the example sets it")
        + 1;
    assert_eq!(finding["range"]["start"]["line"], line);
    assert_eq!(finding["range"]["start"]["column"], 35);
    assert_eq!(finding["range"]["end"]["line"], line);
    assert_eq!(finding["range"]["end"]["column"], 39);
    assert_eq!(finding["object"]["kind"], "Pod");
    assert_eq!(finding["object"]["name"], "web");
    assert!(finding["source_template"].is_null());
    assert!(finding["related"].as_array().is_some_and(Vec::is_empty));
    assert!(
        finding["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("K8S102.md"))
    );
    // The fix replaces the same `true`.
    let fix = &finding["fix"];
    assert_eq!(fix["applicability"], "unsafe");
    assert_eq!(fix["message"], "set `allowPrivilegeEscalation: false`");
    assert_eq!(fix["edits"][0]["range"], finding["range"]);
    assert_eq!(fix["edits"][0]["content"], "false");
}

#[test]
fn examples_in_the_readme_work() {
    let output = akslint(&["check", "testdata/examples"], None);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("error[K8S107]"), "{text}");
    assert!(text.contains("insecure-deployment.yaml:14:20"), "{text}");
    assert!(text.contains("^^^ host-network"), "{text}");
    let clean = akslint(&["check", "testdata/examples/hardened-pod.yaml"], None);
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn a_missing_path_exits_2() {
    let output = akslint(&["check", "no/such/dir"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no/such/dir"));
}

#[test]
fn an_unknown_selector_exits_2() {
    let output = akslint(&["check", "--select", "K9S", "testdata/examples"], None);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn broken_middle_document_gives_one_syntax_error_and_the_rest_is_linted() {
    let stream = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {hostPID: true, containers: []}\n---\nkind: Pod\nspec: [unclosed\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec: {hostIPC: true, containers: []}\n";
    let output = akslint(
        &[
            "check",
            "-",
            "--output-format",
            "json",
            "--select",
            "K8S108,K8S109",
        ],
        Some(stream),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(codes(&output), ["K8S108", "AKL001", "K8S109"]);
}

#[test]
fn bom_and_crlf_keep_lines_and_columns_right() {
    let text = "\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\nspec:\r\n  hostNetwork: true\r\n  containers: []\r\n";
    let output = akslint(
        &[
            "check",
            "-",
            "--output-format",
            "json",
            "--select",
            "host-network",
        ],
        Some(text),
    );
    let findings = json(&output);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["range"]["start"]["line"], 6);
    assert_eq!(findings[0]["range"]["start"]["column"], 16);
    assert_eq!(findings[0]["range"]["end"]["column"], 20);
}

#[test]
fn concise_output_and_selection_by_name_and_prefix() {
    let text = "kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n  hostPID: true\n  hostIPC: true\n  containers: []\n";
    let output = akslint(
        &[
            "check",
            "-",
            "--stdin-filename",
            "p.yaml",
            "--output-format",
            "concise",
            "--select",
            "K8S10",
            "--ignore",
            "host-ipc",
        ],
        Some(text),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("p.yaml:5:12: K8S108 [error] "),
        "{stdout}"
    );
    assert!(!stdout.contains("K8S109"), "{stdout}");
}

#[test]
fn rules_json_lists_every_rule() {
    let output = akslint(&["rules", "--output-format", "json"], None);
    assert_eq!(output.status.code(), Some(0));
    let rules = json(&output);
    let listed: Vec<&str> = rules.iter().filter_map(|r| r["code"].as_str()).collect();
    for code in [
        "AKL001", "AKL004", "K8S101", "K8S102", "K8S103", "K8S107", "K8S108", "K8S109",
    ] {
        assert!(listed.contains(&code), "{code} missing");
    }
    for rule in &rules {
        for key in ["code", "name", "severity", "default_enabled"] {
            assert!(!rule[key].is_null(), "{key} missing in {rule}");
        }
    }
    let fix = |code: &str| {
        rules
            .iter()
            .find(|r| r["code"] == code)
            .map(|r| r["fix"].clone())
    };
    assert_eq!(fix("K8S125"), Some(serde_json::json!("safe")));
    assert_eq!(fix("K8S104"), Some(serde_json::json!("unsafe")));
    assert_eq!(fix("K8S201"), Some(serde_json::Value::Null));
}

#[test]
fn rule_prints_the_documentation_page() {
    let output = akslint(&["rule", "privileged-container"], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("# K8S101 privileged-container"));
    assert_eq!(akslint(&["rule", "K8S999"], None).status.code(), Some(2));
}

#[test]
fn invalid_utf8_is_a_syntax_error_and_the_good_file_beside_it_is_linted() {
    let dir = std::env::temp_dir().join(format!("akslint-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("bad.yaml"), b"kind: Pod\nname: \xff\xfe\n").expect("write");
    std::fs::write(
        dir.join("good.yaml"),
        "apiVersion: v1\nkind: Pod\nspec: {hostPID: true, containers: []}\n",
    )
    .expect("write");
    let output = akslint(
        &[
            "check",
            dir.to_str().unwrap_or_default(),
            "--output-format",
            "json",
        ],
        None,
    );
    let found = codes(&output);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(found.contains(&"AKL001".to_owned()), "{found:?}");
    assert!(found.contains(&"K8S108".to_owned()), "{found:?}");
}

/// Each report comes sorted, so the run sorts only when it puts stdin's findings and the
/// files' together: stdin named `b.yaml` goes between the files `a.yaml` and `c.yaml`.
#[test]
fn stdin_and_files_together_come_out_in_path_order() {
    let dir = std::env::temp_dir().join(format!("akslint-stdin-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pod = "apiVersion: v1\nkind: Pod\nspec: {hostPID: true, containers: []}\n";
    std::fs::write(dir.join("a.yaml"), pod).expect("write");
    std::fs::write(dir.join("c.yaml"), pod).expect("write");
    let stdin_name = dir.join("b.yaml");
    let output = akslint(
        &[
            "check",
            "-",
            dir.to_str().unwrap_or_default(),
            "--stdin-filename",
            stdin_name.to_str().unwrap_or_default(),
            "--output-format",
            "json",
        ],
        Some(pod),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let mut files: Vec<String> = json(&output)
        .iter()
        .filter_map(|f| {
            Path::new(f["path"].as_str()?)
                .file_name()?
                .to_str()
                .map(str::to_owned)
        })
        .collect();
    files.dedup();
    assert_eq!(files, ["a.yaml", "b.yaml", "c.yaml"]);
}

#[test]
fn custom_workload_kinds_get_the_pod_rules() {
    let scaled_job = "apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata:
  name: worker
spec:
  jobTargetRef:
    template:
      spec:
        containers:
          - name: worker
            image: worker
            securityContext:
              privileged: true
";
    let args = [
        "check",
        "-",
        "--select",
        "K8S101",
        "--output-format",
        "json",
    ];
    let without = akslint(&args, Some(scaled_job));
    assert_eq!(without.status.code(), Some(0));
    let mut with_kind = args.to_vec();
    with_kind.extend([
        "--workload-kind",
        "ScaledJob.keda.sh=spec.jobTargetRef.template.spec",
    ]);
    let with = akslint(&with_kind, Some(scaled_job));
    assert_eq!(codes(&with), ["K8S101"]);
    let mut invalid = args.to_vec();
    invalid.extend(["--workload-kind", "ScaledJob"]);
    assert_eq!(akslint(&invalid, Some(scaled_job)).status.code(), Some(2));
}

#[test]
fn a_namespace_in_another_file_sets_the_level_of_its_workloads() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("namespace.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: legacy\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
    )
    .expect("written");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: legacy\nspec:\n  containers:\n    - name: web\n      image: web\n";
    std::fs::write(dir.path().join("pod.yaml"), pod).expect("written");
    let path = dir.path().to_string_lossy().into_owned();
    let args = [
        "check",
        &path,
        "--select",
        "K8S102",
        "--output-format",
        "json",
    ];
    assert_eq!(akslint(&args, None).status.code(), Some(0));
    // The same pod alone is held to the restricted level.
    let alone = akslint(
        &[
            "check",
            "-",
            "--select",
            "K8S102",
            "--output-format",
            "json",
        ],
        Some(pod),
    );
    assert_eq!(codes(&alone), ["K8S102"]);
}

#[test]
fn suppressions_hide_findings_and_no_suppressions_audits_them() {
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true # akslint: ignore[host-network] the node agent needs it
  containers:
    - name: agent
      image: agent
";
    let args = [
        "check",
        "-",
        "--select",
        "K8S107",
        "--output-format",
        "json",
    ];
    let quiet = akslint(&args, Some(pod));
    assert_eq!(
        quiet.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&quiet.stdout)
    );
    let mut audit = args.to_vec();
    audit.push("--no-suppressions");
    assert_eq!(codes(&akslint(&audit, Some(pod))), ["K8S107"]);
}

const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostPID: true\n  containers:\n    - name: web\n      image: web\n      securityContext:\n        privileged: true\n";

#[test]
fn the_closest_configuration_governs_each_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("apps/legacy")).expect("dirs");
    std::fs::create_dir_all(root.join("vendor")).expect("dirs");
    std::fs::write(
        root.join("akslint.toml"),
        "exclude = [\"vendor/**\"]\n[lint]\nselect = [\"K8S101\", \"K8S108\"]\n[lint.per-file-ignores]\n\"apps/test-*.yaml\" = [\"host-pid\"]\n",
    )
    .expect("written");
    std::fs::write(
        root.join("apps/legacy/.akslint.toml"),
        "[lint]\nselect = [\"K8S108\"]\n",
    )
    .expect("written");
    for path in [
        "apps/web.yaml",
        "apps/test-web.yaml",
        "apps/legacy/web.yaml",
        "vendor/web.yaml",
    ] {
        std::fs::write(root.join(path), PRIVILEGED).expect("written");
    }
    let run = |extra: &[&str]| {
        let mut args = vec!["check", ".", "--output-format", "json"];
        args.extend(extra);
        let output = Command::new(env!("CARGO_BIN_EXE_akslint"))
            .args(&args)
            .current_dir(root)
            .output()
            .expect("runs");
        let mut found: Vec<String> = json(&output)
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["path"].as_str().unwrap_or_default(),
                    f["code"].as_str().unwrap_or_default()
                )
            })
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        run(&[]),
        [
            "./apps/legacy/web.yaml K8S108",
            "./apps/test-web.yaml K8S101",
            "./apps/web.yaml K8S101",
            "./apps/web.yaml K8S108",
        ]
    );
    // --config applies one file everywhere; --ignore adds to it.
    std::fs::write(root.join("other.toml"), "[lint]\nselect = [\"K8S1\"]\n").expect("written");
    let everywhere = run(&["--config", "other.toml", "--ignore", "K8S102,K8S103"]);
    assert!(
        everywhere.contains(&"./vendor/web.yaml K8S101".to_owned()),
        "{everywhere:?}"
    );
    assert!(
        everywhere.contains(&"./apps/legacy/web.yaml K8S101".to_owned()),
        "{everywhere:?}"
    );
    assert!(
        !everywhere.iter().any(|f| f.ends_with("K8S102")),
        "{everywhere:?}"
    );
}

#[test]
fn an_invalid_configuration_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("akslint.toml"), "[lint]\nselct = []\n").expect("written");
    std::fs::write(dir.path().join("pod.yaml"), PRIVILEGED).expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_akslint"))
        .args(["check", "."])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("akslint.toml: line 2"), "{stderr}");
}

#[test]
fn a_baseline_hides_known_findings_even_when_lines_move() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("pod.yaml"), PRIVILEGED).expect("written");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_akslint"))
            .args(args)
            .current_dir(root)
            .output()
            .expect("runs")
    };
    let written = run(&["check", ".", "--write-baseline", "baseline.json"]);
    assert_eq!(written.status.code(), Some(0));
    let known = run(&[
        "check",
        ".",
        "--baseline",
        "baseline.json",
        "--output-format",
        "json",
    ]);
    assert_eq!(
        known.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&known.stdout)
    );
    // Lines move and a second container repeats a known finding: only that one is new.
    let moved = format!(
        "# a comment that moves every line\n{PRIVILEGED}    - name: sidecar\n      image: sidecar\n      securityContext:\n        privileged: true\n"
    );
    std::fs::write(root.join("pod.yaml"), moved).expect("written");
    let args = [
        "check",
        ".",
        "--baseline",
        "baseline.json",
        "--select",
        "K8S101",
        "--output-format",
        "json",
    ];
    let new = run(&args);
    let found = json(&new);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["range"]["start"]["line"], 16);
}

#[test]
fn parameters_files_give_their_own_evaluation_of_arm_templates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": { "rbac": { "type": "bool", "defaultValue": true } },
  "resources": [{
    "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks",
    "properties": { "enableRBAC": "[parameters('rbac')]" } }]
}"#;
    let disabling = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": { "rbac": { "value": false } } }"#;
    std::fs::write(root.join("aks.json"), template).expect("written");
    std::fs::create_dir_all(root.join("env")).expect("dir");
    std::fs::write(root.join("env/dev.json"), disabling).expect("written");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "aks.json",
            "--select",
            "AKS108",
            "--output-format",
            "json",
        ];
        args.extend(extra);
        let output = Command::new(env!("CARGO_BIN_EXE_akslint"))
            .args(&args)
            .current_dir(root)
            .output()
            .expect("runs");
        codes(&output)
    };
    assert!(run(&[]).is_empty());
    assert_eq!(run(&["--parameters", "env/dev.json"]), ["AKS108"]);
}
