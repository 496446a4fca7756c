use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, rule_url};
use akslint_model::k8s::{Object, objects};
use akslint_syntax::{ParsedFile, SyntaxErrorKind, json, yaml};
use akslint_text::SourceFile;

use crate::rules::akl::{InputLimitExceeded, InvalidSyntax};
use crate::{Context, FileFormat, LintSettings, Rule, RuleMetadata, Scope, all_rules};

/// Lints sources with one set of settings; build it once per run and share it between threads.
pub struct Linter {
    settings: LintSettings,
    workload_rules: Vec<&'static dyn Rule>,
    rules_by_kind: HashMap<&'static str, Vec<&'static dyn Rule>>,
}

impl Linter {
    /// Prepares the dispatch tables for the enabled rules.
    #[must_use]
    pub fn new(settings: LintSettings) -> Self {
        let mut workload_rules = Vec::new();
        let mut rules_by_kind: HashMap<&'static str, Vec<&'static dyn Rule>> = HashMap::new();
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
                Scope::Engine => {}
            }
        }
        Self {
            settings,
            workload_rules,
            rules_by_kind,
        }
    }

    /// The settings this linter was built with.
    #[must_use]
    pub const fn settings(&self) -> &LintSettings {
        &self.settings
    }

    /// Parses and lints one source; diagnostics come back sorted and without duplicates.
    #[must_use]
    pub fn lint(&self, file: &Arc<SourceFile>, format: FileFormat) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        match format {
            FileFormat::Yaml => {
                let parsed = yaml::parse(file.text(), &self.settings.limits);
                self.lint_parsed(file, &parsed, &mut diagnostics);
            }
            FileFormat::Json => {
                let parsed = json::parse(file.text(), &self.settings.limits);
                self.lint_parsed(file, &parsed, &mut diagnostics);
            }
            // Bicep is read natively once its parser lands; until then it has no findings.
            FileFormat::Bicep => {}
        }
        diagnostics.sort_by(Diagnostic::output_order);
        diagnostics.dedup_by(|a, b| a.same_finding(b));
        diagnostics
    }

    fn lint_parsed(
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
            diagnostics.push(Diagnostic {
                code: Cow::Borrowed(meta.code),
                name: Cow::Borrowed(meta.name),
                severity: meta.severity,
                message: error.message.clone(),
                help: None,
                file: Arc::clone(file),
                span: error.span,
                object: None,
                source_template: error
                    .document
                    .and_then(|i| parsed.documents.get(i))
                    .and_then(|d| d.helm_source.clone()),
                related: Vec::new(),
                url: Some(rule_url(meta.code)),
            });
        }
        for object in objects(parsed) {
            self.lint_object(file, &object, diagnostics);
        }
    }

    fn lint_object(
        &self,
        file: &Arc<SourceFile>,
        object: &Object<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let kind_rules = object
            .kind
            .and_then(|kind| self.rules_by_kind.get(kind))
            .map_or(&[][..], Vec::as_slice);
        for rule in kind_rules {
            rule.check_object(object, &mut self.context(file, *rule, object, diagnostics));
        }
        if self.workload_rules.is_empty() {
            return;
        }
        let Some(workload) = self.settings.workload_kinds.workload(*object) else {
            return;
        };
        for rule in &self.workload_rules {
            rule.check_workload(
                &workload,
                &mut self.context(file, *rule, object, diagnostics),
            );
        }
    }

    fn context<'a>(
        &'a self,
        file: &'a Arc<SourceFile>,
        rule: &'static dyn Rule,
        object: &'a Object<'a>,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Context<'a> {
        Context {
            file,
            settings: &self.settings,
            rule: rule.meta(),
            object: Some(object),
            diagnostics,
        }
    }
}
