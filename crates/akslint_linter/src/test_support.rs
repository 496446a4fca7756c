//! Helpers for the rules' own unit tests: lint text with one rule at a target version, as one
//! file or as a project of several files (the same steps as a CLI run).

use akslint_diagnostics::Diagnostic;
use akslint_text::SourceFile;

use crate::project::ProjectIndex;
use crate::{FileFormat, KubernetesVersion, LintSettings, Linter, RuleSelection, Selector};

/// Lints `files` (path, text; the format follows the extension, YAML when there is none) as
/// one run with only `code` enabled at Kubernetes `1.minor`; returns the findings of every
/// file, suppressions applied.
pub(crate) fn lint_files(code: &str, minor: u32, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let selector = Selector::parse(code).expect("a registered code");
    let linter = Linter::new(LintSettings {
        rules: RuleSelection::new(&[selector], &[]),
        kubernetes_version: KubernetesVersion::new(minor),
        ..LintSettings::default()
    });
    let sources: Vec<_> = files
        .iter()
        .map(|(path, text)| SourceFile::new(*path, (*text).to_owned()))
        .collect();
    let mut parsed: Vec<_> = sources
        .iter()
        .map(|file| {
            let format = FileFormat::from_path(file.path()).unwrap_or(FileFormat::Yaml);
            linter.parse(file, format)
        })
        .collect();
    let mut project = ProjectIndex::default();
    for source in &parsed {
        project.merge(linter.index(source));
    }
    let mut templates = ProjectIndex::default();
    for source in &mut parsed {
        templates.merge(linter.index_templates(source, &project));
    }
    project.merge(templates);
    let project_findings = linter.lint_project(&project);
    let mut found = Vec::new();
    for source in &mut parsed {
        let mut diagnostics = linter.lint_parsed(source, &project);
        diagnostics.extend(
            project_findings
                .iter()
                .filter(|d| d.file.path() == source.file().path())
                .cloned(),
        );
        linter.apply_suppressions(source, &mut diagnostics);
        found.extend(diagnostics);
    }
    found
}

/// Lints one YAML text with only `code` enabled at Kubernetes `1.minor`; returns that rule's
/// findings.
pub(crate) fn lint_at(code: &str, minor: u32, text: &str) -> Vec<Diagnostic> {
    lint_files(code, minor, &[("test.yaml", text)])
        .into_iter()
        .filter(|diagnostic| diagnostic.code == code)
        .collect()
}
