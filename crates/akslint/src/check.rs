use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use akslint_diagnostics::render::{
    FullOptions, PathBase, RuleDescriptor, SarifOptions, full, github, gitlab, json, junit, sarif,
    unified_diff, write_concise,
};
use akslint_diagnostics::{Applicability, Diagnostic, Severity};
use akslint_linter::{all_rules, docs};
use akslint_model::k8s::CustomWorkloadKind;
use akslint_text::SourceFile;
use akslint_workspace::baseline::Baseline;
use akslint_workspace::{
    Configurations, FindingFilter, FixOptions, FixedFile, Overrides, RenderOptions, Report,
    discover, fix_candidates, fix_text, lint_reader, lint_rendering, split_rendered,
};
use clap::{Args, ValueEnum};

use crate::exit;

/// Output formats of `akslint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source excerpt with the range underlined, and help.
    Full,
    /// One line per finding.
    Concise,
    /// A JSON array.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning (paths relative to `GITHUB_WORKSPACE` when set).
    Sarif,
    /// GitHub Actions annotations (paths relative to `GITHUB_WORKSPACE` when set).
    Github,
    /// A GitLab Code Quality report (paths relative to `CI_PROJECT_DIR` when set).
    Gitlab,
    /// JUnit XML, one test case per finding.
    Junit,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin. Defaults to the current directory.
    paths: Vec<PathBuf>,
    /// Rules to run: codes, code prefixes, names, categories or profiles (`recommended`,
    /// `pss-baseline`, `pss-restricted`, `all`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Rules to add to the selection (of the configuration file or the default).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    extend_select: Vec<String>,
    /// Rules to skip, in the same forms as `--select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    output_format: OutputFormat,
    /// The path stdin is shown as (its extension also picks the format).
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Target Kubernetes version for version-gated checks, e.g. `1.30`.
    #[arg(long, value_name = "VERSION")]
    kubernetes_version: Option<String>,
    /// Registries images may come from (K8S203), as globs; repeat for several. Replaces the
    /// default `*.azurecr.io`, `mcr.microsoft.com`.
    #[arg(long = "allowed-registry", value_name = "GLOB")]
    allowed_registries: Vec<String>,
    /// The oldest Kubernetes version an AKS cluster may run (AKS301), e.g. `1.33`.
    #[arg(long, value_name = "VERSION")]
    minimum_kubernetes_version: Option<String>,
    /// An extra kind that carries a pod spec, and where: `Kind[.group]=dotted.path.to.podspec`,
    /// e.g. `ScaledJob.keda.sh=spec.jobTargetRef.template.spec`; repeat for several.
    #[arg(long = "workload-kind", value_name = "KIND=PATH")]
    workload_kinds: Vec<String>,
    /// Report only findings that this baseline file (from `--write-baseline`) does not record.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in a baseline file, report nothing and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Evaluate every ARM template of the run with this deployment parameter file, instead of
    /// the `<template>.parameters*.json` beside it; repeat for one evaluation per file.
    #[arg(long = "parameters", value_name = "FILE")]
    parameter_files: Vec<PathBuf>,
    /// A values file for every Helm chart of the run (`helm template --values`), after those
    /// of `[helm.charts]` in `akslint.toml`; repeat for several.
    #[arg(long = "helm-values", value_name = "FILE")]
    helm_values: Vec<PathBuf>,
    /// A value for every Helm chart of the run (`helm template --set KEY=VALUE`); repeat for
    /// several.
    #[arg(long = "helm-set", value_name = "KEY=VALUE")]
    helm_set: Vec<String>,
    /// Evaluate the Gatekeeper policies (ConstraintTemplates and constraints, as the Azure
    /// Policy add-on for AKS runs them) in this folder or file; repeat for several.
    #[arg(long = "policy", value_name = "DIR")]
    policy_paths: Vec<PathBuf>,
    /// A YAML mapping with the values of the constraints' `{{ .Values.x }}` placeholders.
    #[arg(long, value_name = "FILE")]
    policy_values: Option<PathBuf>,
    /// Use this configuration file for every file, instead of the closest `akslint.toml`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore suppression comments and `ignore.akslint.io/` annotations (to audit what they hide).
    #[arg(long)]
    no_suppressions: bool,
    /// Apply the fixes of the findings and write the fixed files; with `-`, write the fixed
    /// document to stdout (and the findings left to stderr). Only safe fixes, unless
    /// `--unsafe-fixes`. The findings reported, and the exit code, are those left after fixing.
    #[arg(long, conflicts_with = "write_baseline")]
    fix: bool,
    /// Apply unsafe fixes too (hardening that can break an application, such as dropping all
    /// capabilities); without `--fix` or `--diff`, count them as fixable in the summary.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exits 1 when something would
    /// change or a finding would be left.
    #[arg(long, conflicts_with = "write_baseline")]
    diff: bool,
}

