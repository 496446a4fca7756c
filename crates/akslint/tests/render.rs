//! Helm charts and Kustomize directories, rendered by the real `helm` and `kubectl`.
//!
//! CI (`.ci/run`) puts both on PATH; a test that needs one fails in CI when it is missing, and
//! is skipped with a message elsewhere.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn akslint(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args, None)
}

/// Whether `program` can be run; when it cannot, a test that needs it fails under CI and is
/// skipped (with the reason on stderr) otherwise.
fn have(program: &str) -> bool {
    let found = Command::new(program)
        .arg("version")
        .arg(if program == "kubectl" {
            "--client"
        } else {
            "--short"
        })
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{program}` is not on PATH: CI must install it (see .ci/run)"
        );
        eprintln!("skipped: `{program}` is not on PATH (CI installs it; see .ci/run)");
    }
    found
}

/// `(path, line, code)` of each finding, with the path relative to the repository.
fn findings(output: &Output) -> Vec<(String, u64, String)> {
    let json: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON output ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    json.iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["range"]["start"]["line"].as_u64().unwrap_or_default(),
                f["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn finding(path: &str, line: u64, code: &str) -> (String, u64, String) {
    (path.to_owned(), line, code.to_owned())
}

const DEPLOYMENT: &str = "testdata/helm/web/templates/deployment.yaml";

#[test]
fn a_chart_is_rendered_and_findings_point_at_template_lines() {
    if !have("helm") {
        return;
    }
    let output = akslint(
        &repo_root(),
        &["check", "testdata/helm/web", "--output-format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        findings(&output),
        [
            // `allowPrivilegeEscalation` is written twice in the template: its first line.
            finding(DEPLOYMENT, 1, "K8S102"),
            finding(DEPLOYMENT, 18, "K8S107"),
            finding(DEPLOYMENT, 30, "K8S101"),
        ]
    );
    let json: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON");
    let privileged = &json[2];
    assert_eq!(privileged["range"]["start"]["column"], 13);
    assert_eq!(privileged["rendered_range"]["start"]["line"], 51);
    assert_eq!(
        privileged["source_template"],
        "web/templates/deployment.yaml"
    );
    assert!(privileged["fix"].is_null(), "no fixes of rendered output");

    // The suppression comment in the template survived rendering.
    let unsuppressed = akslint(
        &repo_root(),
        &[
            "check",
            "testdata/helm/web",
            "--output-format",
            "json",
            "--no-suppressions",
        ],
    );
    assert!(findings(&unsuppressed).contains(&finding(DEPLOYMENT, 1, "K8S122")));

    // SARIF points at the template, a file of the repository.
    let sarif = akslint(
        &repo_root(),
        &["check", "testdata/helm/web", "--output-format", "sarif"],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF");
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    let uri = location["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(uri.ends_with(DEPLOYMENT), "{uri}");
}

#[test]
fn helm_values_and_set_are_passed_from_the_command_line_and_the_configuration() {
    if !have("helm") {
        return;
    }
    let set = akslint(
        &repo_root(),
        &[
            "check",
            "testdata/helm/web",
            "--output-format",
            "json",
            "--helm-set",
            "hostNetwork=false",
        ],
    );
    assert!(!findings(&set).iter().any(|(_, _, code)| code == "K8S107"));

    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("charts/web");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(
        chart.join("values.yaml"),
        "hostPID: false\nhostIPC: false\n",
    )
    .expect("write");
    std::fs::write(
        chart.join("templates/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostPID: {{ .Values.hostPID }}\n  hostIPC: {{ .Values.hostIPC }}\n  containers:\n    - name: web\n      image: web\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("prod.yaml"), "hostPID: true\n").expect("write");
    std::fs::write(
        dir.path().join("akslint.toml"),
        "[lint]\nselect = [\"host-pid\", \"host-ipc\"]\n\n[helm.charts.\"charts/web\"]\nvalues = [\"prod.yaml\"]\n",
    )
    .expect("write");
    let configured = akslint(dir.path(), &["check", "charts", "--output-format", "json"]);
    assert_eq!(
        findings(&configured),
        [finding("charts/web/templates/pod.yaml", 6, "K8S108")]
    );
    let both = akslint(
        dir.path(),
        &[
            "check",
            "charts",
            "--output-format",
            "json",
            "--helm-set",
            "hostIPC=true",
        ],
    );
    assert_eq!(
        findings(&both),
        [
            finding("charts/web/templates/pod.yaml", 6, "K8S108"),
            finding("charts/web/templates/pod.yaml", 7, "K8S109"),
        ]
    );
}

#[test]
fn a_chart_that_does_not_render_is_an_error_on_chart_yaml() {
    if !have("helm") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("web/templates")).expect("mkdir");
    std::fs::write(
        dir.path().join("web/Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("web/templates/pod.yaml"),
        "kind: Pod\nname: {{ .Values.name | nosuchfunction }}\n",
    )
    .expect("write");
    for args in [&["check", "web"][..], &["check", "web/templates/pod.yaml"]] {
        let output = akslint(dir.path(), &[args, &["--output-format", "json"]].concat());
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let json: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(json.len(), 1, "{json:?}");
        assert_eq!(json[0]["code"], "AKL001");
        assert_eq!(json[0]["path"], "web/Chart.yaml");
        let message = json[0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("nosuchfunction"), "{message}");
    }
}

#[test]
fn an_overlay_is_built_and_findings_point_at_its_sources() {
    if !have("kubectl") {
        return;
    }
    let output = akslint(
        &repo_root(),
        &[
            "check",
            "testdata/kustomize/overlays/prod",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        findings(&output),
        [
            // Set by a patch of the overlay: the base file that the object comes from.
            finding("testdata/kustomize/base/deployment.yaml", 1, "K8S108"),
            finding(
                "testdata/kustomize/overlays/prod/public-service.yaml",
                6,
                "K8S601"
            ),
        ]
    );
    // The base alone has no findings, and its files are not linted twice.
    let base = akslint(
        &repo_root(),
        &[
            "check",
            "testdata/kustomize/base",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(base.status.code(), Some(0), "{:?}", findings(&base));
}

#[test]
fn without_the_tools_charts_and_kustomizations_are_errors_not_clean() {
    let empty = tempfile::tempdir().expect("tempdir");
    let output = common::spawn_with(
        &repo_root(),
        &[
            "check",
            "testdata/helm/web",
            "testdata/kustomize/overlays/prod",
            "--output-format",
            "json",
        ],
        b"",
        |command| {
            command.env("PATH", empty.path());
        },
    )
    .wait_with_output()
    .expect("akslint finishes");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        findings(&output),
        [
            finding("testdata/helm/web/Chart.yaml", 1, "AKL001"),
            finding(
                "testdata/kustomize/overlays/prod/kustomization.yaml",
                1,
                "AKL001"
            ),
        ]
    );
    let json: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON");
    let message = json[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("`helm` is not on PATH"), "{message}");
}

#[test]
fn an_edited_template_is_linted_by_rendering_its_chart_with_the_editors_text() {
    use akslint_workspace::{Configurations, Overrides, TemplateBuffers};

    if !have("helm") {
        return;
    }
    let template = repo_root().join(DEPLOYMENT);
    let saved = std::fs::read_to_string(&template).expect("read template");
    let configurations = Configurations::new(None, Overrides::default()).expect("configurations");
    let charts = TemplateBuffers::default();
    let lines = |text: &str| -> Vec<(u32, String)> {
        let findings = charts
            .lint(&template, text, &configurations)
            .expect("valid configuration")
            .expect("a chart template");
        findings
            .iter()
            .map(|d| {
                assert_eq!(d.file.path(), template);
                (d.range().start.line, d.code.to_string())
            })
            .collect()
    };
    let expected = [(1, "K8S102"), (18, "K8S107"), (30, "K8S101")].map(|(l, c)| (l, c.to_owned()));
    assert_eq!(lines(&saved), expected);
    // The same chart content again comes from the cache.
    assert_eq!(lines(&saved), expected);
    assert_eq!(charts.renders(), 1);
    // Unsaved changes are what is rendered.
    let edited = saved.replace("privileged: true", "privileged: false");
    assert_eq!(lines(&edited), expected[..2]);
    assert_eq!(charts.renders(), 2);
    // A template that does not render: helm's message on the template's first line.
    let broken = saved.replace(
        "{{ .Values.replicas }}",
        "{{ .Values.replicas | nosuchfunction }}",
    );
    let findings = charts
        .lint(&template, &broken, &configurations)
        .expect("valid configuration")
        .expect("a chart template");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "AKL001");
    assert!(
        findings[0].message.contains("nosuchfunction"),
        "{}",
        findings[0].message
    );
    // A file outside a chart is not a template.
    let outside = charts
        .lint(
            &repo_root().join("testdata/examples/hardened-pod.yaml"),
            "",
            &configurations,
        )
        .expect("valid configuration");
    assert!(outside.is_none());
}
