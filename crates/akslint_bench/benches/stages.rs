//! The cost of each stage of a run (parse YAML and JSON, build the model, run the rules, render)
//! and of whole runs, on a corpus generated at bench time and on `../shared/corpus` when it is
//! there. `cargo bench -p akslint_bench`; name a group to run one, e.g. `-- parse`.
#![expect(
    missing_docs,
    reason = "criterion's macros define the undocumented entry points"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use akslint_bench::corpus::{Rng, write_corpus};
use akslint_bench::floor::{Depth, bare_parse};
use akslint_diagnostics::render::{FullOptions, concise, full};
use akslint_linter::{FileFormat, LintSettings, Linter};
use akslint_model::k8s::{WorkloadKinds, objects};
use akslint_syntax::{Limits, bicep, json, yaml};
use akslint_text::SourceFile;
use akslint_workspace::{Configurations, Overrides, discover, lint_candidates};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

// The stages allocate as they do in the `akslint` binary: with the system allocator, Bicep parsing
// spent about a third of its time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Documents and templates of the generated corpus: large enough that per-file overheads and
/// per-document costs both show, small enough for a quick `cargo bench`.
const DOCUMENTS: usize = 1_000;
const TEMPLATES: usize = 200;

struct Inputs {
    _dir: tempfile::TempDir,
    k8s_dir: PathBuf,
    arm_dir: PathBuf,
    yaml: Vec<Arc<SourceFile>>,
    json: Vec<Arc<SourceFile>>,
    /// Bicep templates: generated ones, and those of `../shared/corpus/bicep` when present.
    bicep: Vec<Arc<SourceFile>>,
}

/// One generated Bicep template: an AKS cluster with parameters, a loop, a condition, a child
/// pool and a diagnostic setting, so that every part of the parser and lowering is used.
fn bicep_template(index: usize) -> String {
    format!(
        r"@description('Cluster {index}')
param name string = 'aks-{index}'
param pools array = [
  {{ name: 'sys', count: 3, mode: 'System' }}
  {{ name: 'user', count: {index} % 5 + 1, mode: 'User' }}
]
@secure()
param adminPassword string
var tags = {{ env: 'bench', index: '{index}' }}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {{
  name: name
  location: resourceGroup().location
  tags: tags
  identity: {{ type: 'SystemAssigned' }}
  properties: {{
    dnsPrefix: '${{name}}-dns'
    enableRBAC: true
    agentPoolProfiles: [for (p, i) in pools: {{
      name: p.name
      count: p.?count ?? 1
      mode: p.mode
      vmSize: i == 0 ? 'Standard_D4s_v5' : 'Standard_D8s_v5'
    }}]
    networkProfile: {{ networkPlugin: 'azure', networkPolicy: 'cilium' }}
    addonProfiles: {{
      azurepolicy: {{ enabled: true }}
    }}
  }}
  resource extra 'agentPools' = if (length(pools) > 1) {{
    name: 'extra'
    properties: {{ count: 2, enableEncryptionAtHost: true }}
  }}
}}
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {{
  name: 'audit'
  scope: aks
  properties: {{
    logs: [ {{ category: 'kube-audit-admin', enabled: true }} ]
  }}
}}
output fqdn string = aks.properties.fqdn
"
    )
}

fn inputs() -> Inputs {
    let dir = tempfile::tempdir().expect("a temporary directory for the corpus");
    let corpus = write_corpus(dir.path(), DOCUMENTS, 10, TEMPLATES, 42).expect("corpus written");
    let mut bicep: Vec<Arc<SourceFile>> = (0..TEMPLATES)
        .map(|i| SourceFile::new(format!("main{i}.bicep"), bicep_template(i)))
        .collect();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/bicep");
    if shared.is_dir() {
        collect_bicep(&shared, &mut bicep);
    }
    Inputs {
        bicep,
        yaml: read_all(&corpus.k8s),
        json: read_all(&corpus.arm),
        k8s_dir: corpus.k8s,
        arm_dir: corpus.arm,
        _dir: dir,
    }
}

fn read_all(dir: &Path) -> Vec<Arc<SourceFile>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("corpus file");
            SourceFile::new(path, text)
        })
        .collect()
}

fn collect_bicep(dir: &Path, out: &mut Vec<Arc<SourceFile>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_bicep(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "bicep" || e == "bicepparam")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push(SourceFile::new(path, text));
        }
    }
}

fn bytes(files: &[Arc<SourceFile>]) -> u64 {
    files.iter().map(|f| f.text().len() as u64).sum()
}

fn parse(c: &mut Criterion, inputs: &Inputs) {
    let limits = Limits::default();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes(&inputs.yaml)));
    group.bench_function("yaml events (floor)", |b| {
        b.iter(|| {
            inputs
                .yaml
                .iter()
                .map(|f| yaml::scan_events(f.text(), &limits))
                .sum::<usize>()
        });
    });
    group.bench_function("yaml tree", |b| {
        b.iter(|| {
            inputs
                .yaml
                .iter()
                .map(|f| yaml::parse(f.text(), &limits).tree.len())
                .sum::<usize>()
        });
    });
    group.throughput(Throughput::Bytes(bytes(&inputs.json)));
    group.bench_function("json ast (floor)", |b| {
        b.iter(|| {
            inputs
                .json
                .iter()
                .filter(|f| json::scan(f.text(), &limits))
                .count()
        });
    });
    group.bench_function("json tree", |b| {
        b.iter(|| {
            inputs
                .json
                .iter()
                .map(|f| json::parse(f.text(), &limits).tree.len())
                .sum::<usize>()
        });
    });
    // Lexing, parsing and lowering to the ARM template's tree (modules not followed).
    group.throughput(Throughput::Bytes(bytes(&inputs.bicep)));
    group.bench_function("bicep tree", |b| {
        b.iter(|| {
            inputs
                .bicep
                .iter()
                .map(|f| bicep::parse(f.text(), &limits).tree.len())
                .sum::<usize>()
        });
    });
    group.finish();
}

