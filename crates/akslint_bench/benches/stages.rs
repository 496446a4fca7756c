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
use akslint_syntax::{Limits, json, yaml};
use akslint_text::SourceFile;
use akslint_workspace::{Configurations, Overrides, discover, lint_candidates};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

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
}

fn inputs() -> Inputs {
    let dir = tempfile::tempdir().expect("a temporary directory for the corpus");
    let corpus = write_corpus(dir.path(), DOCUMENTS, 10, TEMPLATES, 42).expect("corpus written");
    Inputs {
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
    ] {
        let sources: Vec<_> = files.iter().map(|f| linter.parse(f, format)).collect();
        let mut project = akslint_linter::project::ProjectIndex::default();
        for source in &sources {
            project.merge(linter.index(source));
        }
        for source in &sources {
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
        group.bench_function(format!("{name}: lint parsed"), |b| {
            b.iter(|| {
                sources
                    .iter()
                    .map(|s| linter.lint_parsed(s, &project).len())
                    .sum::<usize>()
            });
        });
        group.bench_function(format!("{name}: suppressions"), |b| {
            let findings: Vec<_> = sources
                .iter()
                .map(|s| linter.lint_parsed(s, &project))
                .collect();
            b.iter_batched(
                || findings.clone(),
                |mut findings| {
                    for (source, diagnostics) in sources.iter().zip(&mut findings) {
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
