//! Bicep lowered to the ARM template it compiles to, as a span tree whose nodes point into
//! the `.bicep` source: the ARM evaluator and every ARM rule then read Bicep unchanged, and
//! findings land on the Bicep text.
//!
//! The template has `languageVersion` 2.0 (resources keyed by their symbolic names, as the
//! Bicep compiler writes them when it needs to). Literal values become nodes; anything
//! computed becomes an `"[expression]"` string node spanning the Bicep expression. Local
//! modules are lowered as nested deployments with the module's template inline; their nodes
//! point at the module's path in the including file, where a finding inside the module is
//! reported.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use akslint_text::Span;

use super::ast::{Expr, ExprKind, Name, ObjectItem, Program, Resource, Statement, StatementKind};
use super::parser;
use super::render::{Locals, render};
use super::symbols::{Symbols, body_items, body_property, loop_locals};
use crate::tree::{Entry, NodeId, Tree};
use crate::{Limits, ScalarStyle};

/// Reads a module file (`path` is already resolved against the including file's folder);
/// `None` when it cannot be read.
pub type ModuleLoader<'l> = dyn FnMut(&Path) -> Option<String> + 'l;

/// Modules may include modules; deeper chains than this are not followed.
const MAX_MODULE_DEPTH: usize = 8;

/// Most module templates inlined into one file: a module used many times by modules used many
/// times would otherwise multiply (a "module bomb"). Past it, modules stay without a template.
pub(crate) const MAX_MODULE_INLININGS: usize = 256;

const TEMPLATE_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const PARAMETERS_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

/// Where module files are found, and which are being lowered (to stop cycles).
pub(crate) struct Modules<'m, 'l> {
    pub loader: Option<&'m mut ModuleLoader<'l>>,
    pub stack: Vec<PathBuf>,
    pub limits: Limits,
    /// How many more module templates may be inlined.
    pub remaining: usize,
}

pub(crate) struct Lowerer<'t, 's, 'm, 'l> {
    pub tree: &'t mut Tree<'s>,
    pub symbols: Symbols,
    /// Set while lowering a module: every node is placed at the module's path.
    pub fixed_span: Option<Span>,
    pub modules: &'t mut Modules<'m, 'l>,
    /// The file being lowered, to resolve module paths.
    pub path: Option<PathBuf>,
    /// The text the tree's spans point into (the including file's, for a module), from which
    /// scalars are borrowed when they are written there as they are.
    pub source: &'s str,
}

