use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, ObjectRef};
use akslint_model::azure::{ArmDocument, EvaluatedTemplate};
use akslint_model::k8s::{Object, Workload, objects};
use akslint_syntax::{ParsedFile, SyntaxErrorKind, json, yaml};
use akslint_text::SourceFile;
use rayon::prelude::*;

use crate::arm::{arm_root, collect_facts, for_each_evaluation};
use crate::context::{ProjectContext, new_diagnostic, resource_ref};
use crate::project::ProjectIndex;
use crate::rules::akl::{InputLimitExceeded, InvalidSyntax};
use crate::suppression::Suppressions;
use crate::{Context, FileFormat, LintSettings, Rule, RuleMetadata, Scope, all_rules};

/// Objects one thread lints at a time when a file has many: enough that a task costs more than
/// handing it to another thread.
const OBJECTS_PER_TASK: usize = 32;

/// Lints sources with one set of settings; build it once per run and share it between threads.
///
/// A run has these steps, so that rules can look across files: [`Linter::parse`] every source;
/// [`Linter::index`] each into one [`ProjectIndex`] (merged); [`Linter::index_templates`] each
/// against that index (ARM templates, whose facts depend on the parameter files the first pass
/// found) and merge again; then [`Linter::lint_parsed`] each and [`Linter::lint_project`] once.
/// [`Linter::lint`] does all of them for a single source.
pub struct Linter {
    settings: LintSettings,
    workload_rules: Vec<&'static dyn Rule>,
    rules_by_kind: HashMap<&'static str, Vec<&'static dyn Rule>>,
    object_rules: Vec<&'static dyn Rule>,
    project_rules: Vec<&'static dyn Rule>,
    cluster_rules: Vec<&'static dyn Rule>,
    pool_rules: Vec<&'static dyn Rule>,
    template_rules: Vec<&'static dyn Rule>,
}

/// A source and its syntax tree, kept between the indexing and the linting step.
pub struct ParsedSource<'a> {
    file: &'a Arc<SourceFile>,
    parsed: Option<ParsedFile<'a>>,
    /// The findings of the ARM rules, made by [`Linter::index_templates`] on the evaluations it
    /// indexes (evaluating a template is costly, and done once) and reported by
    /// [`Linter::lint_parsed`].
    template_findings: Vec<Diagnostic>,
    /// The suppression comments of a source whose tree was released.
    suppressions: Option<Suppressions>,
}

impl<'a> ParsedSource<'a> {
    /// Frees the syntax tree of a linted source, keeping its suppression comments for
    /// [`Linter::apply_suppressions`]. Trees are most of the memory of a large run; freed as
    /// each file is linted, their memory is reused for the findings instead of the run growing
    /// by both.
    pub fn release_tree(&mut self) {
        if let Some(parsed) = self.parsed.take() {
            self.suppressions = Some(Suppressions::collect(self.file, &parsed));
        }
    }

    /// The source.
    #[must_use]
    pub fn file(&self) -> &Arc<SourceFile> {
        self.file
    }

