use std::borrow::Cow;
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, ObjectRef, rule_url};
use akslint_model::k8s::Object;
use akslint_syntax::NodeRef;
use akslint_text::{SourceFile, Span};

use crate::{LintSettings, RuleMeta};

/// What a rule sees while it runs, and where it reports.
pub struct Context<'a> {
    pub(crate) file: &'a Arc<SourceFile>,
    pub(crate) settings: &'a LintSettings,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) object: Option<&'a Object<'a>>,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
}

impl Context<'_> {
    /// The settings of this run.
    #[must_use]
    pub const fn settings(&self) -> &LintSettings {
        self.settings
    }

    /// Reports a finding at `span`; the returned diagnostic can take a help text.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        let object = self.object.map(|object| {
            let identity = object.identity();
            ObjectRef {
                kind: identity.kind,
                name: identity.name,
                namespace: identity.namespace,
            }
        });
        self.diagnostics.push(Diagnostic {
            code: Cow::Borrowed(self.rule.code),
            name: Cow::Borrowed(self.rule.name),
            severity: self.rule.severity,
            message: message.into(),
            help: None,
            file: Arc::clone(self.file),
            span,
            object,
            source_template: self.object.and_then(|o| o.document.helm_source.clone()),
            related: Vec::new(),
            url: Some(rule_url(self.rule.code)),
        });
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// Reports a finding about the value `node`.
    pub fn report_node(
        &mut self,
        node: NodeRef<'_>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.report(node.span(), message)
    }

    /// Reports that `path` (dotted keys below `parent`) is missing, at the deepest part of the
    /// path that exists: its key when it is a mapping value, or the first entry of a list item.
    pub fn report_missing(
        &mut self,
        parent: NodeRef<'_>,
        path: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let (nearest, _missing) = parent.walk_path(path);
        self.report(nearest.anchor_span(), message)
    }
}

/// Sets the help text of a freshly reported diagnostic.
pub trait WithHelp {
    /// Attaches `help`.
    fn help(&mut self, help: impl Into<String>);
}

impl WithHelp for Diagnostic {
    fn help(&mut self, help: impl Into<String>) {
        self.help = Some(help.into());
    }
}
