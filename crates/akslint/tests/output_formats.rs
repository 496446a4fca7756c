//! End-to-end: `akslint check --output-format F` for every format, on the examples in the
//! repository and on stdin with non-ASCII text, CRLF line ends and hostile names.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const FORMATS: [&str; 7] = [
    "full", "concise", "json", "sarif", "github", "gitlab", "junit",
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Runs akslint in `dir` with the CI variables that move the project root set as given (and
/// removed otherwise, so the tests do not depend on the CI they run in).
fn run(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_akslint"));
    command.args(args);
    // The expected counts and positions are those of a fixed set of rules, so that new rules
    // do not change these tests.
    if args.first() == Some(&"check") && !args.contains(&"--select") {
        command.args(["--select", PINNED_RULES]);
    }
    command
        .current_dir(dir)
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("CI_PROJECT_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("akslint starts");
    if let Some(mut pipe) = child.stdin.take() {
        // A run that fails on its arguments exits without reading stdin: a broken pipe is fine.
        let _ = pipe.write_all(stdin.unwrap_or_default().as_bytes());
    }
    child.wait_with_output().expect("akslint finishes")
}

/// The rules these tests' expectations were written for.
const PINNED_RULES: &str = "K8S101,K8S102,K8S103,K8S107,K8S108,K8S109";

fn check(args: &[&str]) -> Output {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    run(&repo_root(), &all, None, &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn parse(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

const INSECURE: &str = "testdata/examples/insecure-deployment.yaml";
const HARDENED: &str = "testdata/examples/hardened-pod.yaml";

#[test]
fn every_format_exits_1_on_findings_and_0_when_clean() {
    for format in FORMATS {
        let output = check(&[INSECURE, "--output-format", format]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stdout(&output)
        );
        assert!(!output.stdout.is_empty(), "{format}");
        assert!(
            output.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let clean = check(&[HARDENED, "--output-format", format]);
        assert_eq!(clean.status.code(), Some(0), "{format}: {}", stdout(&clean));
    }
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let output = check(&[INSECURE, "--output-format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The schema vendored beside the renderer's own tests.
fn assert_valid_sarif(log: &Value) {
    let path =
        repo_root().join("crates/akslint_diagnostics/tests/fixtures/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema fixture"))
            .expect("schema JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_and_describes_the_rules_that_fired() {
    let output = check(&[INSECURE, "--output-format", "sarif"]);
    let log = parse(&output);
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);

    let mut fired: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    fired.sort_unstable();
    fired.dedup();
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, fired);

    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        assert_eq!(rule["helpUri"], akslint_diagnostics::rule_url(id));
        for field in ["shortDescription", "fullDescription"] {
            let text = rule[field]["text"].as_str().expect("text");
            assert!(
                !text.trim().is_empty() && text.chars().count() <= 1024,
                "{id} {field}"
            );
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.contains("## What it does"))
        );
        assert_eq!(rule["properties"]["tags"][0], "security");
        assert_eq!(rule["properties"]["tags"][1], "pod-security");
        assert_eq!(rule["properties"]["security-severity"], "8.0");
    }
    // K8S102 is a restricted control, K8S107 a baseline one.
    let tags = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["properties"]["tags"].clone())
    };
    assert_eq!(tags("K8S102").expect("K8S102")[2], "pss-restricted");
    assert_eq!(tags("K8S107").expect("K8S107")[2], "pss-baseline");

    let first = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(first["artifactLocation"]["uri"], INSECURE);
    assert_eq!(first["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // `hostNetwork: yes` on line 14, as in the full output (14:20).
    assert_eq!(
        first["region"],
        serde_json::json!({"startLine": 14, "startColumn": 20, "endLine": 14, "endColumn": 23})
    );
    let mut prints: Vec<&str> = results
        .iter()
        .filter_map(|r| r["partialFingerprints"]["akslintObjectIdentity/v1"].as_str())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), results.len());

    let clean = parse(&check(&[HARDENED, "--output-format", "sarif"]));
    assert_valid_sarif(&clean);
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
}

/// A pod on stdin with CRLF line ends, a container named with `𝄞` (two UTF-16 code units) and
/// a second container whose name tries to start a workflow command of its own.
const HOSTILE_POD: &str = "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p, namespace: shop}\r\nspec:\r\n  securityContext: {runAsNonRoot: true}\r\n  containers:\r\n    - {name: \"𝄞\", image: x, securityContext: {allowPrivilegeEscalation: true}}\r\n    - name: \"x\\n::error file=forged.yaml,line=1::forged, 100%\"\r\n      image: x\r\n      securityContext: {allowPrivilegeEscalation: true}\r\n";

fn check_stdin(format: &str) -> Output {
    run(
        &repo_root(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "deploy/my pod.yaml",
            "--select",
            "K8S102",
            "--output-format",
            format,
        ],
        Some(HOSTILE_POD),
        &[],
    )
}

#[test]
fn stdin_with_unicode_and_crlf_gets_utf16_columns_in_sarif_and_characters_elsewhere() {
    let json = parse(&check_stdin("json"));
    assert_eq!(
        json[0]["range"]["start"],
        serde_json::json!({"line": 7, "column": 73})
    );

    let log = parse(&check_stdin("sarif"));
    assert_valid_sarif(&log);
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "deploy/my%20pod.yaml");
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 7, "startColumn": 74, "endLine": 7, "endColumn": 78})
    );

    let gitlab = parse(&check_stdin("gitlab"));
    assert_eq!(gitlab[0]["location"]["path"], "deploy/my pod.yaml");
    assert_eq!(gitlab[0]["location"]["lines"]["begin"], 7);
}

