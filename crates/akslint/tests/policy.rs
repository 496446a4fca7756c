//! End-to-end: `akslint check --policy` with the Azure Policy for AKS templates. Each template
//! is run on a manifest that violates it and on one that complies; in a violating manifest,
//! every line that ends with `# violation` must get a finding of the constraint's kind, and no
//! other line.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// Each template folder and the kind of its constraint.
const CASES: [(&str, &str); 27] = [
    ("allowed-external-ips", "K8sAzureExternalIPs"),
    ("allowed-host-paths", "K8sAzureHostFilesystem"),
    ("allowed-proc-mount-types", "K8sAzureProcMount"),
    ("allowed-seccomp-profiles", "K8sAzureAllowedSeccomp"),
    ("allowed-users-groups", "K8sAzureAllowedUsersGroups"),
    ("allowed-volume-types", "K8sAzureVolumeTypes"),
    ("block-automount-token", "K8sAzureBlockAutomountToken"),
    ("block-default-namespace", "K8sAzureBlockDefault"),
    ("block-host-namespace", "K8sAzureBlockHostNamespace"),
    (
        "container-allowed-capabilities",
        "K8sAzureAllowedCapabilities",
    ),
    ("container-allowed-images", "K8sAzureContainerAllowedImages"),
    ("container-allowed-ports", "K8sAzureContainerAllowedPorts"),
    (
        "container-disallowed-capabilities",
        "K8sAzureDisallowedCapabilities",
    ),
    (
        "container-no-privilege-escalation",
        "K8sAzureContainerNoPrivilegeEscalation",
    ),
    ("container-no-privilege", "K8sAzureContainerNoPrivilege"),
    ("container-resource-limits", "K8sAzureContainerLimits"),
    ("enforce-apparmor-profile", "K8sAzureEnforceAppArmor"),
    ("flexvolume-drivers", "K8sAzureFlexVolumes"),
    ("forbidden-sysctl-interfaces", "K8sAzureForbiddenSysctls"),
    ("host-network-ports", "K8sAzureHostNetworkingPorts"),
    ("ingress-hostnames-conflict", "K8sAzureUniqueIngressHost"),
    ("ingress-https-only", "K8sAzureIngressHttpsOnly"),
    (
        "load-balancer-no-public-ips",
        "K8sAzureLoadBalancerNoPublicIPs",
    ),
    ("pod-enforce-labels", "K8sAzurePodEnforceLabels"),
    (
        "read-only-root-filesystem",
        "K8sAzureReadOnlyRootFilesystem",
    ),
    ("selinux", "K8sAzureSELinux"),
    ("service-allowed-ports", "K8sAzureServiceAllowedPorts"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/policy")
}

/// Runs `akslint args` in the fixtures folder.
fn akslint(args: &[&str]) -> Output {
    common::run(&fixtures(), args, None)
}

/// The findings of a `--output-format json` run.
fn findings(output: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap_or_else(|e| {
            panic!(
                "JSON output ({e}): {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `(code, line)` of each finding.
fn codes_and_lines(found: &[Value]) -> BTreeSet<(String, u64)> {
    found
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["range"]["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Lints `manifest` with the one template of `folder`, only its kind selected.
fn check_case(folder: &str, kind: &str, manifest: &str) -> Output {
    akslint(&[
        "check",
        manifest,
        "--policy",
        &format!("templates/{folder}"),
        "--policy-values",
        "values.yaml",
        "--select",
        kind,
        "--output-format",
        "json",
    ])
}

#[test]
fn every_template_flags_its_violating_manifest_and_passes_its_compliant_one() {
    let mut failures = Vec::new();
    for (folder, kind) in CASES {
        let violating = format!("cases/{folder}/violating.yaml");
        let text = std::fs::read_to_string(fixtures().join(&violating)).expect("case exists");
        let expected: BTreeSet<(String, u64)> = text
            .lines()
            .zip(1..)
            .filter(|(line, _)| line.trim_end().ends_with("# violation"))
            .map(|(_, number)| (kind.to_owned(), number))
            .collect();
        assert!(!expected.is_empty(), "{violating} marks no violation");
        let output = check_case(folder, kind, &violating);
        let found = codes_and_lines(&findings(&output));
        if found != expected || output.status.code() != Some(1) {
            failures.push(format!(
                "{violating}: expected {expected:?}, found {found:?}"
            ));
        }
        let compliant = format!("cases/{folder}/compliant.yaml");
        let output = check_case(folder, kind, &compliant);
        let found = findings(&output);
        if !found.is_empty() || output.status.code() != Some(0) {
            failures.push(format!("{compliant}: expected nothing, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_cases_cover_every_template_folder() {
    let mut folders: Vec<String> = std::fs::read_dir(fixtures().join("templates"))
        .expect("templates")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<&str> = CASES.iter().map(|(folder, _)| *folder).collect();
    listed.sort_unstable();
    assert_eq!(folders, listed);
}

/// Every template of the shared folder loads and evaluates without a Rego error (the shared
/// folder is beside the repository on developer machines; CI may not have it).
#[test]
fn all_shared_templates_load_and_evaluate() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/policies/azure-policy-kubernetes");
    let templates = if shared.is_dir() {
        shared
    } else {
        fixtures().join("templates")
    };
    let templates = templates.to_string_lossy().into_owned();
    let output = akslint(&[
        "check",
        "cases",
        "--policy",
        &templates,
        "--select",
        "K8sAzure",
        "--output-format",
        "json",
    ]);
    let found = findings(&output);
    let engine: Vec<&Value> = found.iter().filter(|f| f["code"] == "AKL001").collect();
    assert!(engine.is_empty(), "{engine:?}");
    let kinds: BTreeSet<&str> = found.iter().filter_map(|f| f["code"].as_str()).collect();
    // Without values, every template still runs: most find something in the cases.
    assert!(kinds.len() >= 20, "{kinds:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("policy placeholder `excludedNamespaces` = [] (empty: no value given and no default) in 27 constraints"),
        "{stderr}"
    );
}

/// A Pod in `apps` without `automountServiceAccountToken: false`, with a container `app`.
const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: app
      image: mcr.microsoft.com/app:1
";

/// Runs `akslint check` on `text` (as stdin named `pod.yaml`) with the block-automount-token
/// template and `extra` arguments.
fn check_stdin(text: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "-",
        "--stdin-filename",
        "pod.yaml",
        "--policy",
        "templates/block-automount-token",
        "--select",
        "K8sAzure",
    ];
    args.extend_from_slice(extra);
    common::run(&fixtures(), &args, Some(text))
}

#[test]
fn policy_findings_are_selected_suppressed_and_baselined_like_rules() {
    let json = ["--output-format", "json"];
    let codes = |output: &Output| -> Vec<String> {
        findings(output)
            .iter()
            .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // On stdin too, through the same steps as files.
    assert_eq!(
        codes(&check_stdin(POD, &json)),
        ["K8sAzureBlockAutomountToken"]
    );
    let ignored = check_stdin(
        POD,
        &[
            "--ignore",
            "K8sAzureBlockAutomountToken",
            "--output-format",
            "json",
        ],
    );
    assert!(codes(&ignored).is_empty());
    let by_name = check_stdin(
        POD,
        &[
            "--ignore",
            "azure-block-automount",
            "--output-format",
            "json",
        ],
    );
    assert!(codes(&by_name).is_empty());
    // `--fix` on stdin reports what is left, policies included (on stderr).
    let fixed = check_stdin(POD, &["--fix", "--output-format", "concise"]);
    let left = String::from_utf8_lossy(&fixed.stderr);
    assert!(left.contains("K8sAzureBlockAutomountToken"), "{left}");
    let typo = check_stdin(POD, &["--ignore", "K8sAzureTypo"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("K8sAzureTypo"));
    // Built-in rules only: no policy finding.
    let builtin = common::run(
        &fixtures(),
        &[
            "check",
            "-",
            "--policy",
            "templates/block-automount-token",
            "--select",
            "K8S1",
            "--output-format",
            "json",
        ],
        Some(POD),
    );
    assert!(!codes(&builtin).iter().any(|c| c.starts_with("K8sAzure")));
    // A suppression comment names the kind; it is neither unknown (AKL002) nor unused (AKL003).
    let suppressed = POD.replace(
        "  name: web\n",
        "  name: web # akslint: ignore[K8sAzureBlockAutomountToken] uses no API\n",
    );
    assert!(codes(&check_stdin(&suppressed, &json)).is_empty());
    let unused = POD.replace(
        "spec:\n",
        "spec:\n  automountServiceAccountToken: false\n  # akslint: ignore[K8sAzureBlockAutomountToken] no longer needed\n",
    );
    assert_eq!(codes(&check_stdin(&unused, &json)), ["AKL003"]);
    // A baseline records them and hides them.
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_string_lossy();
    let written = check_stdin(POD, &["--write-baseline", &baseline]);
    assert_eq!(written.status.code(), Some(0));
    let filtered = check_stdin(POD, &["--baseline", &baseline, "--output-format", "json"]);
    assert!(codes(&filtered).is_empty());
    assert_eq!(filtered.status.code(), Some(0));
}

#[test]
fn every_output_format_reports_policy_findings_without_a_rule_page() {
    for format in [
        "full", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let output = check_stdin(POD, &["--output-format", format]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("K8sAzureBlockAutomountToken"),
            "{format}: {stdout}"
        );
        // akslint documents its own rules only: no link to a page that does not exist.
        assert!(!stdout.contains("rules/K8sAzure"), "{format}: {stdout}");
    }
    let sarif: Value =
        serde_json::from_slice(&check_stdin(POD, &["--output-format", "sarif"]).stdout)
            .expect("SARIF is JSON");
    let rule = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "K8sAzureBlockAutomountToken");
    assert_eq!(rule["name"], "azure-block-automount");
}

/// Writes a template of kind `K8sTestLabels` (a Pod must carry the label `team`; its Rego is
/// `rego`) and `constraint` into `dir`.
fn write_policy(dir: &Path, rego: &str, constraint: &str) {
    let template = format!(
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8stestlabels\nspec:\n  crd:\n    spec:\n      names:\n        kind: K8sTestLabels\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n{}",
        rego.lines()
            .map(|line| format!("        {line}\n"))
            .collect::<String>()
    );
    std::fs::write(dir.join("template.yaml"), template).expect("write");
    std::fs::write(dir.join("constraint.yaml"), constraint).expect("write");
}

const LABELS_REGO: &str = "package k8stestlabels
violation[{\"msg\": msg}] {
  not input.review.object.metadata.labels.team
  msg := sprintf(\"%v %v has no team label (%v)\", [input.review.kind.kind, input.review.name, input.review.operation])
}";

#[test]
fn match_honours_namespace_selectors_and_excluded_namespaces() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_policy(
        dir.path(),
        LABELS_REGO,
        "apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sTestLabels
metadata:
  name: team-label
spec:
  match:
    kinds: [{apiGroups: [\"\"], kinds: [Pod]}]
    excludedNamespaces: [\"legacy-*\"]
    namespaceSelector:
      matchExpressions: [{key: env, operator: In, values: [prod]}]
",
    );
    let manifests = "apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: lab, labels: {env: dev}}
---
apiVersion: v1
kind: Namespace
metadata: {name: legacy-shop, labels: {env: prod}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers: [{name: cart, image: mcr.microsoft.com/cart:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tried, namespace: lab}
spec:
  template:
    spec:
      containers: [{name: tried, image: mcr.microsoft.com/tried:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: old, namespace: legacy-shop}
spec:
  template:
    spec:
      containers: [{name: old, image: mcr.microsoft.com/old:1}]
";
    std::fs::write(dir.path().join("app.yaml"), manifests).expect("write");
    let output = common::run(
        dir.path(),
        &[
            "check",
            "app.yaml",
            "--policy",
            ".",
            "--select",
            "K8sTestLabels",
            "--output-format",
            "json",
        ],
        None,
    );
    let found = findings(&output);
    let messages: Vec<&str> = found.iter().filter_map(|f| f["message"].as_str()).collect();
    // Only the pods of `cart` are in a namespace the selector takes and not excluded; the
    // finding is on the Deployment (line 15: its name).
    assert_eq!(
        messages,
        ["Pod cart has no team label (CREATE)"],
        "{found:?}"
    );
    assert_eq!(found[0]["range"]["start"]["line"], 15);
    assert_eq!(found[0]["path"], "app.yaml");
}

#[test]
fn rego_errors_are_reported_at_their_line_in_the_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = LABELS_REGO.replace("not input.review", "not @input.review");
    write_policy(
        dir.path(),
        &broken,
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sTestLabels\nmetadata:\n  name: team-label\n",
    );
    std::fs::write(dir.path().join("pod.yaml"), POD).expect("write");
    let output = common::run(
        dir.path(),
        &[
            "check",
            "pod.yaml",
            "--policy",
            ".",
            "--output-format",
            "json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let found = findings(&output);
    let error = found
        .iter()
        .find(|f| f["code"] == "AKL001" && f["path"] == "./template.yaml")
        .unwrap_or_else(|| panic!("{found:?}"));
    // The Rego starts on line 13 of the file; its third line is the broken one.
    assert_eq!(error["range"]["start"]["line"], 15, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("K8sTestLabels"),
        "{error}"
    );
    // The constraint has no template left: reported too, at its kind.
    assert!(
        found.iter().any(|f| f["path"] == "./constraint.yaml"),
        "{found:?}"
    );
}
