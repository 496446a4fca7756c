use std::collections::HashMap;
use std::sync::Arc;

use akslint_diagnostics::Diagnostic;
use akslint_model::k8s::{Object, objects};
use akslint_syntax::{ParsedFile, SyntaxErrorKind, json, yaml};
use akslint_text::SourceFile;

use crate::context::{ProjectContext, new_diagnostic};
use crate::project::ProjectIndex;
use crate::rules::akl::{InputLimitExceeded, InvalidSyntax};
use crate::suppression::Suppressions;
use crate::{Context, FileFormat, LintSettings, Rule, RuleMetadata, Scope, all_rules};

/// Lints sources with one set of settings; build it once per run and share it between threads.
///
/// A run has three steps, so that rules can look across files: [`Linter::parse`] every source,
/// [`Linter::index`] each into one [`ProjectIndex`] (merged), then [`Linter::lint_parsed`] each
/// and [`Linter::lint_project`] once. [`Linter::lint`] does all three for a single source.
pub struct Linter {
    settings: LintSettings,
    workload_rules: Vec<&'static dyn Rule>,
    rules_by_kind: HashMap<&'static str, Vec<&'static dyn Rule>>,
    object_rules: Vec<&'static dyn Rule>,
    project_rules: Vec<&'static dyn Rule>,
}

/// A source and its syntax tree, kept between the indexing and the linting step.
pub struct ParsedSource<'a> {
    file: &'a Arc<SourceFile>,
    parsed: Option<ParsedFile<'a>>,
}

impl ParsedSource<'_> {
    /// The source.
    #[must_use]
    pub fn file(&self) -> &Arc<SourceFile> {
        self.file
    }
}

impl Linter {
    /// Prepares the dispatch tables for the enabled rules.
    #[must_use]
    pub fn new(settings: LintSettings) -> Self {
        let mut workload_rules = Vec::new();
        let mut rules_by_kind: HashMap<&'static str, Vec<&'static dyn Rule>> = HashMap::new();
        let mut object_rules = Vec::new();
        let mut project_rules = Vec::new();
        for (index, &rule) in all_rules().iter().enumerate() {
            if !settings.rules.is_enabled_index(index) {
                continue;
            }
            match rule.meta().scope {
                Scope::Workloads => workload_rules.push(rule),
                Scope::Kinds(kinds) => {
                    for kind in kinds {
                        rules_by_kind.entry(kind).or_default().push(rule);
                    }
                }
                Scope::Objects => object_rules.push(rule),
                Scope::Project => project_rules.push(rule),
                Scope::Engine => {}
            }
        }
        Self {
            settings,
            workload_rules,
            rules_by_kind,
            object_rules,
            project_rules,
        }
    }

    /// The settings this linter was built with.
    #[must_use]
    pub const fn settings(&self) -> &LintSettings {
        &self.settings
    }

    /// Parses and lints one source on its own (its objects are the whole project); diagnostics
    /// come back sorted and without duplicates.
    #[must_use]
    pub fn lint(&self, file: &Arc<SourceFile>, format: FileFormat) -> Vec<Diagnostic> {
        let source = self.parse(file, format);
        let project = self.index(&source);
        let mut diagnostics = self.lint_parsed(&source, &project);
        diagnostics.extend(self.lint_project(&project));
        self.apply_suppressions(&source, &mut diagnostics);
        diagnostics
    }

    /// Drops the findings of `source` that its suppression comments and annotations silence,
    /// and reports unknown and unused suppressions (step four, once every finding of the file,
    /// including project-wide ones, is known). Leaves the diagnostics sorted.
    pub fn apply_suppressions(&self, source: &ParsedSource<'_>, diagnostics: &mut Vec<Diagnostic>) {
        if !self.settings.ignore_suppressions
            && let Some(parsed) = &source.parsed
        {
            let mut suppressions = Suppressions::collect(source.file, parsed);
            suppressions.apply(source.file, diagnostics, &self.settings.rules);
        }
        finish(diagnostics);
    }