#[test]
fn github_annotations_cannot_be_forged_from_a_manifest() {
    let output = check_stdin("github");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with(
        "::error file=deploy/my pod.yaml,line=7,endLine=7,col=73,endColumn=77,title=K8S102 privilege-escalation-allowed::container `𝄞`"
    ));
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error file=deploy/my pod.yaml,"))
    );
    assert!(
        lines[1].contains("`x%0A::error file=forged.yaml,line=1::forged, 100%25`"),
        "{}",
        lines[1]
    );
}

#[test]
fn junit_has_one_case_per_finding_and_escapes_names() {
    let output = check_stdin("junit");
    let text = stdout(&output);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"akslint\" tests=\"2\" failures=\"2\""));
    assert_eq!(text.matches("<testcase ").count(), 2);
    assert_eq!(text.matches("<failure ").count(), 2);
    assert!(text.contains("type=\"K8S102\""));
    assert!(
        text.contains("`x&#10;::error file=forged.yaml,line=1::forged, 100%`"),
        "{text}"
    );
    assert!(text.contains("<testsuite name=\"deploy/my pod.yaml\""));
}

#[test]
fn ci_paths_are_relative_to_the_ci_checkout_not_the_working_directory() {
    let root = repo_root();
    let examples = root.join("testdata/examples");
    let args = ["check", "insecure-deployment.yaml", "--output-format"];
    let with = |format: &str, variable: &str| {
        let mut all = args.to_vec();
        all.push(format);
        run(&examples, &all, None, &[(variable, &root)])
    };

    let log = parse(&with("sarif", "GITHUB_WORKSPACE"));
    assert_valid_sarif(&log);
    let sarif_run = &log["runs"][0];
    assert_eq!(
        sarif_run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        INSECURE
    );
    let root_uri = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("uri");
    assert!(
        root_uri.starts_with("file:///") && root_uri.ends_with('/'),
        "{root_uri}"
    );

    let github = stdout(&with("github", "GITHUB_WORKSPACE"));
    assert!(
        github.starts_with(&format!("::error file={INSECURE},line=14,")),
        "{github}"
    );

    let gitlab = parse(&with("gitlab", "CI_PROJECT_DIR"));
    assert_eq!(gitlab[0]["location"]["path"], INSECURE);

    // Without the variables, paths are relative to where akslint runs.
    let local = run(
        &examples,
        &[
            "check",
            "insecure-deployment.yaml",
            "--output-format",
            "gitlab",
        ],
        None,
        &[],
    );
    assert_eq!(
        parse(&local)[0]["location"]["path"],
        "insecure-deployment.yaml"
    );
}

#[test]
fn fingerprints_do_not_depend_on_the_working_directory() {
    let root = repo_root();
    let from_root = parse(&check(&[INSECURE, "--output-format", "gitlab"]));
    let from_examples = parse(&run(
        &root.join("testdata/examples"),
        &[
            "check",
            "insecure-deployment.yaml",
            "--output-format",
            "gitlab",
        ],
        None,
        &[("CI_PROJECT_DIR", &root)],
    ));
    assert_eq!(from_root, from_examples);
}