    /// The syntax tree (none for a format akslint does not parse yet).
    #[must_use]
    pub const fn parsed(&self) -> Option<&ParsedFile<'a>> {
        self.parsed.as_ref()
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
        let mut cluster_rules = Vec::new();
        let mut pool_rules = Vec::new();
        let mut template_rules = Vec::new();
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
                Scope::ManagedClusters => cluster_rules.push(rule),
                Scope::NodePools => pool_rules.push(rule),
                Scope::ArmTemplates => template_rules.push(rule),
                Scope::Engine => {}
            }
        }
        Self {
            settings,
            workload_rules,
            rules_by_kind,
            object_rules,
            project_rules,
            cluster_rules,
            pool_rules,
            template_rules,
        }
    }

    /// The settings this linter was built with.
    #[must_use]
    pub const fn settings(&self) -> &LintSettings {
        &self.settings
    }

    /// Parses and lints one source on its own (its objects are the whole project); diagnostics
    /// come back sorted and without duplicates.
    ///
    /// An ARM template is evaluated with its parameter defaults: this entry point reads no
    /// other file (the language server and stdin have no directory to look in). Use
    /// [`Linter::lint_with_parameters`] to give parameter files.
    #[must_use]
    pub fn lint(&self, file: &Arc<SourceFile>, format: FileFormat) -> Vec<Diagnostic> {
        self.lint_with_parameters(file, format, &[])
    }

    /// Like [`Linter::lint`], evaluating an ARM template once with each of `parameter_files`
    /// (deployment parameter files) instead of with its defaults.
    #[must_use]
    pub fn lint_with_parameters(
        &self,
        file: &Arc<SourceFile>,
        format: FileFormat,
        parameter_files: &[Arc<SourceFile>],
    ) -> Vec<Diagnostic> {
        let mut source = self.parse(file, format);
        let mut project = self.index(&source);
        project.explicit_parameter_files = parameter_files.to_vec();
        let templates = self.index_templates(&mut source, &project);
        project.merge(templates);
        let mut diagnostics = self.lint_parsed(&mut source, &project);
        diagnostics.extend(self.lint_project(&project));
        self.apply_suppressions(&mut source, &mut diagnostics);
        diagnostics
    }

    /// Drops the findings of `source` that its suppression comments and annotations silence,
    /// and reports unknown and unused suppressions (step four, once every finding of the file,
    /// including project-wide ones, is known). Leaves the diagnostics sorted.
    pub fn apply_suppressions(
        &self,
        source: &mut ParsedSource<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let kept = source.suppressions.take();
        if !self.settings.ignore_suppressions {
            let collected = || {
                let parsed = source.parsed.as_ref()?;
                Some(Suppressions::collect(source.file, parsed))
            };
            if let Some(mut suppressions) = kept.or_else(collected) {
                suppressions.apply(source.file, diagnostics, &self.settings.rules);
            }
        }
        finish(diagnostics);
    }

    /// Parses a source (step one).
    #[must_use]
    pub fn parse<'a>(&self, file: &'a Arc<SourceFile>, format: FileFormat) -> ParsedSource<'a> {
        let parsed = match format {
            FileFormat::Yaml => Some(yaml::parse(file.text(), &self.settings.limits)),
            FileFormat::Json => Some(json::parse(file.text(), &self.settings.limits)),
            FileFormat::Bicep => Some(crate::arm::parse_bicep(file, &self.settings.limits)),
        };
        ParsedSource {
            file,
            parsed,
            template_findings: Vec::new(),
            suppressions: None,
        }
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

    /// The facts of an ARM template (its clusters and their diagnostic settings), evaluated with
    /// the parameter files `project` knows for it (step two, second pass); merge them into
    /// `project` with [`ProjectIndex::merge`].
    ///
    /// The ARM rules run here too, on the same evaluations, and the next [`Linter::lint_parsed`]
    /// of `source` reports their findings: they see the project of the first pass, as no ARM
    /// rule looks at other templates' facts.
    #[must_use]
    pub fn index_templates(
        &self,
        source: &mut ParsedSource<'_>,
        project: &ProjectIndex,
    ) -> ProjectIndex {
        let mut facts = ProjectIndex::default();
        let mut findings = Vec::new();
        if let Some(parsed) = &source.parsed
            && let Some(root) = arm_root(parsed, ArmDocument::Template)
        {
            let file = source.file;
            let parameter_files = project.parameter_files_for(file.path());
            for_each_evaluation(
                root,
                &parameter_files,
                &self.settings.limits,
                |parameters, template| {
                    collect_facts(file, template, &mut facts);
                    let arm = ArmTarget {
                        file,
                        project,
                        parameters,
                    };
                    self.lint_template(&arm, template, &mut findings);
                },
            );
        }
        source.template_findings = findings;
        facts
    }

    /// Lints one parsed source against the facts of the whole project (step three), with the
    /// findings of the ARM rules from [`Linter::index_templates`].
    #[must_use]
    pub fn lint_parsed(
        &self,
        source: &mut ParsedSource<'_>,
        project: &ProjectIndex,
    ) -> Vec<Diagnostic> {
        // Taken rather than copied: the vector would stay allocated until the run ends. The
        // order does not matter, as the codes of these findings and the others differ.
        let mut diagnostics = std::mem::take(&mut source.template_findings);
        if let Some(parsed) = &source.parsed {
            self.report_syntax_errors(source.file, parsed, &mut diagnostics);
            let objects = objects(parsed);
            if objects.len() < OBJECTS_PER_TASK * 2 {
                for object in &objects {
                    self.lint_object(source.file, project, object, &mut diagnostics);
                }
            } else {
                // A long stream (an editor's 1 MB manifest) is linted by every thread; the
                // findings are sorted below, so the split does not show in the output.
                let found: Vec<Vec<Diagnostic>> = objects
                    .par_chunks(OBJECTS_PER_TASK)
                    .map(|chunk| {
                        let mut found = Vec::new();
                        for object in chunk {
                            self.lint_object(source.file, project, object, &mut found);
                        }
                        found
                    })
                    .collect();
                diagnostics.extend(found.into_iter().flatten());
            }
        }
        finish(&mut diagnostics);
        diagnostics
    }

    /// Runs the ARM rules on one evaluation of a template.
    fn lint_template(
        &self,
        arm: &ArmTarget<'_>,
        template: &EvaluatedTemplate<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let no_subject = OnceCell::new();
        for &rule in &self.template_rules {
            let mut cx = self.arm_context(arm, rule, &no_subject, diagnostics);
            rule.check_template(template, &mut cx);
        }
        if self.cluster_rules.is_empty() && self.pool_rules.is_empty() {
            return;
        }
        let clusters = template.managed_clusters();
        for cluster in &clusters {
            let subject = OnceCell::from(Arc::new(resource_ref(cluster.resource)));
            for &rule in &self.cluster_rules {
                let mut cx = self.arm_context(arm, rule, &subject, diagnostics);
                rule.check_cluster(cluster, &mut cx);
            }
        }
        if self.pool_rules.is_empty() {
            return;
        }
        let orphans = template.child_pools();
        let pools = clusters.iter().flat_map(|cluster| cluster.pools()).chain(
            orphans
                .iter()
                .filter(|(_, pool)| pool.cluster.is_none())
                .map(|(_, pool)| pool),
        );
        for pool in pools {
            let subject = OnceCell::from(Arc::new(resource_ref(pool.resource)));
            for &rule in &self.pool_rules {
                let mut cx = self.arm_context(arm, rule, &subject, diagnostics);
                rule.check_node_pool(pool, &mut cx);
            }
        }
    }

    fn arm_context<'a>(
        &'a self,
        arm: &ArmTarget<'a>,
        rule: &'static dyn Rule,
        subject: &'a OnceCell<Arc<ObjectRef>>,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Context<'a> {
        Context {
            file: arm.file,
            settings: &self.settings,
            project: arm.project,
            rule: rule.meta(),
            object: None,
            workload: None,
            subject,
            parameter_file: arm.parameters,
            diagnostics,
        }
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
        let subject = OnceCell::new();
        let target = ObjectTarget {
            file,
            project,
            object,
            // Looked up once: object rules about pods need it too.
            workload: self.settings.workload_kinds.workload(*object),
            subject: &subject,
        };
        for rule in kind_rules.iter().chain(&self.object_rules) {
            let mut cx = self.object_context(&target, *rule, diagnostics);
            rule.check_object(object, &mut cx);
        }
        if self.workload_rules.is_empty() {
            return;
        }
        let Some(workload) = target.workload else {
            return;
        };
        for rule in &self.workload_rules {
            let mut cx = self.object_context(&target, *rule, diagnostics);
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

    fn object_context<'a>(
        &'a self,
        target: &ObjectTarget<'a>,
        rule: &'static dyn Rule,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Context<'a> {
        Context {
            file: target.file,
            settings: &self.settings,
            project: target.project,
            rule: rule.meta(),
            object: Some(target.object),
            workload: target.workload,
            subject: target.subject,
            parameter_file: None,
            diagnostics,
        }
    }
}

/// The file, project and Kubernetes object the object and workload rules are run on, with what
/// they share: the object's workload view and the name its findings give it.
struct ObjectTarget<'a> {
    file: &'a Arc<SourceFile>,
    project: &'a ProjectIndex,
    object: &'a Object<'a>,
    workload: Option<Workload<'a>>,
    subject: &'a OnceCell<Arc<ObjectRef>>,
}