/// Parses `Kind[.group]=path`.
fn custom_workload_kind(text: &str) -> Result<CustomWorkloadKind, String> {
    let invalid = || format!("`{text}` is not `Kind[.group]=path.to.pod.spec`");
    let (kind, path) = text.split_once('=').ok_or_else(invalid)?;
    let (kind, group) = match kind.trim().split_once('.') {
        Some((kind, group)) => (kind, Some(group.to_owned())),
        None => (kind.trim(), None),
    };
    let path = path.trim();
    if kind.is_empty() || path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(invalid());
    }
    Ok(CustomWorkloadKind {
        group,
        kind: kind.to_owned(),
        pod_spec_path: path.to_owned(),
    })
}

fn configurations(args: &CheckArgs) -> Result<Configurations, String> {
    let workload_kinds = args
        .workload_kinds
        .iter()
        .map(|text| custom_workload_kind(text))
        .collect::<Result<_, _>>()?;
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        kubernetes_version: args.kubernetes_version.clone(),
        allowed_registries: args.allowed_registries.clone(),
        minimum_kubernetes_version: args.minimum_kubernetes_version.clone(),
        workload_kinds,
        ignore_suppressions: args.no_suppressions,
        policy_paths: args.policy_paths.clone(),
        policy_values: args.policy_values.clone(),
    };
    Configurations::new(args.config.as_deref(), overrides).map_err(|e| e.to_string())
}

fn render_options(args: &CheckArgs) -> RenderOptions {
    RenderOptions {
        helm_values: args.helm_values.clone(),
        helm_set: args.helm_set.clone(),
        ..RenderOptions::default()
    }
}

