//! Bicep expressions written as ARM template expressions (the text inside `"[...]"`), the way
//! the Bicep compiler writes them, so that the ARM evaluator can compute them.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::ast::{BinaryOp, Expr, ExprKind, ObjectItem, UnaryOp};
use super::symbols::{Symbol, Symbols};

/// Names bound inside an expression (loop items and indexes, lambda parameters) and the ARM
/// text that stands for each.
#[derive(Debug, Default, Clone)]
pub(crate) struct Locals {
    bound: HashMap<String, String>,
    lambdas: usize,
}

impl Locals {
    pub(crate) fn with(&self, name: &str, text: String) -> Self {
        let mut next = self.clone();
        next.bound.insert(name.to_owned(), text);
        next
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.bound.get(name).map(String::as_str)
    }
}

/// An ARM function call that the evaluator does not know, so its value is unknown: used for
/// what only exists when deploying (user functions, imported values, file loads).
pub(crate) fn unknown_call(what: &str) -> String {
    format!("bicep.{what}()")
}

/// An ARM string literal.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Renders `expr` as ARM expression text.
pub(crate) fn render(expr: &Expr, symbols: &Symbols, locals: &Locals) -> String {
    let mut out = String::new();
    Renderer { symbols }.expr(expr, locals, &mut out);
    out
}

struct Renderer<'a> {
    symbols: &'a Symbols,
}

