use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, ObjectRef, Related};
use akslint_model::azure::{Lookup, Origin, Resource};
use akslint_model::k8s::{Object, Workload};
use akslint_syntax::NodeRef;
use akslint_text::{SourceFile, Span};

use crate::project::{Location, ProjectIndex};
use crate::{KubernetesVersion, LintSettings, PssLevel, RuleMeta};

/// What a rule sees while it runs, and where it reports.
pub struct Context<'a> {
    pub(crate) file: &'a Arc<SourceFile>,
    pub(crate) settings: &'a LintSettings,
    pub(crate) project: &'a ProjectIndex,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) object: Option<&'a Object<'a>>,
    /// The workload view of `object`, when it carries a pod spec: made once per object for
    /// all of its rules rather than by each rule that looks at pods.
    pub(crate) workload: Option<Workload<'a>>,
    /// The name findings give their object or ARM resource, shared by every rule that checks
    /// it: made on the first finding for a Kubernetes object, given for an ARM resource, and
    /// empty for template-wide rules.
    pub(crate) subject: &'a OnceCell<Arc<ObjectRef>>,
    /// The parameter file of the template evaluation being checked, if any.
    pub(crate) parameter_file: Option<&'a Arc<SourceFile>>,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    /// The object being checked as a workload (Pod, Deployment, CronJob, a configured custom
    /// kind, ...), when it carries a pod spec.
    #[must_use]
    pub const fn workload(&self) -> Option<Workload<'a>> {
        self.workload
    }

    /// Whether the file is Bicep, for advice that Bicep writes differently from ARM JSON
    /// (JSON snippets in backticks are rewritten as Bicep anyway).
    #[must_use]
    pub fn is_bicep(&self) -> bool {
        crate::bicep_wording::is_bicep(self.file.path())
    }

    /// The settings of this run.
    #[must_use]
    pub const fn settings(&self) -> &LintSettings {
        self.settings
    }

    /// Facts from every file of the run (ServiceAccounts, roles, namespaces, ...).
    ///
    /// ARM rules run while templates are indexed, on the evaluations indexing makes (a template
    /// is evaluated once): they see every fact except those of templates (clusters and their
    /// diagnostic settings). A check that needs other templates' facts is a project-wide rule
    /// ([`Rule::check_project`](crate::Rule::check_project)).
    #[must_use]
    pub const fn project(&self) -> &ProjectIndex {
        self.project
    }

    /// The Kubernetes version the object's checks follow: its namespace's
    /// `pod-security.kubernetes.io/enforce-version` when that Namespace is in the input and
    /// names a version, else the run's target version.
    #[must_use]
    pub fn kubernetes_version(&self) -> KubernetesVersion {
        self.object
            .and_then(|object| self.project.namespace(object.namespace))
            .and_then(|namespace| namespace.enforce_version)
            .unwrap_or(self.settings.kubernetes_version)
    }

    /// The Pod Security level the object is held to: its namespace's
    /// `pod-security.kubernetes.io/enforce` level when that Namespace is in the input, else
    /// `restricted` (every selected control applies).
    #[must_use]
    pub fn pss_level(&self) -> PssLevel {
        self.object
            .and_then(|object| self.project.namespace(object.namespace))
            .and_then(|namespace| namespace.enforce)
            .unwrap_or(PssLevel::Restricted)
    }

    /// Reports a finding at `span`; the returned diagnostic can take a help text.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        let object = match self.object {
            Some(object) => Some(self.subject.get_or_init(|| Arc::new(object_ref(object)))),
            None => self.subject.get(),
        }
        .cloned();
        self.diagnostics.push(new_diagnostic(
            self.rule,
            self.file,
            span,
            message.into(),
            object,
        ));
        let diagnostic = self
            .diagnostics
            .last_mut()
            .expect("a diagnostic was just pushed");
        diagnostic.source_template = self.object.and_then(|o| o.document.helm_source.clone());
        diagnostic
    }

    /// Reports a finding in another place of the project (another object or file), e.g. the
    /// ServiceAccount a workload relies on.
    pub fn report_at(
        &mut self,
        location: &Location,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        push_at(self.rule, self.diagnostics, location, message.into())
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

impl Context<'_> {
    /// Reports a finding about an ARM property: at the value where the resource uses it (or,
    /// when it is absent, at the key of the nearest existing parent), with the place the value
    /// is written attached as related information when that is elsewhere ("value from the
    /// default of parameter `x`", "value of parameter `x` in the parameter file").
    ///
    /// Rules report known values and absent properties; an unknown value is never a finding.
    pub fn report_value(
        &mut self,
        lookup: &Lookup<'_, '_>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let related = lookup.origin().map(|origin| self.related(origin));
        let diagnostic = self.report(lookup.span(), message);
        diagnostic.related.extend(related);
        diagnostic
    }

    /// Reports a finding about a whole ARM resource, at its `type` key.
    pub fn report_resource(
        &mut self,
        resource: &Resource<'_>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.report(resource.anchor().anchor_span(), message)
    }

    /// The related location of a value's origin, in the template or in the parameter file.
    #[must_use]
    pub fn related(&self, origin: &Origin<'_>) -> Related {
        let file = match self.parameter_file {
            Some(parameters) if origin.in_parameter_file() => parameters,
            _ => self.file,
        };
        Related {
            file: Arc::clone(file),
            span: origin.node.entry_span(),
            message: origin.describe(),
        }
    }
}

