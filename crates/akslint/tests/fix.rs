//! End-to-end behaviour of `akslint check --fix`, `--unsafe-fixes` and `--diff`.

use std::path::Path;
use std::process::Output;

mod common;

fn akslint(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    common::run(dir, args, stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A pod with a safe finding (`hostIPC: yes`, K8S125) and unsafe ones; `automountServiceAccountToken`
/// and the memory limit keep the rest of the recommended rules quiet or unfixable.
const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostIPC: no # spelled the YAML 1.1 way
  automountServiceAccountToken: false
  containers:
    - name: app
      image: shop.azurecr.io/web:1.4.2
      resources:
        limits: {memory: 128Mi}
";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("written");
    }
    dir
}

fn read(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).expect("readable")
}

#[test]
fn fix_writes_safe_fixes_and_reports_what_is_left() {
    let dir = project(&[("pod.yaml", POD)]);
    let output = akslint(
        dir.path(),
        &["check", ".", "--fix", "--output-format", "concise"],
        None,
    );
    let stdout = text(&output.stdout);
    // Unsafe findings remain, so the exit code still says findings.
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");
    assert!(!stdout.contains("K8S125"), "{stdout}");
    assert!(stdout.contains("K8S102"), "{stdout}");
    assert!(
        stdout.contains("fixable with `--fix --unsafe-fixes`"),
        "{stdout}"
    );
    let fixed = read(&dir, "pod.yaml");
    assert_eq!(fixed, POD.replace("hostIPC: no #", "hostIPC: false #"));
    // Nothing left to fix safely: a second run changes nothing.
    let again = akslint(dir.path(), &["check", ".", "--fix"], None);
    assert!(text(&again.stdout).contains("Fixed 0 findings in 0 files."));
    assert_eq!(read(&dir, "pod.yaml"), fixed);
}

#[test]
fn unsafe_fixes_harden_the_pod_and_exit_0_when_nothing_is_left() {
    let dir = project(&[("pod.yaml", POD)]);
    let output = akslint(
        dir.path(),
        &["check", ".", "--fix", "--unsafe-fixes", "--select", "K8S1"],
        None,
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("All checks passed"), "{stdout}");
    let fixed = read(&dir, "pod.yaml");
    for line in [
        "  hostIPC: false # spelled the YAML 1.1 way",
        "      securityContext:",
        "        allowPrivilegeEscalation: false",
        "        runAsNonRoot: true",
        "            - ALL",
        "          type: RuntimeDefault",
        "        readOnlyRootFilesystem: true",
    ] {
        assert!(fixed.lines().any(|l| l == line), "{line:?} in\n{fixed}");
    }
    let clean = akslint(dir.path(), &["check", ".", "--select", "K8S1"], None);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
}

#[test]
fn diff_prints_the_change_and_writes_nothing() {
    let dir = project(&[("pod.yaml", POD)]);
    let output = akslint(
        dir.path(),
        &["check", "pod.yaml", "--diff", "--select", "K8S125"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stdout),
        "--- pod.yaml\n+++ pod.yaml\n@@ -3,7 +3,7 @@\n metadata:\n   name: web\n spec:\n-  hostIPC: no # spelled the YAML 1.1 way\n+  hostIPC: false # spelled the YAML 1.1 way\n   automountServiceAccountToken: false\n   containers:\n     - name: app\n"
    );
    assert!(text(&output.stderr).contains("would fix 1 finding in 1 file"));
    assert_eq!(read(&dir, "pod.yaml"), POD);
    // Nothing to change and nothing left: exit 0 and no diff.
    let fixed = POD.replace("hostIPC: no", "hostIPC: false");
    let dir = project(&[("pod.yaml", &fixed)]);
    let output = akslint(
        dir.path(),
        &["check", ".", "--diff", "--select", "K8S125"],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
}

#[test]
fn stdin_gets_the_fixed_document_on_stdout_and_findings_on_stderr() {
    let dir = project(&[]);
    let output = akslint(
        dir.path(),
        &[
            "check",
            "-",
            "--fix",
            "--stdin-filename",
            "pod.yaml",
            "--output-format",
            "concise",
        ],
        Some(POD),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stdout),
        POD.replace("hostIPC: no #", "hostIPC: false #")
    );
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("pod.yaml:"), "{stderr}");
    assert!(stderr.contains("K8S102"), "{stderr}");
    // Nothing to fix: the document comes back unchanged.
    let clean = akslint(
        dir.path(),
        &[
            "check",
            "-",
            "--fix",
            "--select",
            "K8S125",
            "--output-format",
            "json",
        ],
        Some("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}]\n"),
    );
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(
        text(&clean.stdout),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}]\n"
    );
    assert_eq!(text(&clean.stderr), "[]\n");
}