impl<'s> Lowerer<'_, 's, '_, '_> {
    fn span(&self, span: Span) -> Span {
        self.fixed_span.unwrap_or(span)
    }

    fn scalar(
        &mut self,
        text: impl AsRef<str> + Into<String>,
        style: ScalarStyle,
        span: Span,
    ) -> NodeId {
        let value = match self.written(text.as_ref(), span) {
            Some(written) => Cow::Borrowed(written),
            None => Cow::Owned(text.into()),
        };
        let span = self.span(span);
        self.tree.push_scalar(value, style, span)
    }

    /// `text` as written in the source at `span` (bare, or between the quotes of a string),
    /// to borrow instead of allocating. Never for a module's nodes, placed at the module's path.
    fn written(&self, text: &str, span: Span) -> Option<&'s str> {
        if self.fixed_span.is_some() {
            return None;
        }
        let source = self.source;
        let at = source.get(span.start as usize..span.end as usize)?;
        if at == text {
            return Some(at);
        }
        let inner = at.strip_prefix('\'')?.strip_suffix('\'')?;
        (inner == text).then_some(inner)
    }

    fn string(&mut self, text: impl AsRef<str> + Into<String>, span: Span) -> NodeId {
        self.scalar(text, ScalarStyle::DoubleQuoted, span)
    }

    fn expression(&mut self, text: &str, span: Span) -> NodeId {
        self.string(format!("[{text}]"), span)
    }

    fn mapping(&mut self, entries: &[Entry], span: Span) -> NodeId {
        let span = self.span(span);
        self.tree.push_mapping(entries, false, span)
    }

    fn entry(&mut self, key: &str, key_span: Span, value: NodeId) -> Entry {
        Entry {
            key: self.string(key, key_span),
            value,
        }
    }

    // ----- files -----

    /// A template: `$schema`, `languageVersion`, parameters, variables, resources, outputs.
    pub(crate) fn template(&mut self, program: &Program, whole: Span) -> NodeId {
        let start = Span::from_range(whole.start as usize..whole.start as usize);
        let mut parameters = Vec::new();
        let mut variables = Vec::new();
        let mut resources = Vec::new();
        let mut outputs = Vec::new();
        for statement in &program.statements {
            match &statement.kind {
                StatementKind::Param { name, ty, value } => {
                    let declaration = self.parameter(statement, ty.as_ref(), value.as_ref());
                    parameters.push(self.entry(&name.text, name.span, declaration));
                }
                StatementKind::Var { name, value } => {
                    let value = self.value(value, &Locals::default());
                    variables.push(self.entry(&name.text, name.span, value));
                }
                StatementKind::Output { name, ty, value } => {
                    let secure = has_decorator(statement, "secure");
                    let mut entries = Vec::new();
                    if let Some(ty) = ty
                        && let Some(type_name) = arm_type(ty.primitive.as_deref(), secure)
                    {
                        let type_value = self.string(type_name, ty.span);
                        entries.push(self.entry("type", ty.span, type_value));
                    }
                    let value_node = self.value(value, &Locals::default());
                    entries.push(self.entry("value", value.span, value_node));
                    let output = self.mapping(&entries, statement.span);
                    outputs.push(self.entry(&name.text, name.span, output));
                }
                StatementKind::Resource(resource) => {
                    self.resource(resource, None, statement.span, &mut resources);
                }
                StatementKind::Module { name, path, value } => {
                    let module = self.module(name, path, value, statement.span);
                    resources.push(self.entry(&name.text, name.span, module));
                }
                _ => {}
            }
        }
        let schema = self.string(TEMPLATE_SCHEMA, start);
        let language = self.string("2.0", start);
        let content = self.string("1.0.0.0", start);
        let mut entries = vec![
            self.entry("$schema", start, schema),
            self.entry("languageVersion", start, language),
            self.entry("contentVersion", start, content),
        ];
        for (key, members) in [
            ("parameters", parameters),
            ("variables", variables),
            ("resources", resources),
            ("outputs", outputs),
        ] {
            let section = self.mapping(&members, whole);
            entries.push(self.entry(key, start, section));
        }
        self.mapping(&entries, whole)
    }

    /// A `.bicepparam` file as a deployment parameters file; `using` is kept as a member so
    /// that the file can be matched with its template.
    pub(crate) fn parameters_file(&mut self, program: &Program, whole: Span) -> NodeId {
        let start = Span::from_range(whole.start as usize..whole.start as usize);
        let mut parameters = Vec::new();
        let mut using = None;
        for statement in &program.statements {
            match &statement.kind {
                StatementKind::Using { path } => {
                    if let Some(text) = path.as_plain_string() {
                        using = Some(self.string(text, path.span));
                    }
                }
                StatementKind::Param {
                    name,
                    value: Some(value),
                    ..
                } => {
                    let entry = if is_literal(value) {
                        let node = self.value(value, &Locals::default());
                        self.entry("value", value.span, node)
                    } else {
                        // Computed when deploying (`getSecret()`, `readEnvironmentVariable()`):
                        // unknown, like a Key Vault reference.
                        let text = render(value, &self.symbols, &Locals::default());
                        let node = self.expression(&text, value.span);
                        self.entry("reference", value.span, node)
                    };
                    let declaration = self.mapping(&[entry], statement.span);
                    parameters.push(self.entry(&name.text, name.span, declaration));
                }
                _ => {}
            }
        }
        let schema = self.string(PARAMETERS_SCHEMA, start);
        let section = self.mapping(&parameters, whole);
        let mut entries = vec![
            self.entry("$schema", start, schema),
            self.entry("parameters", start, section),
        ];
        if let Some(using) = using {
            entries.push(self.entry("using", start, using));
        }
        self.mapping(&entries, whole)
    }

    fn parameter(
        &mut self,
        statement: &Statement,
        ty: Option<&super::ast::TypeExpr>,
        value: Option<&Expr>,
    ) -> NodeId {
        let secure = has_decorator(statement, "secure");
        let mut entries = Vec::new();
        if let Some(ty) = ty {
            if let Some(type_name) = arm_type(ty.primitive.as_deref(), secure) {
                let node = self.string(type_name, ty.span);
                entries.push(self.entry("type", ty.span, node));
            }
            if ty.nullable {
                let node = self.scalar("true", ScalarStyle::Plain, ty.span);
                entries.push(self.entry("nullable", ty.span, node));
            }
        }
        let allowed = decorator_argument(statement, "allowed").or_else(|| {
            let allowed = &ty?.allowed;
            (!allowed.is_empty()).then(|| Expr {
                kind: ExprKind::Array(allowed.clone()),
                span: ty.map_or(statement.span, |t| t.span),
            })
        });
        if let Some(allowed) = allowed {
            let node = self.value(&allowed, &Locals::default());
            entries.push(self.entry("allowedValues", allowed.span, node));
        }
        if let Some(value) = value {
            let node = self.value(value, &Locals::default());
            entries.push(self.entry("defaultValue", value.span, node));
        }
        self.mapping(&entries, statement.span)
    }

    // ----- values -----

    /// A value: literals as nodes, anything computed as an `"[expression]"` node.
    pub(crate) fn value(&mut self, expr: &Expr, locals: &Locals) -> NodeId {
        match &expr.kind {
            ExprKind::String { pieces, values } if values.is_empty() => {
                let text = pieces.first().map_or("", String::as_str);
                // A literal that reads as an expression is escaped, as ARM requires.
                let text = if text.starts_with('[') && text.ends_with(']') {
                    format!("[{text}")
                } else {
                    text.to_owned()
                };
                self.string(text, expr.span)
            }
            ExprKind::Integer(value) => {
                self.scalar(value.to_string(), ScalarStyle::Plain, expr.span)
            }
            ExprKind::Bool(value) => self.scalar(value.to_string(), ScalarStyle::Plain, expr.span),
            ExprKind::Null => self.scalar("null", ScalarStyle::Plain, expr.span),
            ExprKind::Paren(inner) => self.value(inner, locals),
            ExprKind::Object(items)
                if !items
                    .iter()
                    .any(|item| matches!(item, ObjectItem::Spread(_))) =>
            {
                self.object(items, expr.span, locals)
            }
            ExprKind::Array(items)
                if !items
                    .iter()
                    .any(|item| matches!(item.kind, ExprKind::Spread(_))) =>
            {
                let items: Vec<NodeId> =
                    items.iter().map(|item| self.value(item, locals)).collect();
                let span = self.span(expr.span);
                self.tree.push_sequence(&items, false, span)
            }
            _ => {
                let text = render(expr, &self.symbols, locals);
                self.expression(&text, expr.span)
            }
        }
    }

    /// An object literal. A property whose value is a `for` loop becomes an ARM property
    /// `copy` loop (`{name, count, input}`), so that what the loop body writes keeps its own
    /// place in the source.
    fn object(&mut self, items: &[ObjectItem], span: Span, locals: &Locals) -> NodeId {
        let has_copy_key = items.iter().any(|item| {
            matches!(item, ObjectItem::Property { key, .. } if key.text.eq_ignore_ascii_case("copy"))
        });
        let mut entries = Vec::with_capacity(items.len());
        let mut loops = Vec::new();
        // Where the loops are written, for the `copy` entry gathering them.
        let mut loops_span = None;
        for item in items {
            let ObjectItem::Property { key, value } = item else {
                continue;
            };
            if !has_copy_key
                && let ExprKind::For {
                    item,
                    index,
                    iterable,
                    body,
                } = &value.kind
                && !matches!(body.kind, ExprKind::If { .. })
            {
                let list = render(iterable, &self.symbols, locals);
                let position = format!("copyIndex({})", super::render::quote(&key.text));
                let mut inner = locals.clone();
                if let Some(item) = item {
                    inner = inner.with(&item.text, format!("{list}[{position}]"));
                }
                if let Some(index) = index {
                    inner = inner.with(&index.text, position.clone());
                }
                let name = self.string(key.text.as_str(), key.span);
                let count = self.expression(&format!("length({list})"), iterable.span);
                let input = self.value(body, &inner);
                let loop_entries = [
                    self.entry("name", key.span, name),
                    self.entry("count", iterable.span, count),
                    self.entry("input", body.span, input),
                ];
                loops.push(self.mapping(&loop_entries, value.span));
                let written = key.span.cover(value.span);
                loops_span = Some(loops_span.map_or(written, |all: Span| all.cover(written)));
                continue;
            }
            let value = self.value(value, locals);
            entries.push(self.entry(&key.text, key.span, value));
        }
        if let Some(written) = loops_span {
            let list_span = self.span(written);
            let list = self.tree.push_sequence(&loops, false, list_span);
            entries.push(self.entry("copy", written, list));
        }
        self.mapping(&entries, span)
    }

    // ----- resources and modules -----

    /// Lowers `resource` (and its nested children) into `out`, the entries of `resources`.
    fn resource(
        &mut self,
        resource: &Resource,
        parent: Option<&str>,
        span: Span,
        out: &mut Vec<Entry>,
    ) {
        let Some(super::symbols::Symbol::Resource(info)) =
            self.symbols.get(&resource.name.text).cloned()
        else {
            return;
        };
        let locals = loop_locals(&resource.value, &self.symbols);
        let type_span = resource.type_string.span;
        let mut entries = Vec::new();
        let type_node = self.string(info.full_type.clone(), type_span);
        entries.push(self.entry("type", type_span, type_node));
        let api = self.string(info.api_version.clone(), type_span);
        entries.push(self.entry("apiVersion", type_span, api));
        if resource.existing {
            let node = self.scalar("true", ScalarStyle::Plain, resource.name.span);
            entries.push(self.entry("existing", resource.name.span, node));
        }
        self.loop_and_condition(&resource.name, &resource.value, &locals, &mut entries);
        let written_parent = parent.map(str::to_owned).or_else(|| {
            match &body_property(&resource.value, "parent")?
                .unparenthesized()
                .kind
            {
                ExprKind::Identifier(name) => Some(name.clone()),
                _ => None,
            }
        });
        let mut depends_on = Vec::new();
        let mut children = Vec::new();
        for item in body_items(&resource.value).unwrap_or_default() {
            match item {
                ObjectItem::Property { key, value } => match key.text.as_str() {
                    "parent" => {}
                    "name" if written_parent.is_some() => {
                        let node = self.expression(&info.name_text, value.span);
                        entries.push(self.entry("name", key.span, node));
                    }
                    "dependsOn" => {
                        if let ExprKind::Array(items) = &value.kind {
                            for item in items {
                                if let ExprKind::Identifier(name) = &item.unparenthesized().kind {
                                    depends_on.push((name.clone(), item.span));
                                }
                            }
                        }
                    }
                    "scope" => {
                        let node = self.scope(value, &locals);
                        entries.push(self.entry("scope", key.span, node));
                        if let ExprKind::Identifier(name) = &value.unparenthesized().kind {
                            depends_on.push((name.clone(), value.span));
                        }
                    }
                    _ => {
                        let node = self.value(value, &locals);
                        entries.push(self.entry(&key.text, key.span, node));
                    }
                },
                ObjectItem::Resource(child) => children.push(child),
                ObjectItem::Spread(_) => {}
            }
        }
        if let Some(parent) = &written_parent {
            depends_on.push((parent.clone(), resource.name.span));
        }
        if !depends_on.is_empty() {
            let items: Vec<NodeId> = depends_on
                .iter()
                .map(|(name, span)| self.string(name.clone(), *span))
                .collect();
            let list_span = self.span(resource.name.span);
            let list = self.tree.push_sequence(&items, false, list_span);
            entries.push(self.entry("dependsOn", resource.name.span, list));
        }
        let body_span = body_span(&resource.value);
        let node = self.mapping(&entries, body_span.unwrap_or(span));
        // The symbolic name's key sits at the type string: findings about the whole resource
        // (and missing properties) point there, as they do at `type` in ARM JSON.
        out.push(self.entry(&resource.name.text, type_span, node));
        for child in children {
            self.resource(&child.resource, Some(&resource.name.text), child.span, out);
        }
    }

    /// `scope: aks` is the resource's id without provider prefix, as Bicep writes it for
    /// extension resources; other scopes (`resourceGroup('x')`) are evaluated as they are.
    fn scope(&mut self, value: &Expr, locals: &Locals) -> NodeId {
        if let ExprKind::Identifier(name) = &value.unparenthesized().kind
            && let Some(super::symbols::Symbol::Resource(info)) = self.symbols.get(name)
        {
            let text = format!(
                "format('{}/{{0}}', {})",
                info.full_type.replace('\'', "''"),
                info.name_text
            );
            return self.expression(&text, value.span);
        }
        self.value(value, locals)
    }

    /// `copy` for a `for` loop and `condition` for an `if`.
    fn loop_and_condition(
        &mut self,
        name: &Name,
        value: &Expr,
        locals: &Locals,
        entries: &mut Vec<Entry>,
    ) {
        let mut value = value.unparenthesized();
        if let ExprKind::For { iterable, body, .. } = &value.kind {
            let list = render(iterable, &self.symbols, &Locals::default());
            let loop_name = self.string(name.text.clone(), name.span);
            let count = self.expression(&format!("length({list})"), iterable.span);
            let copy_entries = [
                self.entry("name", name.span, loop_name),
                self.entry("count", iterable.span, count),
            ];
            let copy = self.mapping(&copy_entries, value.span);
            entries.push(self.entry("copy", value.span, copy));
            value = body.unparenthesized();
        }
        if let ExprKind::If { condition, .. } = &value.kind {
            let node = self.value(condition, locals);
            entries.push(self.entry("condition", condition.span, node));
        }
    }

    /// A module as a nested deployment; a local module's template is lowered inline.
    fn module(&mut self, name: &Name, path: &Expr, value: &Expr, span: Span) -> NodeId {
        let locals = loop_locals(value, &self.symbols);
        let mut entries = Vec::new();
        let type_node = self.string("Microsoft.Resources/deployments", path.span);
        entries.push(self.entry("type", path.span, type_node));
        let api = self.string("2022-09-01", path.span);
        entries.push(self.entry("apiVersion", path.span, api));
        self.loop_and_condition(name, value, &locals, &mut entries);
        match body_property(value, "name") {
            Some(written) => {
                let node = self.value(written, &locals);
                entries.push(self.entry("name", name.span, node));
            }
            None => {
                let node = self.string(name.text.clone(), name.span);
                entries.push(self.entry("name", name.span, node));
            }
        }
        let mut properties = Vec::new();
        let inner = self.string("inner", path.span);
        let scope_entry = self.entry("scope", path.span, inner);
        let options = self.mapping(&[scope_entry], path.span);
        properties.push(self.entry("expressionEvaluationOptions", path.span, options));
        let mut parameters = Vec::new();
        if let Some(params) = body_property(value, "params")
            && let ExprKind::Object(items) = &params.unparenthesized().kind
        {
            for item in items {
                if let ObjectItem::Property { key, value } = item {
                    let node = self.value(value, &locals);
                    let value_entry = self.entry("value", value.span, node);
                    let wrapper = self.mapping(&[value_entry], value.span);
                    parameters.push(self.entry(&key.text, key.span, wrapper));
                }
            }
        }
        let parameters = self.mapping(&parameters, span);
        properties.push(self.entry("parameters", path.span, parameters));
        if let Some(template) = self.module_template(path) {
            properties.push(self.entry("template", path.span, template));
        }
        let properties = self.mapping(&properties, span);
        entries.push(self.entry("properties", path.span, properties));
        self.mapping(&entries, body_span(value).unwrap_or(span))
    }

    /// The lowered template of a local module, placed at `path`; `None` for registry and
    /// template-spec modules, unreadable files, cycles and chains too deep.
    fn module_template(&mut self, path: &Expr) -> Option<NodeId> {
        let written = path.as_plain_string()?;
        if written.contains(':') || written.to_ascii_lowercase().ends_with(".json") {
            // ARM JSON modules would need a second tree; registry modules are fetched when
            // deploying. Both stay unknown.
            return None;
        }
        if written.is_empty() {
            return None;
        }
        let base = self.path.as_deref()?.parent()?;
        let resolved = super::lexically_normal(&base.join(written));
        if self.modules.stack.len() >= MAX_MODULE_DEPTH
            || self.modules.stack.contains(&resolved)
            || self.modules.remaining == 0
        {
            return None;
        }
        self.modules.remaining -= 1;
        let text = (self.modules.loader.as_mut()?)(&resolved)?;
        let limits = self.modules.limits;
        let parsed = parser::parse(&text, &limits);
        let symbols = Symbols::collect(&parsed.program);
        self.modules.stack.push(resolved.clone());
        let fixed_span = self.fixed_span.unwrap_or(path.span);
        let mut inner = Lowerer {
            tree: &mut *self.tree,
            symbols,
            fixed_span: Some(fixed_span),
            modules: &mut *self.modules,
            path: Some(resolved),
            source: self.source,
        };
        let node = Some(inner.template(&parsed.program, fixed_span));
        self.modules.stack.pop();
        node
    }
}