/// `akslint check`.
pub fn run(args: &CheckArgs) -> u8 {
    let configurations = match configurations(args) {
        Ok(configurations) => configurations,
        Err(message) => {
            eprintln!("akslint: {message}");
            return exit::ERROR;
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (stdin, files): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    let read_stdin = !stdin.is_empty();
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("-"));
    if args.fix || args.diff {
        // Fixing needs the whole text to write it back; linting reads stdin bounded below.
        let stdin = if read_stdin {
            let mut text = String::new();
            if let Err(error) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("akslint: cannot read stdin: {error}");
                return exit::ERROR;
            }
            Some(text)
        } else {
            None
        };
        let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
            Ok(baseline) => baseline,
            Err(error) => {
                eprintln!("akslint: {error}");
                return exit::ERROR;
            }
        };
        let input = FixInput {
            stdin: stdin.map(|text| (stdin_name, text)),
            files,
            baseline: baseline.as_ref(),
        };
        let code = run_fix(args, &configurations, input);
        print_policy_notes(&configurations);
        return code;
    }
    let mut failed = false;
    // Each report is sorted already; only findings of stdin and of files together need a sort.
    let mut combined = false;
    let mut diagnostics = Vec::new();
    let mut files_checked = 0;
    if read_stdin {
        let mut parameters = Vec::new();
        for path in &args.parameter_files {
            match std::fs::read_to_string(path) {
                Ok(text) => parameters.push(SourceFile::new(path, text)),
                Err(error) => {
                    eprintln!("akslint: cannot read {}: {error}", path.display());
                    return exit::ERROR;
                }
            }
        }
        let stdin = std::io::stdin().lock();
        match lint_reader(&stdin_name, stdin, &configurations, &parameters) {
            Ok(report) => failed |= take_report(report, &mut diagnostics, &mut files_checked),
            Err(error) => {
                eprintln!("akslint: {error}");
                return exit::ERROR;
            }
        }
    }
    if !files.is_empty() {
        match discover(&files) {
            Ok(candidates) => {
                let (plain, roots) = split_rendered(&candidates);
                let report = match lint_rendering(
                    &plain,
                    &roots,
                    &configurations,
                    &args.parameter_files,
                    &render_options(args),
                ) {
                    Ok(report) => report,
                    Err(error) => {
                        eprintln!("akslint: {error}");
                        return exit::ERROR;
                    }
                };
                combined = !diagnostics.is_empty();
                failed |= take_report(report, &mut diagnostics, &mut files_checked);
            }
            Err(errors) => {
                for error in errors {
                    eprintln!("akslint: {error}");
                }
                return exit::ERROR;
            }
        }
    }
    if combined {
        diagnostics.sort_by(Diagnostic::output_order);
    }
    print_policy_notes(&configurations);
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::record(&diagnostics);
        return match baseline.save(path) {
            Ok(()) => {
                eprintln!(
                    "akslint: recorded {} findings in {} entries of {}",
                    baseline.findings.iter().map(|e| e.count).sum::<usize>(),
                    baseline.findings.len(),
                    path.display()
                );
                if failed { exit::ERROR } else { exit::CLEAN }
            }
            Err(error) => {
                eprintln!("akslint: {error}");
                exit::ERROR
            }
        };
    }
    if let Some(path) = &args.baseline {
        match Baseline::load(path) {
            Ok(baseline) => baseline.filter(&mut diagnostics),
            Err(error) => {
                eprintln!("akslint: {error}");
                return exit::ERROR;
            }
        }
    }
    let summary = Summary {
        files: files_checked,
        fixed: None,
        unsafe_fixes: args.unsafe_fixes,
    };
    let code = report(args, &diagnostics, &summary, Stream::Stdout, failed);
    // The process ends next and frees them all at once; freeing each finding costs more.
    std::mem::forget(diagnostics);
    code
}

/// Says on stderr which values the policies' placeholders were given.
fn print_policy_notes(configurations: &Configurations) {
    for note in configurations.policy_notes() {
        eprintln!("akslint: note: {note}");
    }
}

/// Prints the findings and gives the exit code: an error when `failed` or printing fails,
/// else whether findings are left.
fn report(
    args: &CheckArgs,
    diagnostics: &[Diagnostic],
    summary: &Summary,
    stream: Stream,
    failed: bool,
) -> u8 {
    if print(args.output_format, diagnostics, summary, stream).is_err() || failed {
        exit::ERROR
    } else if diagnostics.is_empty() {
        exit::CLEAN
    } else {
        exit::FINDINGS
    }
}

/// What `--fix` and `--diff` work on.
struct FixInput<'a> {
    /// The name stdin is shown as, and its text, when `-` is among the paths.
    stdin: Option<(PathBuf, String)>,
    /// The other paths.
    files: Vec<PathBuf>,
    /// Findings it records are neither fixed nor reported.
    baseline: Option<&'a Baseline>,
}