#[test]
fn crlf_and_byte_order_mark_survive_a_fix() {
    let windows = format!("\u{feff}{}", POD.replace('\n', "\r\n"));
    let dir = project(&[("pod.yaml", &windows)]);
    let output = akslint(
        dir.path(),
        &[
            "check",
            ".",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "K8S102,K8S125",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    let fixed = read(&dir, "pod.yaml");
    assert!(fixed.starts_with('\u{feff}'));
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
    assert!(
        fixed.contains("      securityContext:\r\n        allowPrivilegeEscalation: false\r\n")
    );
}

#[test]
fn the_summary_counts_fixable_findings() {
    let dir = project(&[("pod.yaml", POD)]);
    let output = akslint(
        dir.path(),
        &["check", ".", "--select", "K8S125,K8S102"],
        None,
    );
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("[*] 1 fixable with `--fix` (1 more with `--fix --unsafe-fixes`)."),
        "{stdout}"
    );
    let output = akslint(
        dir.path(),
        &["check", ".", "--select", "K8S125,K8S102", "--unsafe-fixes"],
        None,
    );
    assert!(text(&output.stdout).contains("[*] 2 fixable with `--fix --unsafe-fixes`."));
}

#[test]
fn fix_conflicts_with_writing_a_baseline() {
    let dir = project(&[("pod.yaml", POD)]);
    let output = akslint(
        dir.path(),
        &["check", ".", "--fix", "--write-baseline", "b.json"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(read(&dir, "pod.yaml"), POD);
}

#[test]
fn baselined_findings_are_not_fixed() {
    let dir = project(&[("pod.yaml", POD)]);
    let recorded = akslint(
        dir.path(),
        &[
            "check",
            ".",
            "--select",
            "K8S125",
            "--write-baseline",
            "b.json",
        ],
        None,
    );
    assert_eq!(recorded.status.code(), Some(0));
    let output = akslint(
        dir.path(),
        &[
            "check",
            ".",
            "--select",
            "K8S125",
            "--fix",
            "--baseline",
            "b.json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert_eq!(read(&dir, "pod.yaml"), POD);
}

/// An ARM template with a safe finding (the dashboard add-on, AKS208) and an unsafe one (run
/// command, AKS104), written with CRLF line endings and a comment.
const TEMPLATE: &str = "{\r\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\r\n  \"contentVersion\": \"1.0.0.0\",\r\n  \"resources\": [\r\n    {\r\n      \"type\": \"Microsoft.ContainerService/managedClusters\",\r\n      \"apiVersion\": \"2024-05-01\",\r\n      \"name\": \"aks\",\r\n      \"properties\": {\r\n        \"dnsPrefix\": \"aks\", // keep\r\n        \"addonProfiles\": { \"kubeDashboard\": { \"enabled\": true } }\r\n      }\r\n    }\r\n  ]\r\n}\r\n";

#[test]
fn fix_edits_arm_templates() {
    let dir = project(&[("main.json", TEMPLATE)]);
    let output = akslint(
        dir.path(),
        &["check", ".", "--fix", "--select", "AKS208,AKS104"],
        None,
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("Fixed 1 finding in 1 file."), "{stdout}");
    assert!(stdout.contains("AKS104"), "{stdout}");
    let fixed = read(&dir, "main.json");
    assert_eq!(
        fixed,
        TEMPLATE.replace("{ \"enabled\": true } }", "{ \"enabled\": false } }")
    );
    let output = akslint(
        dir.path(),
        &[
            "check",
            ".",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "AKS208,AKS104",
        ],
        None,
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let fixed = read(&dir, "main.json");
    assert!(
        fixed.contains("\"addonProfiles\": { \"kubeDashboard\": { \"enabled\": false } },\r\n        \"apiServerAccessProfile\": {\r\n          \"disableRunCommand\": true\r\n        }\r\n      }\r\n"),
        "{fixed}"
    );
}
