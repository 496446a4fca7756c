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
    ("container-allowed-capabilities", "K8sAzureAllowedCapabilities"),
    ("container-allowed-images", "K8sAzureContainerAllowedImages"),
    ("container-allowed-ports", "K8sAzureContainerAllowedPorts"),
    ("container-disallowed-capabilities", "K8sAzureDisallowedCapabilities"),
    ("container-no-privilege-escalation", "K8sAzureContainerNoPrivilegeEscalation"),
    ("container-no-privilege", "K8sAzureContainerNoPrivilege"),
    ("container-resource-limits", "K8sAzureContainerLimits"),
    ("enforce-apparmor-profile", "K8sAzureEnforceAppArmor"),
    ("flexvolume-drivers", "K8sAzureFlexVolumes"),
    ("forbidden-sysctl-interfaces", "K8sAzureForbiddenSysctls"),
    ("host-network-ports", "K8sAzureHostNetworkingPorts"),
    ("ingress-hostnames-conflict", "K8sAzureUniqueIngressHost"),
    ("ingress-https-only", "K8sAzureIngressHttpsOnly"),
    ("load-balancer-no-public-ips", "K8sAzureLoadBalancerNoPublicIPs"),
    ("pod-enforce-labels", "K8sAzurePodEnforceLabels"),
    ("read-only-root-filesystem", "K8sAzureReadOnlyRootFilesystem"),
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
            failures.push(format!("{violating}: expected {expected:?}, found {found:?}"));
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
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/policies/azure-policy-kubernetes");
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
