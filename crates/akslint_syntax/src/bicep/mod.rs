//! Bicep, read natively: a hand-written lexer and parser for `.bicep` and `.bicepparam`, and a
//! lowering of the syntax tree to the ARM template (or parameter file) it compiles to.
//!
//! The result is the same [`ParsedFile`] the JSON parser builds for an ARM template, with every
//! node's span in the Bicep source, so the ARM evaluator and every AKS and ARM rule run on
//! Bicep unchanged and report on the Bicep text. How Bicep maps to ARM:
//!
//! - `param` → `parameters` (`@secure()` → `securestring`/`secureObject`, `@allowed` and literal
//!   unions → `allowedValues`, the default → `defaultValue`); `var` → `variables`;
//!   `output` → `outputs`.
//! - `resource` → a symbolic resource (languageVersion 2.0) with `type`, `apiVersion`, the
//!   body's properties, `existing`, `condition` (`if`), `copy` (`for`, whose item and index
//!   become `list[copyIndex()]` and `copyIndex()`). Nested resources and `parent:` give the
//!   child its full type and `parent/child` name.
//! - Expressions become ARM expressions: operators → `equals`/`and`/`if`/`coalesce`/...,
//!   interpolation → `format()`, `a.?b` → `tryGet()`, lambdas → `lambda()`, `for` expressions
//!   → `map()`, `aks.id` → `resourceId()`, `aks.name` → its name, `aks.properties.x` →
//!   `reference()` (known only when deploying), like the Bicep compiler writes them.
//!   User functions, imports, `loadTextContent()`, `getSecret()`, `readEnvironmentVariable()`
//!   and resource methods are unknown.
//! - A local `module` is a nested deployment with inner scope and the module's template inline,
//!   its nodes placed at the module's path; registry (`br:`, `ts:`) and JSON modules stay
//!   without a template (their resources are unknown, not errors).
//! - A `.bicepparam` file is a deployment parameters file: literal values are values, computed
//!   ones (`getSecret()`, `readEnvironmentVariable()`) are unknown; its `using` path is kept as a
//!   `using` member.
//!
//! Syntax errors are [`SyntaxError`](crate::SyntaxError)s with positions; the parser skips to
//! the next member or declaration and the rest of the file is still read.

mod ast;
mod lexer;
mod lower;
mod parser;
mod render;
mod symbols;

use std::borrow::Cow;
use std::path::Path;

use akslint_text::Span;

pub use lower::ModuleLoader;
use lower::{Lowerer, Modules};
use symbols::Symbols;

use crate::Limits;
use crate::tree::{Comment, Document, ParsedFile, Tree};

/// Parses a `.bicep` or `.bicepparam` text (a parameters file when it has a `using`
/// declaration) without following modules.
#[must_use]
pub fn parse<'s>(text: &'s str, limits: &Limits) -> ParsedFile<'s> {
    parse_inner(text, limits, None, None)
}

/// Parses a Bicep file at `path`, lowering each local module it uses (read with `loader`,
/// given the resolved path) inline.
#[must_use]
pub fn parse_with_modules<'s>(
    text: &'s str,
    limits: &Limits,
    path: &Path,
    loader: &mut ModuleLoader<'_>,
) -> ParsedFile<'s> {
    parse_inner(text, limits, Some(path), Some(loader))
}

fn parse_inner<'s>(
    text: &'s str,
    limits: &Limits,
    path: Option<&Path>,
    loader: Option<&mut ModuleLoader<'_>>,
) -> ParsedFile<'s> {
    let parsed = parser::parse(text, limits);
    let mut out = ParsedFile {
        comments: parsed
            .comments
            .iter()
            .map(|comment| Comment {
                span: comment.span,
                text: Cow::Borrowed(
                    text.get(comment.text_start as usize..comment.text_end as usize)
                        .unwrap_or(""),
                ),
            })
            .collect(),
        errors: parsed.errors,
        ..ParsedFile::default()
    };
    let whole = Span::from_range(0..text.len());
    let mut tree = Tree::new(text);
    let mut modules = Modules {
        loader,
        stack: path.map(Path::to_path_buf).into_iter().collect(),
        limits: *limits,
        remaining: lower::MAX_MODULE_INLININGS,
    };
    let program = &parsed.program;
    let is_parameters_file = program
        .statements
        .iter()
        .any(|s| matches!(s.kind, ast::StatementKind::Using { .. }));
    let mut lowerer = Lowerer {
        tree: &mut tree,
        symbols: Symbols::collect(program),
        fixed_span: None,
        modules: &mut modules,
        path: path.map(Path::to_path_buf),
        source: text,
    };
    let root = if is_parameters_file {
        lowerer.parameters_file(program, whole)
    } else {
        lowerer.template(program, whole)
    };
    out.tree = tree;
    out.documents.push(Document {
        index: 0,
        root: Some(root),
        span: whole,
        // Only a file cut short by a limit failed; after a syntax error the rest is still read.
        failed: out
            .errors
            .iter()
            .any(|e| e.kind == crate::SyntaxErrorKind::LimitExceeded),
        helm_source: None,
    });
    out
}

/// `a/./b/../c` → `a/c`, without touching the file system: module and `using` paths are
/// matched with the paths of a run as written.
#[must_use]
pub fn lexically_normal(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests;