/// The span of a resource's or module's object body.
fn body_span(value: &Expr) -> Option<Span> {
    match &value.unparenthesized().kind {
        ExprKind::Object(_) => Some(value.span),
        ExprKind::If { body, .. } | ExprKind::For { body, .. } => body_span(body),
        _ => None,
    }
}

fn has_decorator(statement: &Statement, name: &str) -> bool {
    statement
        .decorators
        .iter()
        .any(|d| decorator_name(d) == Some(name))
}

fn decorator_name(decorator: &Expr) -> Option<&str> {
    match &decorator.kind {
        ExprKind::Call { name, .. } => Some(name.text.as_str()),
        _ => None,
    }
}

fn decorator_argument(statement: &Statement, name: &str) -> Option<Expr> {
    statement.decorators.iter().find_map(|d| match &d.kind {
        ExprKind::Call { name: n, args, .. } if n.text == name => args.first().cloned(),
        _ => None,
    })
}

/// The ARM type of a parameter or output.
fn arm_type(primitive: Option<&str>, secure: bool) -> Option<&'static str> {
    Some(match (primitive?, secure) {
        ("string", true) => "securestring",
        ("object", true) => "secureObject",
        ("string", false) => "string",
        ("int", _) => "int",
        ("bool", _) => "bool",
        ("object", false) => "object",
        ("array", _) => "array",
        _ => return None,
    })
}

/// Whether `expr` is written out in full (no reference, call or operator).
fn is_literal(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::String { values, .. } => values.is_empty(),
        ExprKind::Integer(_) | ExprKind::Bool(_) | ExprKind::Null => true,
        ExprKind::Paren(inner) => is_literal(inner),
        ExprKind::Array(items) => items.iter().all(is_literal),
        ExprKind::Object(items) => items.iter().all(|item| match item {
            ObjectItem::Property { value, .. } => is_literal(value),
            _ => false,
        }),
        _ => false,
    }
}
