//! The whole shared corpus of real-world files: the binary must finish with 0 or 1 (never a
//! crash), and report syntax errors only for the files that really are invalid.

use std::path::Path;
use std::process::Command;

/// Files of the corpus that are not valid YAML or JSON, and why.
const KNOWN_INVALID: &[&str] = &[
    // Duplicate `selector` / `storageClassName` keys in archived upstream examples.
    "k8s/kubernetes-examples/_archived/openshift-origin/etcd-controller.yaml",
    "k8s/kubernetes-examples/_archived/openshift-origin/etcd-discovery-controller.yaml",
    "k8s/kubernetes-examples/_archived/openshift-origin/openshift-controller.yaml",
    "k8s/kubernetes-examples/_archived/volumes/scaleio/sc-pvc.yaml",
    // Test inputs of kubesec's HTTP form handling: `file=` precedes the JSON.
    "k8s/kubesec/test/asset/form-prefix-file.json",
    "k8s/kubesec/test/asset/form-prefix-not-file.json",
    // A test file of polaris that is deliberately broken (`::::`).
    "k8s/polaris/pkg/kube/test_files/test_3/bad.yaml",
    // Kustomizations whose resources, `.env` files or components the corpus does not hold:
    // kustomize cannot build them (when `kubectl` is on PATH; without it, every one is
    // reported, which CI never sees since it installs kubectl).
    "k8s/aks-store-demo/kustomize/base/kustomization.yaml",
    "k8s/aks-store-demo/kustomize/overlays/azd/ai-service/kustomization.yaml",
    "k8s/aks-store-demo/kustomize/overlays/azd/makeline-service/kustomization.yaml",
    "k8s/aks-store-demo/kustomize/overlays/azd/order-service/kustomization.yaml",
    "k8s/aks-store-demo/kustomize/overlays/dev/kustomization.yaml",
    "k8s/microservices-demo/kustomize/tests/memorystore-with-all-components/kustomization.yaml",
    "k8s/microservices-demo/kustomize/tests/service-mesh-istio-with-all-components/kustomization.yaml",
    "k8s/microservices-demo/kustomize/tests/spanner-with-all-components/kustomization.yaml",
];

#[test]
fn corpus_never_crashes_and_syntax_errors_are_real() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_akslint"))
        .args(["check", ".", "--select", "all", "--output-format", "json"])
        .current_dir(&corpus)
        .output()
        .expect("akslint runs");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("JSON output");
    let mut invalid: Vec<String> = findings
        .iter()
        .filter(|f| f["code"] == "AKL001" || f["code"] == "AKL004")
        .filter_map(|f| f["path"].as_str())
        .map(|p| p.trim_start_matches("./").to_owned())
        .collect();
    invalid.sort();
    invalid.dedup();
    let mut expected: Vec<String> = KNOWN_INVALID.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(invalid, expected);
}

/// The shared corpus, or `None` (skipped) outside CI when it is not beside the repository.
fn shared_corpus() -> Option<std::path::PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if corpus.is_dir() {
        return Some(corpus);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have the shared corpus at {}",
        corpus.display()
    );
    eprintln!("shared corpus not found at {}; skipped", corpus.display());
    None
}

/// The AKS and ARM findings of one file linted on its own, as sorted codes.
fn azure_codes(corpus: &Path, path: &Path) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_akslint"))
        .arg("check")
        .arg(path)
        .args(["--output-format", "json"])
        .current_dir(corpus)
        .output()
        .expect("akslint runs");
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("JSON output");
    let mut codes: Vec<String> = findings
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|code| !code.starts_with("K8S"))
        .map(str::to_owned)
        .collect();
    codes.sort();
    codes
}

fn files_named(dir: &Path, name: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files_named(&path, name, out);
        } else if path.file_name().is_some_and(|n| n == name) {
            out.push(path);
        }
    }
}

/// Each `main.bicep` of the Bicep repository's samples has the `main.json` the Bicep compiler
/// made of it at the same place under `arm/`: akslint's findings on the Bicep file (codes and
/// counts, syntax errors included) must equal those on the compiled template.
#[test]
fn bicep_findings_equal_those_on_the_compiled_template() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let mut templates = Vec::new();
    files_named(&corpus.join("arm/azure-bicep"), "main.json", &mut templates);
    templates.sort();
    let mut pairs = 0;
    let mut differences = Vec::new();
    for json in templates {
        let Ok(relative) = json.strip_prefix(corpus.join("arm")) else {
            continue;
        };
        let bicep = corpus.join("bicep").join(relative).with_extension("bicep");
        if !bicep.is_file() {
            continue;
        }
        pairs += 1;
        let (compiled, native) = (azure_codes(&corpus, &json), azure_codes(&corpus, &bicep));
        if compiled != native {
            differences.push(format!(
                "{}\n  compiled: {compiled:?}\n  bicep:    {native:?}",
                relative.display()
            ));
        }
    }
    eprintln!("{pairs} Bicep/compiled pairs, {} differ", differences.len());
    assert!(pairs > 0, "no Bicep/compiled pairs in the corpus");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
