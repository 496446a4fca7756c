//! The names a Bicep file declares, collected before lowering: Bicep lets a declaration be used
//! above the line that declares it.

use std::collections::HashMap;
use std::rc::Rc;

use super::ast::{Expr, ExprKind, ObjectItem, Program, Resource, StatementKind};
use super::render::{Locals, quote, render};

/// What a name stands for.
#[derive(Debug, Clone)]
pub(crate) enum Symbol {
    Param,
    Var,
    Resource(Rc<ResourceInfo>),
    Module,
    /// User functions and imported names: only known when deploying.
    Unknown,
}

/// What expressions need to know of a resource.
#[derive(Debug)]
pub(crate) struct ResourceInfo {
    /// The full type (`Microsoft.ContainerService/managedClusters/agentPools`).
    pub full_type: String,
    pub api_version: String,
    /// The ARM expression of its full name (`parent/child` for a child resource).
    pub name_text: String,
    /// The ARM expressions of the name segments, for `resourceId()`.
    pub name_segments: Vec<String>,
}

impl ResourceInfo {
    /// The ARM expression of its id.
    pub(crate) fn id_text(&self) -> String {
        let mut out = format!("resourceId({}", quote(&self.full_type));
        for segment in &self.name_segments {
            out.push_str(", ");
            out.push_str(segment);
        }
        out.push(')');
        out
    }
}

/// Every name of one file.
#[derive(Debug, Default)]
pub(crate) struct Symbols {
    names: HashMap<String, Symbol>,
}

impl Symbols {
    pub(crate) fn get(&self, name: &str) -> Option<&Symbol> {
        self.names.get(name)
    }

    /// Collects the declarations of `program`, resolving resource types and names (a child's
    /// through its parent, nested or named with `parent:`).
    pub(crate) fn collect(program: &Program) -> Self {
        let mut symbols = Self::default();
        let mut resources: Vec<(&Resource, Option<String>)> = Vec::new();
        for statement in &program.statements {
            let (name, symbol) = match &statement.kind {
                StatementKind::Param { name, .. } => (name, Symbol::Param),
                StatementKind::Var { name, .. } => (name, Symbol::Var),
                StatementKind::Module { name, .. } => (name, Symbol::Module),
                StatementKind::Function { name } => (name, Symbol::Unknown),
                StatementKind::Import { names } => {
                    for name in names {
                        symbols.names.insert(name.text.clone(), Symbol::Unknown);
                    }
                    continue;
                }
                StatementKind::Resource(resource) => {
                    collect_resources(resource, None, &mut resources);
                    continue;
                }
                _ => continue,
            };
            symbols.names.insert(name.text.clone(), symbol);
        }
        // Parents first: a resource's name and type need its parent's. Resolve in rounds; a
        // cycle of `parent:` (invalid Bicep) leaves the rest unresolved.
        let mut pending = resources;
        loop {
            let before = pending.len();
            pending.retain(|(resource, nested_parent)| {
                let parent_name = nested_parent.clone().or_else(|| parent_symbol(resource));
                let parent = match &parent_name {
                    Some(parent) => match symbols.names.get(parent) {
                        Some(Symbol::Resource(info)) => Some(Rc::clone(info)),
                        _ => return true,
                    },
                    None => None,
                };
                let info = resource_info(resource, parent.as_deref(), &symbols);
                symbols
                    .names
                    .insert(resource.name.text.clone(), Symbol::Resource(Rc::new(info)));
                false
            });
            if pending.is_empty() || pending.len() == before {
                break;
            }
        }
        for (resource, _) in pending {
            let info = resource_info(resource, None, &symbols);
            symbols
                .names
                .insert(resource.name.text.clone(), Symbol::Resource(Rc::new(info)));
        }
        symbols
    }
}

fn collect_resources<'p>(
    resource: &'p Resource,
    parent: Option<String>,
    out: &mut Vec<(&'p Resource, Option<String>)>,
) {
    out.push((resource, parent));
    if let Some(items) = body_items(&resource.value) {
        for item in items {
            if let ObjectItem::Resource(child) = item {
                collect_resources(&child.resource, Some(resource.name.text.clone()), out);
            }
        }
    }
}

/// The object of a resource or module value, under its `if` and `for`.
pub(crate) fn body_items(value: &Expr) -> Option<&[ObjectItem]> {
    match &value.unparenthesized().kind {
        ExprKind::Object(items) => Some(items),
        ExprKind::If { body, .. } => body_items(body),
        ExprKind::For { body, .. } => body_items(body),
        _ => None,
    }
}

/// The property `key` of a resource or module body.
pub(crate) fn body_property<'e>(value: &'e Expr, key: &str) -> Option<&'e Expr> {
    body_items(value)?.iter().find_map(|item| match item {
        ObjectItem::Property { key: k, value } if k.text == key => Some(value),
        _ => None,
    })
}

/// The symbol named by `parent: x`.
fn parent_symbol(resource: &Resource) -> Option<String> {
    match &body_property(&resource.value, "parent")?
        .unparenthesized()
        .kind
    {
        ExprKind::Identifier(name) => Some(name.clone()),
        _ => None,
    }
}

/// `'Microsoft.X/y@2024-01-01'` → (`Microsoft.X/y`, `2024-01-01`).
pub(crate) fn split_type(text: &str) -> (&str, &str) {
    text.rsplit_once('@').unwrap_or((text, ""))
}

fn resource_info(
    resource: &Resource,
    parent: Option<&ResourceInfo>,
    symbols: &Symbols,
) -> ResourceInfo {
    let written = resource.type_string.as_plain_string().unwrap_or_default();
    let (own_type, own_api) = split_type(written);
    let (full_type, api_version) = match parent {
        // A nested child may name only its own segment, and inherit the API version.
        Some(parent) if !own_type.contains('/') => (
            format!("{}/{own_type}", parent.full_type),
            if own_api.is_empty() {
                parent.api_version.clone()
            } else {
                own_api.to_owned()
            },
        ),
        _ => (own_type.to_owned(), own_api.to_owned()),
    };
    let own_name = body_property(&resource.value, "name").map_or_else(
        || quote(&resource.name.text),
        |name| render(name, symbols, &loop_locals(&resource.value, symbols)),
    );
    let mut name_segments = parent.map_or_else(Vec::new, |p| p.name_segments.clone());
    name_segments.push(own_name.clone());
    let name_text = match parent {
        Some(parent) => format!("format('{{0}}/{{1}}', {}, {own_name})", parent.name_text),
        None => own_name,
    };
    ResourceInfo {
        full_type,
        api_version,
        name_text,
        name_segments,
    }
}

/// Inside a resource or module loop, the loop's item and index are the `copyIndex()`-th
/// element of the list and `copyIndex()`.
pub(crate) fn loop_locals(value: &Expr, symbols: &Symbols) -> Locals {
    let mut locals = Locals::default();
    if let ExprKind::For {
        item,
        index,
        iterable,
        ..
    } = &value.unparenthesized().kind
    {
        let list = render(iterable, symbols, &Locals::default());
        if let Some(item) = item {
            locals = locals.with(&item.text, format!("{list}[copyIndex()]"));
        }
        if let Some(index) = index {
            locals = locals.with(&index.text, "copyIndex()".to_owned());
        }
    }
    locals
}