fn model(c: &mut Criterion, inputs: &Inputs) {
    let limits = Limits::default();
    let parsed: Vec<_> = inputs
        .yaml
        .iter()
        .map(|f| yaml::parse(f.text(), &limits))
        .collect();
    let kinds = WorkloadKinds::default();
    let mut group = c.benchmark_group("model");
    group.throughput(Throughput::Bytes(bytes(&inputs.yaml)));
    group.bench_function("k8s objects, workloads, containers", |b| {
        b.iter(|| {
            let mut containers = 0;
            for file in &parsed {
                for object in objects(file) {
                    if let Some(workload) = kinds.workload(object) {
                        containers += workload.containers().count();
                    }
                }
            }
            containers
        });
    });
    group.finish();
}

fn rules(c: &mut Criterion, inputs: &Inputs) {
    let linter = Linter::new(LintSettings::default());
    let mut group = c.benchmark_group("rules");
    for (name, files, format) in [
        ("k8s", &inputs.yaml, FileFormat::Yaml),
        ("arm", &inputs.json, FileFormat::Json),
        ("bicep", &inputs.bicep, FileFormat::Bicep),
    ] {
        let mut sources: Vec<_> = files.iter().map(|f| linter.parse(f, format)).collect();
        let mut project = akslint_linter::project::ProjectIndex::default();
        for source in &sources {
            project.merge(linter.index(source));
        }
        for source in &mut sources {
            project.merge(linter.index_templates(source, &project));
        }
        group.throughput(Throughput::Bytes(bytes(files)));
        group.bench_function(format!("{name}: index"), |b| {
            b.iter(|| {
                let mut merged = akslint_linter::project::ProjectIndex::default();
                for source in &sources {
                    merged.merge(linter.index(source));
                }
                merged
            });
        });
        // The ARM rules run on the evaluations of the template indexing pass, so linting an ARM
        // template includes that pass.
        let lint = |source: &mut akslint_linter::ParsedSource<'_>| {
            let _ = linter.index_templates(source, &project);
            linter.lint_parsed(source, &project)
        };
        group.bench_function(format!("{name}: lint parsed"), |b| {
            b.iter(|| sources.iter_mut().map(|s| lint(s).len()).sum::<usize>());
        });
        group.bench_function(format!("{name}: suppressions"), |b| {
            let findings: Vec<_> = sources.iter_mut().map(&lint).collect();
            b.iter_batched(
                || findings.clone(),
                |mut findings| {
                    for (source, diagnostics) in sources.iter_mut().zip(&mut findings) {
                        linter.apply_suppressions(source, diagnostics);
                    }
                    findings
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn render(c: &mut Criterion, inputs: &Inputs) {
    let linter = Linter::new(LintSettings::default());
    let diagnostics: Vec<_> = inputs
        .yaml
        .iter()
        .flat_map(|f| linter.lint(f, FileFormat::Yaml))
        .collect();
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Elements(diagnostics.len() as u64));
    group.bench_function("concise", |b| b.iter(|| concise(&diagnostics).len()));
    group.bench_function("full", |b| {
        b.iter(|| full(&diagnostics, FullOptions { color: false }).len());
    });
    group.finish();
}

fn end_to_end(c: &mut Criterion, inputs: &Inputs) {
    let configurations =
        Configurations::new(None, Overrides::default()).expect("the default configuration");
    let mut group = c.benchmark_group("end to end");
    group.sample_size(10);
    let mut corpora = vec![
        ("k8s", inputs.k8s_dir.clone()),
        ("arm", inputs.arm_dir.clone()),
    ];
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if shared.is_dir() {
        corpora.push(("shared corpus", shared));
    }
    for (name, dir) in corpora {
        let paths = [dir];
        group.bench_function(format!("{name}: bare parse (floor)"), |b| {
            b.iter(|| bare_parse(&paths, Depth::Events).expect("corpus readable"));
        });
        group.bench_function(format!("{name}: check"), |b| {
            b.iter(|| {
                let candidates = discover(&paths).expect("corpus readable");
                let report = lint_candidates(&candidates, &configurations).expect("configuration");
                report.diagnostics.len()
            });
        });
    }
    // One small file, as pre-commit hands over: what a run costs beyond the process start.
    let mut rng = Rng::new(1);
    let single = akslint_bench::corpus::k8s_document(&mut rng, 0);
    group.bench_function("one document, lint_text", |b| {
        b.iter(|| {
            akslint_workspace::lint_text(Path::new("one.yaml"), single.clone(), &configurations)
                .expect("configuration")
                .len()
        });
    });
    group.finish();
}

fn stages(c: &mut Criterion) {
    let inputs = inputs();
    parse(c, &inputs);
    model(c, &inputs);
    rules(c, &inputs);
    render(c, &inputs);
    end_to_end(c, &inputs);
}

criterion_group!(benches, stages);
criterion_main!(benches);