impl Renderer<'_> {
    fn expr(&self, expr: &Expr, locals: &Locals, out: &mut String) {
        match &expr.kind {
            ExprKind::String { pieces, values } => self.string(pieces, values, locals, out),
            ExprKind::Integer(value) => {
                let _ = write!(out, "{value}");
            }
            ExprKind::Bool(value) => out.push_str(if *value { "true()" } else { "false()" }),
            ExprKind::Null => out.push_str("null()"),
            ExprKind::Identifier(name) => self.identifier(name, locals, out),
            ExprKind::Object(items) => self.object(items, locals, out),
            ExprKind::Array(items) => self.array(items, locals, out),
            ExprKind::Call {
                namespace,
                name,
                args,
            } => self.call(namespace.as_deref(), &name.text, args, locals, out),
            ExprKind::Member { base, name, safe } => {
                if !*safe && self.resource_member(base, &name.text, locals, out) {
                    return;
                }
                if *safe {
                    out.push_str("tryGet(");
                    self.expr(base, locals, out);
                    let _ = write!(out, ", {})", quote(&name.text));
                } else {
                    self.expr(base, locals, out);
                    let _ = write!(out, ".{}", name.text);
                }
            }
            ExprKind::Index { base, index, safe } => {
                if *safe {
                    out.push_str("tryGet(");
                    self.expr(base, locals, out);
                    out.push_str(", ");
                    self.expr(index, locals, out);
                    out.push(')');
                } else {
                    self.expr(base, locals, out);
                    out.push('[');
                    self.expr(index, locals, out);
                    out.push(']');
                }
            }
            ExprKind::NonNull(inner) | ExprKind::Paren(inner) => self.expr(inner, locals, out),
            ExprKind::Unary { op, operand } => {
                out.push_str(match op {
                    UnaryOp::Not => "not(",
                    UnaryOp::Minus => "sub(0, ",
                });
                self.expr(operand, locals, out);
                out.push(')');
            }
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, locals, out),
            ExprKind::Ternary {
                condition,
                then,
                otherwise,
            } => self.call_text("if", &[condition, then, otherwise], locals, out),
            ExprKind::Lambda { params, body } => {
                out.push_str("lambda(");
                let mut inner = locals.clone();
                for param in params {
                    let _ = write!(out, "{}, ", quote(&param.text));
                    inner = inner.with(
                        &param.text,
                        format!("lambdaVariables({})", quote(&param.text)),
                    );
                }
                self.expr(body, &inner, out);
                out.push(')');
            }
            ExprKind::For {
                item,
                index,
                iterable,
                body,
            } => self.for_loop(item.as_ref(), index.as_ref(), iterable, body, locals, out),
            ExprKind::If { .. } | ExprKind::Spread(_) | ExprKind::Error => {
                out.push_str(&unknown_call("unsupported"));
            }
        }
    }

    fn string(&self, pieces: &[String], values: &[Expr], locals: &Locals, out: &mut String) {
        if values.is_empty() {
            out.push_str(&quote(pieces.first().map_or("", String::as_str)));
            return;
        }
        let mut format = String::new();
        for (i, piece) in pieces.iter().enumerate() {
            format.push_str(&piece.replace('{', "{{").replace('}', "}}"));
            if i < values.len() {
                let _ = write!(format, "{{{i}}}");
            }
        }
        let _ = write!(out, "format({}", quote(&format));
        for value in values {
            out.push_str(", ");
            self.expr(value, locals, out);
        }
        out.push(')');
    }

    fn identifier(&self, name: &str, locals: &Locals, out: &mut String) {
        if let Some(text) = locals.get(name) {
            out.push_str(text);
            return;
        }
        match self.symbols.get(name) {
            Some(Symbol::Param) => {
                let _ = write!(out, "parameters({})", quote(name));
            }
            Some(Symbol::Var) => {
                let _ = write!(out, "variables({})", quote(name));
            }
            Some(Symbol::Resource(resource)) => {
                let _ = write!(
                    out,
                    "reference({}, {}, 'full')",
                    quote(name),
                    quote(&resource.api_version)
                );
            }
            Some(Symbol::Module) => {
                let _ = write!(out, "reference({})", quote(name));
            }
            Some(Symbol::Unknown) | None => out.push_str(&unknown_call(name)),
        }
    }

    /// `aks.id`, `aks.name`, `aks.properties.x`, `mod.outputs.x`: what ARM writes for them.
    fn resource_member(
        &self,
        base: &Expr,
        member: &str,
        locals: &Locals,
        out: &mut String,
    ) -> bool {
        let ExprKind::Identifier(name) = &base.unparenthesized().kind else {
            return false;
        };
        if locals.get(name).is_some() {
            return false;
        }
        match self.symbols.get(name) {
            Some(Symbol::Resource(resource)) => {
                match member {
                    "id" => out.push_str(&resource.id_text()),
                    "name" => out.push_str(&resource.name_text),
                    "type" => out.push_str(&quote(&resource.full_type)),
                    "apiVersion" => out.push_str(&quote(&resource.api_version)),
                    _ => {
                        let _ = write!(
                            out,
                            "reference({}, {}, 'full').{member}",
                            quote(name),
                            quote(&resource.api_version)
                        );
                    }
                }
                true
            }
            Some(Symbol::Module) if member == "outputs" => {
                let _ = write!(out, "reference({}).outputs", quote(name));
                true
            }
            _ => false,
        }
    }

    fn object(&self, items: &[ObjectItem], locals: &Locals, out: &mut String) {
        let mut parts = Vec::new();
        let mut current = String::from("createObject(");
        let mut empty = true;
        for item in items {
            match item {
                ObjectItem::Property { key, value } => {
                    if !empty {
                        current.push_str(", ");
                    }
                    let _ = write!(current, "{}, ", quote(&key.text));
                    self.expr(value, locals, &mut current);
                    empty = false;
                }
                ObjectItem::Spread(value) => {
                    current.push(')');
                    parts.push(std::mem::replace(
                        &mut current,
                        String::from("createObject("),
                    ));
                    empty = true;
                    let mut spread = String::new();
                    self.expr(value, locals, &mut spread);
                    parts.push(spread);
                }
                ObjectItem::Resource(_) => {}
            }
        }
        current.push(')');
        if parts.is_empty() {
            out.push_str(&current);
        } else {
            parts.push(current);
            let _ = write!(out, "shallowMerge(createArray({}))", parts.join(", "));
        }
    }

    fn array(&self, items: &[Expr], locals: &Locals, out: &mut String) {
        let spreads = items
            .iter()
            .any(|item| matches!(item.kind, ExprKind::Spread(_)));
        if spreads {
            out.push_str("flatten(createArray(");
        } else {
            out.push_str("createArray(");
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match &item.kind {
                ExprKind::Spread(inner) => self.expr(inner, locals, out),
                _ if spreads => {
                    out.push_str("createArray(");
                    self.expr(item, locals, out);
                    out.push(')');
                }
                _ => self.expr(item, locals, out),
            }
        }
        out.push(')');
        if spreads {
            out.push(')');
        }
    }

    fn call(
        &self,
        namespace: Option<&Expr>,
        name: &str,
        args: &[Expr],
        locals: &Locals,
        out: &mut String,
    ) {
        if let Some(namespace) = namespace {
            let is_builtin_namespace = matches!(
                &namespace.unparenthesized().kind,
                ExprKind::Identifier(ns) if (ns == "az" || ns == "sys")
                    && locals.get(ns).is_none()
                    && self.symbols.get(ns).is_none()
            );
            if !is_builtin_namespace {
                // `storage.listKeys()` is `listKeys(<id>, <apiVersion>)`, as the compiler writes
                // it (only known when deploying, but rules look at how outputs are written).
                if name.starts_with("list")
                    && let ExprKind::Identifier(symbol) = &namespace.unparenthesized().kind
                    && locals.get(symbol).is_none()
                    && let Some(Symbol::Resource(resource)) = self.symbols.get(symbol)
                {
                    let _ = write!(
                        out,
                        "{name}({}, {})",
                        resource.id_text(),
                        quote(&resource.api_version)
                    );
                    return;
                }
                // Another method (`getSecret()`) or an imported function.
                out.push_str(&unknown_call(name));
                return;
            }
        }
        match name {
            "any" if args.len() == 1 => self.expr(&args[0], locals, out),
            _ if self.symbols.get(name).is_some() => out.push_str(&unknown_call(name)),
            // What reads files or the environment is not evaluated.
            "loadTextContent"
            | "loadFileAsBase64"
            | "loadJsonContent"
            | "loadYamlContent"
            | "readEnvironmentVariable"
            | "getSecret"
            | "externalInput" => {
                out.push_str(&unknown_call(name));
            }
            _ => {
                let args: Vec<&Expr> = args.iter().collect();
                self.call_text(name, &args, locals, out);
            }
        }
    }

    fn call_text(&self, name: &str, args: &[&Expr], locals: &Locals, out: &mut String) {
        out.push_str(name);
        out.push('(');
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.expr(arg, locals, out);
        }
        out.push(')');
    }

    fn binary(&self, op: BinaryOp, left: &Expr, right: &Expr, locals: &Locals, out: &mut String) {
        use BinaryOp as B;
        let (function, negate, ignore_case) = match op {
            B::Or => ("or", false, false),
            B::And => ("and", false, false),
            B::Coalesce => ("coalesce", false, false),
            B::Equals => ("equals", false, false),
            B::NotEquals => ("equals", true, false),
            B::EqualsInsensitive => ("equals", false, true),
            B::NotEqualsInsensitive => ("equals", true, true),
            B::Less => ("less", false, false),
            B::LessOrEquals => ("lessOrEquals", false, false),
            B::Greater => ("greater", false, false),
            B::GreaterOrEquals => ("greaterOrEquals", false, false),
            B::Add => ("add", false, false),
            B::Subtract => ("sub", false, false),
            B::Multiply => ("mul", false, false),
            B::Divide => ("div", false, false),
            B::Modulo => ("mod", false, false),
        };
        if negate {
            out.push_str("not(");
        }
        out.push_str(function);
        out.push('(');
        for (i, side) in [left, right].into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if ignore_case {
                out.push_str("toLower(");
                self.expr(side, locals, out);
                out.push(')');
            } else {
                self.expr(side, locals, out);
            }
        }
        out.push(')');
        if negate {
            out.push(')');
        }
    }

    /// `[for (x, i) in list: body]` is `map(list, lambda('x', 'i', body))`.
    fn for_loop(
        &self,
        item: Option<&super::ast::Name>,
        index: Option<&super::ast::Name>,
        iterable: &Expr,
        body: &Expr,
        locals: &Locals,
        out: &mut String,
    ) {
        if matches!(body.kind, ExprKind::If { .. }) {
            out.push_str(&unknown_call("filteredLoop"));
            return;
        }
        let depth = locals.lambdas;
        let item_name = format!("item{depth}");
        let index_name = format!("index{depth}");
        let mut inner = locals.clone();
        inner.lambdas += 1;
        if let Some(item) = item {
            inner = inner.with(
                &item.text,
                format!("lambdaVariables({})", quote(&item_name)),
            );
        }
        if let Some(index) = index {
            inner = inner.with(
                &index.text,
                format!("lambdaVariables({})", quote(&index_name)),
            );
        }
        out.push_str("map(");
        self.expr(iterable, locals, out);
        let _ = write!(
            out,
            ", lambda({}, {}, ",
            quote(&item_name),
            quote(&index_name)
        );
        self.expr(body, &inner, out);
        out.push_str("))");
    }
}
