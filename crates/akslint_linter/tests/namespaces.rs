//! A `Namespace` in the input sets the Pod Security level and version of the workloads in it.

use akslint_linter::{FileFormat, LintSettings, Linter, RuleSelection, Selector};
use akslint_text::SourceFile;

fn codes(text: &str) -> Vec<String> {
    let settings = LintSettings {
        rules: RuleSelection::new(&[Selector::parse("pss-restricted").expect("profile")], &[]),
        ..LintSettings::default()
    };
    let file = SourceFile::new("ns.yaml", text.to_owned());
    Linter::new(settings)
        .lint(&file, FileFormat::Yaml)
        .iter()
        .map(|d| d.code.to_string())
        .collect()
}

fn stream(labels: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n{labels}---\n\
         apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  hostUsers: false\n  hostNetwork: true\n  containers:\n    - name: app\n      image: app\n"
    )
}

#[test]
fn baseline_namespaces_skip_restricted_controls() {
    let found = codes(&stream(
        "    pod-security.kubernetes.io/enforce: baseline\n",
    ));
    assert!(found.contains(&"K8S107".to_owned()), "{found:?}");
    assert!(!found.contains(&"K8S102".to_owned()), "{found:?}");
}

#[test]
fn privileged_namespaces_skip_every_control() {
    let found = codes(&stream(
        "    pod-security.kubernetes.io/enforce: privileged\n",
    ));
    assert!(!found.iter().any(|c| c.starts_with("K8S1")), "{found:?}");
}

#[test]
fn the_enforce_version_gates_version_dependent_checks() {
    // hostUsers: false exempts the pod from runAsNonRoot only from 1.35 on.
    let old = codes(&stream(
        "    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: v1.34\n",
    ));
    assert!(old.contains(&"K8S103".to_owned()), "{old:?}");
    let latest = codes(&stream(
        "    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: latest\n",
    ));
    assert!(!latest.contains(&"K8S103".to_owned()), "{latest:?}");
    assert!(latest.contains(&"K8S102".to_owned()), "{latest:?}");
}

#[test]
fn workloads_outside_a_labelled_namespace_get_every_control() {
    let text = stream("    pod-security.kubernetes.io/enforce: privileged\n")
        .replace("namespace: apps", "namespace: other");
    let found = codes(&text);
    assert!(found.contains(&"K8S102".to_owned()), "{found:?}");
}