/// `akslint check --fix` and `--diff`: fix, then write the files (or print the diffs) and
/// report the findings left.
fn run_fix(args: &CheckArgs, configurations: &Configurations, input: FixInput<'_>) -> u8 {
    let filter = input
        .baseline
        .map(|baseline| move |found: &mut Vec<Diagnostic>| baseline.filter(found));
    let options = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        filter: filter.as_ref().map(|f| f as &FindingFilter<'_>),
    };
    let mut failed = false;
    let mut diagnostics = Vec::new();
    let mut changed: Vec<FixedFile> = Vec::new();
    let mut files_checked = 0;
    let mut stdin_result = None;
    if let Some((name, text)) = input.stdin {
        match fix_text(&name, text, configurations, options) {
            Ok((fixed, found)) => {
                diagnostics.extend(found);
                stdin_result = Some(fixed);
            }
            Err(error) => {
                eprintln!("akslint: {error}");
                return exit::ERROR;
            }
        }
        files_checked += 1;
    }
    if !input.files.is_empty() {
        let candidates = match discover(&input.files) {
            Ok(candidates) => candidates,
            Err(errors) => {
                for error in errors {
                    eprintln!("akslint: {error}");
                }
                return exit::ERROR;
            }
        };
        // Rendered output is linted, not fixed: its fixes would be edits of the output.
        let (plain, roots) = split_rendered(&candidates);
        let fixed = match fix_candidates(&plain, configurations, options) {
            Ok(fixed) => fixed,
            Err(error) => {
                eprintln!("akslint: {error}");
                return exit::ERROR;
            }
        };
        match lint_rendering(&[], &roots, configurations, &[], &render_options(args)) {
            Ok(rendered) => {
                files_checked += rendered.files_checked;
                diagnostics.extend(rendered.diagnostics);
            }
            Err(error) => {
                eprintln!("akslint: {error}");
                return exit::ERROR;
            }
        }
        files_checked += fixed.report.files_checked;
        for (path, error) in &fixed.report.io_errors {
            eprintln!("akslint: cannot read {path}: {error}");
            failed = true;
        }
        diagnostics.extend(fixed.report.diagnostics);
        changed.extend(fixed.files);
    }
    diagnostics.sort_by(Diagnostic::output_order);
    let stdin_changed = stdin_result.iter().filter(|f| f.original != f.fixed);
    let fixes: usize = changed.iter().chain(stdin_changed).map(|f| f.fixes).sum();
    let files_fixed =
        changed.len() + usize::from(stdin_result.as_ref().is_some_and(|f| f.fixes > 0));
    if args.diff {
        let mut out = std::io::stdout().lock();
        for file in stdin_result.iter().chain(&changed) {
            let diff = unified_diff(&file.path.to_string_lossy(), &file.original, &file.fixed);
            if out.write_all(diff.as_bytes()).is_err() {
                return exit::ERROR;
            }
        }
        eprintln!(
            "akslint: would fix {} in {}; {} left",
            plural(fixes, "finding"),
            plural(files_fixed, "file"),
            plural(diagnostics.len(), "finding")
        );
        return if failed {
            exit::ERROR
        } else if fixes > 0 || !diagnostics.is_empty() {
            exit::FINDINGS
        } else {
            exit::CLEAN
        };
    }
    for file in &changed {
        if let Err(error) = file.write() {
            eprintln!("akslint: cannot write {}: {error}", file.path.display());
            failed = true;
        }
    }
    // With `-`, stdout carries the fixed document, so the findings go to stderr.
    let stream = match &stdin_result {
        Some(fixed) => {
            if std::io::stdout()
                .lock()
                .write_all(fixed.fixed.as_bytes())
                .is_err()
            {
                return exit::ERROR;
            }
            Stream::Stderr
        }
        None => Stream::Stdout,
    };
    let summary = Summary {
        files: files_checked,
        fixed: Some((fixes, files_fixed)),
        unsafe_fixes: args.unsafe_fixes,
    };
    report(args, &diagnostics, &summary, stream, failed)
}

/// Where findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