/// The file, project and parameter file an ARM evaluation is checked in.
struct ArmTarget<'a> {
    file: &'a Arc<SourceFile>,
    project: &'a ProjectIndex,
    parameters: Option<&'a Arc<SourceFile>>,
}

/// Sorts diagnostics into output order and drops repeats.
pub(crate) fn finish(diagnostics: &mut Vec<Diagnostic>) {
    crate::bicep_wording::speak_bicep(diagnostics);
    diagnostics.sort_by(Diagnostic::output_order);
    diagnostics.dedup_by(|a, b| a.same_finding(b));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RuleSelection, Selector};

    #[test]
    fn lint_with_parameters_evaluates_with_the_given_files_only() {
        let template = SourceFile::new(
            "t.json",
            r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "parameters": {"rbac": {"type": "bool", "defaultValue": true}},
                "resources": [{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01",
                               "name": "aks", "properties": {"enableRBAC": "[parameters('rbac')]"}}]}"#,
        );
        let parameters = SourceFile::new(
            "anything.json",
            r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                "parameters": {"rbac": {"value": false}}}"#,
        );
        let linter = Linter::new(LintSettings {
            rules: RuleSelection::new(&[Selector::parse("AKS108").expect("code")], &[]),
            ..LintSettings::default()
        });
        assert!(linter.lint(&template, FileFormat::Json).is_empty());
        let found = linter.lint_with_parameters(&template, FileFormat::Json, &[parameters]);
        assert_eq!(found.len(), 1);
        // A parameter file is not linted as a template.
        let parameters_file = SourceFile::new(
            "p.parameters.json",
            r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                "parameters": {}}"#,
        );
        assert!(linter.lint(&parameters_file, FileFormat::Json).is_empty());
    }
}
