//! `ConstraintTemplate`s: their Rego (and `libs`) compiled once into a regorus engine.

use std::sync::Arc;

use akslint_syntax::{NodeRef, ScalarStyle};
use akslint_text::{SourceFile, Span};
use regorus::{Engine, Value};

use crate::Problem;
use crate::value::to_value;

/// The target whose Rego Gatekeeper runs at admission.
pub const ADMISSION_TARGET: &str = "admission.k8s.gatekeeper.sh";

/// A compiled template.
#[derive(Clone)]
pub struct Template {
    /// The constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    /// The file it is written in.
    pub file: Arc<SourceFile>,
    /// The engine with its Rego and libs added (parsed; analysed on first evaluation).
    pub engine: Engine,
    /// `data.<package>.violation`.
    pub rule: String,
    /// `openAPIV3Schema` of its parameters (or null).
    pub schema: Value,
    /// Where each Rego module is written, to point Rego errors at the template.
    modules: Vec<RegoModule>,
}

/// A Rego module inside a template: its name in the engine and where its text starts.
#[derive(Debug, Clone)]
struct RegoModule {
    name: String,
    /// Zero-based line of the file holding the module's first line.
    first_line: u32,
    /// Columns the block scalar is indented by.
    indent: u32,
    /// The whole scalar, when a position cannot be mapped.
    span: Span,
}

impl Template {
    /// Compiles the template written at `node` of `file`.
    ///
    /// # Errors
    /// A problem at the place in the template that is wrong: no kind, no admission target, or
    /// Rego that does not parse.
    pub fn compile(file: &Arc<SourceFile>, node: NodeRef<'_>) -> Result<Self, Problem> {
        let problem = |span: Span, message: String| Problem {
            file: Arc::clone(file),
            span,
            message,
        };
        let kind = node
            .get_path("spec.crd.spec.names.kind")
            .and_then(NodeRef::as_str)
            .filter(|kind| !kind.is_empty())
            .ok_or_else(|| {
                problem(
                    node.span(),
                    "this ConstraintTemplate has no `spec.crd.spec.names.kind`".to_owned(),
                )
            })?;
        let target = node
            .get_path("spec.targets")
            .into_iter()
            .flat_map(NodeRef::items)
            .find(|target| target.get("target").and_then(NodeRef::as_str) == Some(ADMISSION_TARGET))
            .ok_or_else(|| {
                problem(
                    node.span(),
                    format!("ConstraintTemplate `{kind}` has no `{ADMISSION_TARGET}` target"),
                )
            })?;
        let rego = target
            .get("rego")
            .filter(|rego| rego.as_str().is_some())
            .ok_or_else(|| {
                problem(
                    target.span(),
                    format!("the target of `{kind}` has no `rego`"),
                )
            })?;
        let mut engine = Engine::new();
        // Gatekeeper's v1beta1 and v1 templates are written in Rego v0 (no `if`, no `contains`).
        engine.set_rego_v0(true);
        // As in OPA (and so Gatekeeper), a builtin that fails leaves its expression undefined
        // instead of ending the evaluation.
        engine.set_strict_builtin_errors(false);
        crate::builtins::add_legacy_builtins(&mut engine).map_err(|error| {
            problem(
                rego.span(),
                format!("cannot prepare the Rego engine: {error}"),
            )
        })?;
        let mut template = Self {
            kind: kind.to_owned(),
            file: Arc::clone(file),
            engine,
            rule: String::new(),
            schema: node
                .get_path("spec.crd.spec.validation.openAPIV3Schema")
                .map_or(Value::Null, to_value),
            modules: Vec::new(),
        };
        let package = template.add_module("rego".to_owned(), rego)?;
        for (index, lib) in target
            .get("libs")
            .into_iter()
            .flat_map(NodeRef::items)
            .enumerate()
        {
            template.add_module(format!("libs[{index}]"), lib)?;
        }
        template.rule = format!("{package}.violation");
        Ok(template)
    }

    /// Adds one module; its package (`data.x`).
    fn add_module(&mut self, name: String, node: NodeRef<'_>) -> Result<String, Problem> {
        let text = node.as_str().unwrap_or_default();
        self.modules
            .push(locate_module(&self.file, name.clone(), node));
        self.engine
            .add_policy(name, text.to_owned())
            .map_err(|error| self.rego_problem(&error.to_string()))
    }

    /// A Rego error (from parsing or evaluating) as a problem at its line in the template.
    #[must_use]
    pub fn rego_problem(&self, error: &str) -> Problem {
        let message = error
            .lines()
            .rev()
            .find(|line| !line.trim().is_empty())
            .unwrap_or(error)
            .trim();
        let message = message.strip_prefix("error: ").unwrap_or(message);
        let span = error
            .lines()
            .find_map(|line| line.trim().strip_prefix("--> "))
            .and_then(|place| self.map_place(place))
            .or_else(|| self.modules.first().map(|module| module.span))
            .unwrap_or_default();
        Problem {
            file: Arc::clone(&self.file),
            span,
            message: format!(
                "Rego error in ConstraintTemplate `{}`: {message}",
                self.kind
            ),
        }
    }

    /// `module:line:col` of a regorus message as a span in the template file.
    fn map_place(&self, place: &str) -> Option<Span> {
        let mut parts = place.rsplitn(3, ':');
        let col: u32 = parts.next()?.parse().ok()?;
        let line: u32 = parts.next()?.parse().ok()?;
        let module = self
            .modules
            .iter()
            .find(|m| m.name == parts.next().unwrap_or_default())?;
        let index = self.file.line_index();
        let text = self.file.text();
        let file_line = module.first_line + line.saturating_sub(1);
        let line_span = index.line_span(file_line, text);
        let start = (line_span.start + module.indent + col.saturating_sub(1)).min(line_span.end);
        Some(Span::new(start, line_span.end))
    }
}

/// Where the text of a Rego scalar starts: for a block scalar (`rego: |`), the line after the
/// indicator and the indentation of its content.
fn locate_module(file: &SourceFile, name: String, node: NodeRef<'_>) -> RegoModule {
    let index = file.line_index();
    let text = file.text();
    let span = node.span();
    let header = index.line_of(span.start);
    let block = matches!(
        node.scalar().map(|(_, style)| style),
        Some(ScalarStyle::Literal | ScalarStyle::Folded)
    );
    if !block {
        return RegoModule {
            name,
            first_line: header,
            indent: index.line_col(span.start).col + 1,
            span,
        };
    }
    let first_line = header + 1;
    let indent = (first_line..index.line_count())
        .map(|line| file.slice(index.line_span(line, text)))
        .find(|line| !line.trim().is_empty())
        .map_or(0, |line| line.len() - line.trim_start().len());
    RegoModule {
        name,
        first_line,
        indent: u32::try_from(indent).unwrap_or(0),
        span,
    }
}