fn print(
    format: OutputFormat,
    diagnostics: &[Diagnostic],
    summary: &Summary,
    stream: Stream,
) -> std::io::Result<()> {
    let (mut out, terminal): (Box<dyn Write>, bool) = match stream {
        Stream::Stdout => (
            Box::new(std::io::stdout().lock()),
            std::io::stdout().is_terminal(),
        ),
        Stream::Stderr => (
            Box::new(std::io::stderr().lock()),
            std::io::stderr().is_terminal(),
        ),
    };
    let color = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    match format {
        OutputFormat::Json => out.write_all(json(diagnostics).as_bytes()),
        OutputFormat::Concise => {
            // Streamed through a buffer: stdout is line-buffered, and laying out the whole
            // text first costs a run with tens of thousands of findings megabytes of fresh
            // memory on the one thread that writes.
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut out);
            write_concise(&mut buffered, diagnostics)?;
            writeln!(buffered, "{}", summary.text(diagnostics))?;
            buffered.flush()
        }
        OutputFormat::Full => {
            out.write_all(full(diagnostics, FullOptions { color }).as_bytes())?;
            writeln!(out, "{}", summary.text(diagnostics))
        }
        OutputFormat::Sarif => {
            let rules = rule_descriptors();
            let paths = path_base("GITHUB_WORKSPACE");
            let options = SarifOptions {
                rules: &rules,
                paths: &paths,
            };
            out.write_all(sarif(diagnostics, options).as_bytes())
        }
        OutputFormat::Github => {
            out.write_all(github(diagnostics, &path_base("GITHUB_WORKSPACE")).as_bytes())
        }
        OutputFormat::Gitlab => {
            out.write_all(gitlab(diagnostics, &path_base("CI_PROJECT_DIR")).as_bytes())
        }
        OutputFormat::Junit => out.write_all(junit(diagnostics).as_bytes()),
    }
}

/// Paths for the CI formats: relative to the checkout that the CI system names in `variable`
/// (it resolves paths against that, even when akslint runs in a subdirectory), else to the
/// working directory.
fn path_base(variable: &str) -> PathBase {
    let working_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let project_root = std::env::var_os(variable)
        .map(PathBuf::from)
        .filter(|root| root.is_absolute())
        .unwrap_or_else(|| working_dir.clone());
    PathBase {
        working_dir,
        project_root,
    }
}

/// Every rule described for SARIF; the renderer keeps those with results.
fn rule_descriptors() -> Vec<RuleDescriptor> {
    all_rules()
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            let mut descriptor =
                RuleDescriptor::new(meta.code, meta.name, meta.category.as_str(), meta.severity);
            descriptor.summary = meta.summary();
            descriptor.description = what_it_does(meta.docs);
            descriptor.help_markdown = docs::rule_page(meta);
            descriptor.extra_tags = meta
                .pss
                .map(|level| format!("pss-{}", level.as_str()))
                .into_iter()
                .collect();
            descriptor
        })
        .collect()
}