/// The object reference of an ARM resource: its type and its evaluated name (or the name's
/// expression).
#[must_use]
pub fn resource_ref(resource: &Resource<'_>) -> ObjectRef {
    ObjectRef {
        kind: resource
            .resource_type
            .as_deref()
            .unwrap_or("resource")
            .to_owned(),
        name: Some(resource.name_text()),
        namespace: None,
    }
}

/// Sets the help text of a freshly reported diagnostic.
pub trait WithHelp {
    /// Attaches `help`.
    fn help(&mut self, help: impl Into<Cow<'static, str>>);
}

impl WithHelp for Diagnostic {
    fn help(&mut self, help: impl Into<Cow<'static, str>>) {
        self.help = Some(help.into());
    }
}

/// Where project-wide rules report: they see the whole [`ProjectIndex`] and no single file.
pub struct ProjectContext<'a> {
    pub(crate) settings: &'a LintSettings,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
}

impl ProjectContext<'_> {
    /// The settings of this run.
    #[must_use]
    pub const fn settings(&self) -> &LintSettings {
        self.settings
    }

    /// Reports a finding at `location`.
    pub fn report(&mut self, location: &Location, message: impl Into<String>) -> &mut Diagnostic {
        push_at(self.rule, self.diagnostics, location, message.into())
    }
}

fn push_at<'d>(
    rule: &'static RuleMeta,
    diagnostics: &'d mut Vec<Diagnostic>,
    location: &Location,
    message: String,
) -> &'d mut Diagnostic {
    diagnostics.push(new_diagnostic(
        rule,
        &location.file,
        location.span,
        message,
        location.object.clone(),
    ));
    diagnostics
        .last_mut()
        .expect("a diagnostic was just pushed")
}

fn object_ref(object: &Object<'_>) -> ObjectRef {
    let identity = object.identity();
    ObjectRef {
        kind: identity.kind,
        name: identity.name,
        namespace: identity.namespace,
    }
}

/// A diagnostic of `rule` with no help, related locations or template yet.
pub(crate) fn new_diagnostic(
    rule: &'static RuleMeta,
    file: &Arc<SourceFile>,
    span: Span,
    message: String,
    object: Option<Arc<ObjectRef>>,
) -> Diagnostic {
    Diagnostic {
        code: Cow::Borrowed(rule.code),
        name: Cow::Borrowed(rule.name),
        severity: rule.severity,
        message,
        help: None,
        file: Arc::clone(file),
        span,
        object,
        source_template: None,
        rendered_range: None,
        related: Vec::new(),
        url: Some(Cow::Borrowed(rule.url)),
        fix: None,
    }
}