    /// Parses a source (step one).
    #[must_use]
    pub fn parse<'a>(&self, file: &'a Arc<SourceFile>, format: FileFormat) -> ParsedSource<'a> {
        let parsed = match format {
            FileFormat::Yaml => Some(yaml::parse(file.text(), &self.settings.limits)),
            FileFormat::Json => Some(json::parse(file.text(), &self.settings.limits)),
            // Bicep is read natively once its parser lands; until then it has no findings.
            FileFormat::Bicep => None,
        };
        ParsedSource { file, parsed }
    }

    /// The project facts of one source (step two); merge those of every source with
    /// [`ProjectIndex::merge`].
    #[must_use]
    pub fn index(&self, source: &ParsedSource<'_>) -> ProjectIndex {
        let mut project = ProjectIndex::default();
        if let Some(parsed) = &source.parsed {
            project.collect(source.file, parsed, &self.settings.workload_kinds);
        }
        project
    }

    /// Lints one parsed source against the facts of the whole project (step three).
    #[must_use]
    pub fn lint_parsed(
        &self,
        source: &ParsedSource<'_>,
        project: &ProjectIndex,
    ) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        if let Some(parsed) = &source.parsed {
            self.report_syntax_errors(source.file, parsed, &mut diagnostics);
            for object in objects(parsed) {
                self.lint_object(source.file, project, &object, &mut diagnostics);
            }
        }
        finish(&mut diagnostics);
        diagnostics
    }

    /// Runs the project-wide rules once, after every source was indexed.
    #[must_use]
    pub fn lint_project(&self, project: &ProjectIndex) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for rule in &self.project_rules {
            let mut cx = ProjectContext {
                settings: &self.settings,
                rule: rule.meta(),
                diagnostics: &mut diagnostics,
            };
            rule.check_project(project, &mut cx);
        }
        finish(&mut diagnostics);
        diagnostics
    }

    fn report_syntax_errors(
        &self,
        file: &Arc<SourceFile>,
        parsed: &ParsedFile<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for error in &parsed.errors {
            let meta = match error.kind {
                SyntaxErrorKind::Invalid | SyntaxErrorKind::DuplicateKey => InvalidSyntax.meta(),
                SyntaxErrorKind::LimitExceeded => InputLimitExceeded.meta(),
            };
            let mut diagnostic =
                new_diagnostic(meta, file, error.span, error.message.clone(), None);
            diagnostic.source_template = error
                .document
                .and_then(|i| parsed.documents.get(i))
                .and_then(|d| d.helm_source.clone());
            diagnostics.push(diagnostic);
        }
    }

    fn lint_object(
        &self,
        file: &Arc<SourceFile>,
        project: &ProjectIndex,
        object: &Object<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let kind_rules = object
            .kind
            .and_then(|kind| self.rules_by_kind.get(kind))
            .map_or(&[][..], Vec::as_slice);
        for rule in kind_rules.iter().chain(&self.object_rules) {
            let mut cx = self.context(file, project, *rule, object, diagnostics);
            rule.check_object(object, &mut cx);
        }
        if self.workload_rules.is_empty() {
            return;
        }
        let Some(workload) = self.settings.workload_kinds.workload(*object) else {
            return;
        };
        for rule in &self.workload_rules {
            let mut cx = self.context(file, project, *rule, object, diagnostics);
            // A namespace's `pod-security.kubernetes.io/enforce` label decides which Pod
            // Security controls its workloads are held to.
            if let Some(control) = rule.meta().pss
                && !cx.pss_level().enforces(control)
            {
                continue;
            }
            rule.check_workload(&workload, &mut cx);
        }
    }

    fn context<'a>(
        &'a self,
        file: &'a Arc<SourceFile>,
        project: &'a ProjectIndex,
        rule: &'static dyn Rule,
        object: &'a Object<'a>,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Context<'a> {
        Context {
            file,
            settings: &self.settings,
            project,
            rule: rule.meta(),
            object: Some(object),
            diagnostics,
        }
    }
}

/// Sorts diagnostics into output order and drops repeats.
pub(crate) fn finish(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(Diagnostic::output_order);
    diagnostics.dedup_by(|a, b| a.same_finding(b));
}