/// The "What it does" section of a rule's documentation as plain paragraphs, for SARIF's
/// `fullDescription`: wrapped lines are joined, list items keep their own lines.
fn what_it_does(doc_comment: &str) -> String {
    let text = docs::markdown(doc_comment);
    let Some((_, section)) = text.split_once("## What it does") else {
        return String::new();
    };
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut out = String::new();
    for paragraph in section.split("\n\n") {
        let mut lines = paragraph.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(first) = lines.next() else { continue };
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(first);
        for line in lines {
            let list_item = line.starts_with("- ") || line.starts_with("* ");
            out.push(if list_item { '\n' } else { ' ' });
            out.push_str(line);
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The closing lines of the full and concise formats.
struct Summary {
    /// Files checked.
    files: usize,
    /// Findings fixed and files changed, after `--fix`.
    fixed: Option<(usize, usize)>,
    /// Whether `--unsafe-fixes` was given.
    unsafe_fixes: bool,
}

impl Summary {
    fn text(&self, diagnostics: &[Diagnostic]) -> String {
        let tally = Tally::of(diagnostics);
        let mut out = String::new();
        if let Some((fixes, files)) = self.fixed {
            out.push_str(&format!(
                "Fixed {} in {}.\n",
                plural(fixes, "finding"),
                plural(files, "file")
            ));
        }
        out.push_str(&tally.summary(self.files));
        if let Some(hint) = tally.fixable_hint(self.unsafe_fixes) {
            out.push('\n');
            out.push_str(&hint);
        }
        out
    }
}

/// What the summary counts, in one pass over the findings: a run's findings are many and
/// large, and each pass over them reads tens of megabytes.
#[derive(Default)]
struct Tally {
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    files: usize,
    safe_fixes: usize,
    unsafe_fixes: usize,
}

impl Tally {
    fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut tally = Self {
            findings: diagnostics.len(),
            ..Self::default()
        };
        let mut previous: Option<&Diagnostic> = None;
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
                Severity::Note => tally.notes += 1,
            }
            match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
                Some(Applicability::Safe) => tally.safe_fixes += 1,
                Some(Applicability::Unsafe) => tally.unsafe_fixes += 1,
                None => {}
            }
            // Sorted by path: a file's findings are together.
            let same_file = previous.is_some_and(|previous| {
                Arc::ptr_eq(&previous.file, &diagnostic.file)
                    || previous.file.path() == diagnostic.file.path()
            });
            if !same_file {
                tally.files += 1;
            }
            previous = Some(diagnostic);
        }
        tally
    }

    /// `Found 3 findings (…) in 2 files of 5 checked.`
    fn summary(&self, files_checked: usize) -> String {
        if self.findings == 0 {
            return format!(
                "All checks passed ({} checked).",
                plural(files_checked, "file")
            );
        }
        format!(
            "Found {} ({} errors, {} warnings, {} notes) in {} of {} checked.",
            plural(self.findings, "finding"),
            self.errors,
            self.warnings,
            self.notes,
            plural(self.files, "file"),
            files_checked
        )
    }

    /// `[*] 3 fixable with `--fix` (2 more with `--fix --unsafe-fixes`).`, as ruff says it.
    fn fixable_hint(&self, unsafe_fixes: bool) -> Option<String> {
        let (safe, unsafe_only) = (self.safe_fixes, self.unsafe_fixes);
        if unsafe_fixes {
            let all = safe + unsafe_only;
            return (all > 0).then(|| format!("[*] {all} fixable with `--fix --unsafe-fixes`."));
        }
        match (safe, unsafe_only) {
            (0, 0) => None,
            (0, hidden) => Some(format!("{hidden} fixable with `--fix --unsafe-fixes`.")),
            (safe, 0) => Some(format!("[*] {safe} fixable with `--fix`.")),
            (safe, hidden) => Some(format!(
                "[*] {safe} fixable with `--fix` ({hidden} more with `--fix --unsafe-fixes`)."
            )),
        }
    }
}

/// Adds a report's findings to the run's; says whether the run failed (exit 2): a named file
/// could not be read, or akslint panicked on some file (that file's findings are incomplete,
/// so neither 0 nor 1 would be true).
fn take_report(
    report: Report,
    diagnostics: &mut Vec<Diagnostic>,
    files_checked: &mut usize,
) -> bool {
    *files_checked += report.files_checked;
    for (path, error) in &report.io_errors {
        eprintln!("akslint: cannot read {path}: {error}");
    }
    for (place, panic) in &report.internal_errors {
        eprintln!("akslint: internal error while linting {place}: {panic} (a bug in akslint)");
    }
    // Most runs have one report: taking its list whole saves copying every finding.
    if diagnostics.is_empty() {
        *diagnostics = report.diagnostics;
    } else {
        diagnostics.extend(report.diagnostics);
    }
    !report.io_errors.is_empty() || !report.internal_errors.is_empty()
}
