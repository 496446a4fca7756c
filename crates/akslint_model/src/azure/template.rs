//! Template evaluation: parameters (with a parameter file), variables, resources with their
//! conditions and copy loops, nested child resources, nested inline deployments (inner and
//! outer scope), and languageVersion 2.0 symbolic resources.

use std::borrow::Cow;
use std::collections::HashSet;
use std::rc::Rc;

use akslint_syntax::{NodeId, NodeRef};

use super::cluster::ApiVersion;
use super::eval::{Cx, Evaluator, LoopIndex, TemplateScope, literal, member_node, members_named};
use super::lookup::Lookup;
use super::value::{Data, OriginKind, Value, same_key};

/// Most resources one file may expand to (copy loops included); the rest is left out.
const MAX_RESOURCES: usize = 20_000;

/// Deepest nesting of inline deployments that is followed.
const MAX_NESTED_DEPLOYMENTS: usize = 16;

/// What an ARM JSON document is, by its `$schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArmDocument {
    /// A deployment template (any deployment scope).
    Template,
    /// A deployment parameters file.
    Parameters,
}

impl ArmDocument {
    /// Reads the `$schema` of a JSON root.
    #[must_use]
    pub fn detect(root: NodeRef<'_>) -> Option<Self> {
        let schema = member_node(root, "$schema")?.as_str()?.to_ascii_lowercase();
        if schema.contains("deploymenttemplate.json") {
            Some(Self::Template)
        } else if schema.contains("deploymentparameters.json") {
            Some(Self::Parameters)
        } else {
            None
        }
    }
}

/// A deployment parameters file: `{"parameters": {"name": {"value": ...}}}`.
///
/// Its values are literal JSON (ARM does not evaluate expressions in parameter files); a Key
/// Vault `reference` is unknown.
#[derive(Debug, Clone, Copy)]
pub struct ParameterFile<'a> {
    /// The file's root object.
    pub root: NodeRef<'a>,
}

impl<'a> ParameterFile<'a> {
    /// The parameter file whose root is `root`, when it has a `parameters` object.
    #[must_use]
    pub fn from_root(root: NodeRef<'a>) -> Option<Self> {
        member_node(root, "parameters")
            .filter(|p| p.is_mapping())
            .map(|_| Self { root })
    }

    /// The value the file gives parameter `name` (compared without case).
    #[must_use]
    pub fn value(&self, name: &str) -> Option<Value<'a>> {
        let entry = member_node(member_node(self.root, "parameters")?, name)?;
        if let Some(value) = member_node(entry, "value") {
            return Some(literal(value));
        }
        member_node(entry, "reference").map(|reference| {
            Value::unknown(
                reference,
                format!("Key Vault reference of parameter `{name}`"),
                "is a Key Vault secret, only known during deployment",
            )
        })
    }
}

/// Whether a resource is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// No `condition`, or one that is true.
    Deployed,
    /// A `condition` that cannot be evaluated offline.
    Unknown,
}

/// Which instance of a copy loop a resource is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyInstance {
    /// The loop's name.
    pub name: Option<String>,
    /// The index; `None` when the count is unknown and this one instance stands for all.
    pub index: Option<i64>,
}

/// A declared template parameter and the value it has in this evaluation.
#[derive(Debug, Clone)]
pub struct Parameter<'a> {
    /// Its name as declared.
    pub name: Rc<str>,
    /// The name's key node.
    pub key: NodeRef<'a>,
    /// The declaration object.
    pub decl: NodeRef<'a>,
    /// `type`, as written.
    pub type_name: Option<&'a str>,
    /// The `defaultValue` node.
    pub default: Option<NodeRef<'a>>,
    /// The value: from the parameter file (or the nested deployment), else the default, else
    /// unknown. It is written where it comes from (not relocated).
    pub value: Value<'a>,
    /// Where [`Self::value`] comes from.
    pub value_origin: OriginKind,
}

impl Parameter<'_> {
    /// Whether the type is `securestring` or `secureObject` (any case).
    #[must_use]
    pub fn is_secure(&self) -> bool {
        self.type_name.is_some_and(|t| {
            t.eq_ignore_ascii_case("securestring") || t.eq_ignore_ascii_case("secureobject")
        })
    }
}

/// A template output.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    /// Its key node (the name).
    pub key: NodeRef<'a>,
    /// The declaration object.
    pub decl: NodeRef<'a>,
}

/// One template of the file: the file's own, or an inline template of a nested deployment.
#[derive(Debug, Clone)]
pub struct TemplateInfo<'a> {
    /// The template object.
    pub node: NodeRef<'a>,
    /// The `Microsoft.Resources/deployments` resource holding it (index into
    /// [`EvaluatedTemplate::resources`]); `None` for the file's template.
    pub deployment: Option<usize>,
    /// Whether its expressions are evaluated in its own scope (`expressionEvaluationOptions.scope:
    /// inner`), with parameters passed by the deployment.
    pub inner_scope: bool,
    /// Its declared parameters with their values. For an outer-scope nested template these
    /// are never used by ARM; their values are the defaults.
    pub parameters: Vec<Parameter<'a>>,
    /// Its outputs.
    pub outputs: Vec<Output<'a>>,
}

/// One deployed resource of the file (copy loops expanded).
#[derive(Debug, Clone)]
pub struct Resource<'a> {
    /// The resource object as written.
    pub node: NodeRef<'a>,
    /// The full type (`Microsoft.ContainerService/managedClusters/agentPools`), with a nested
    /// child's parent type prefixed; `None` when it cannot be evaluated.
    pub resource_type: Option<Rc<str>>,
    /// The full name (`cluster/pool` for a child), possibly unknown.
    pub name: Value<'a>,
    /// The symbolic name (languageVersion 2.0 templates).
    pub symbolic_name: Option<&'a str>,
    /// `apiVersion`, when known.
    pub api_version: Option<Rc<str>>,
    /// Whether it is deployed for sure.
    pub condition: Condition,
    /// `existing: true`: a reference to a resource deployed elsewhere.
    pub existing: bool,
    /// Its copy loop instance.
    pub copy: Option<CopyInstance>,
    /// The resource it is nested in (its `resources` array), by index.
    pub parent: Option<usize>,
    /// The nested deployment whose inline template declares it, by index.
    pub deployment: Option<usize>,
    /// The template it is declared in (index into [`EvaluatedTemplate::templates`]).
    pub template: usize,
    /// `dependsOn`, evaluated.
    pub depends_on: Vec<Value<'a>>,
    /// `scope` (extension resources), evaluated.
    pub scope: Option<Value<'a>>,
    /// The whole resource object evaluated, without its nested `resources`, its `copy` and a
    /// nested deployment's inline `template`.
    pub body: Value<'a>,
    /// [`Self::anchor`], found while the resource is walked: every cluster's facts and many
    /// findings point at it.
    anchor: NodeRef<'a>,
}

impl<'a> Resource<'a> {
    /// Whether the full type is `resource_type` (compared without case).
    #[must_use]
    pub fn is_type(&self, resource_type: &str) -> bool {
        self.resource_type
            .as_deref()
            .is_some_and(|t| same_key(t, resource_type))
    }

    /// Looks up a dotted path of the resource object (`properties.enableRBAC`, `sku.tier`),
    /// without case.
    #[must_use]
    pub fn get(&self, path: &str) -> Lookup<'_, 'a> {
        Lookup::path(&self.body, path)
    }

    /// The declared `apiVersion`, when it reads as one.
    #[must_use]
    pub fn declared_api_version(&self) -> Option<ApiVersion> {
        self.api_version.as_deref().and_then(ApiVersion::parse)
    }

    /// Looks up a dotted path under `properties`.
    #[must_use]
    pub fn property(&self, path: &str) -> Lookup<'_, 'a> {
        Lookup::path(&self.body, "properties").get(path)
    }

    /// The name as text: the evaluated name; else the symbolic name (languageVersion 2.0 and
    /// Bicep, where the author wrote it); else the expression it could not be evaluated from.
    #[must_use]
    pub fn name_text(&self) -> String {
        self.name_cow().into_owned()
    }

    /// [`Self::name_text`], borrowed when it is written somewhere.
    fn name_cow(&self) -> Cow<'_, str> {
        match self.name.as_str() {
            Some(name) => Cow::Borrowed(name),
            None if self.symbolic_name.is_some() => {
                Cow::Borrowed(self.symbolic_name.unwrap_or_default())
            }
            None => member_node(self.node, "name")
                .and_then(NodeRef::as_str)
                .map_or_else(|| Cow::Owned(self.name.display()), Cow::Borrowed),
        }
    }

    /// The last segment of the type (`managedClusters`), for messages.
    #[must_use]
    pub fn short_type(&self) -> &str {
        self.resource_type
            .as_deref()
            .and_then(|t| t.rsplit('/').next())
            .unwrap_or("resource")
    }

    /// "managedClusters `aks`", for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        // Built by hand: messages of most ARM findings start with it.
        let (kind, name) = (self.short_type(), self.name_cow());
        let mut out = String::with_capacity(kind.len() + name.len() + 3);
        out.push_str(kind);
        out.push_str(" `");
        out.push_str(&name);
        out.push('`');
        out
    }

    /// Where findings about the whole resource point: its `type` key, else the object.
    #[must_use]
    pub const fn anchor(&self) -> NodeRef<'a> {
        self.anchor
    }
}

/// A template evaluated once (with defaults, or with one parameter file).
#[derive(Debug, Clone)]
pub struct EvaluatedTemplate<'a> {
    /// The file's template object.
    pub root: NodeRef<'a>,
    /// The file's template first, then every inline template of a nested deployment.
    pub templates: Vec<TemplateInfo<'a>>,
    /// Every resource that is (or may be) deployed, in source order within each template; child
    /// resources follow their parent.
    pub resources: Vec<Resource<'a>>,
    /// Whether evaluation stopped short (step budget, resource or nesting limits): what is
    /// left out or unknown is not a finding.
    pub truncated: bool,
}

impl<'a> EvaluatedTemplate<'a> {
    /// Evaluates the template `root`, with the values of `parameter_file` when given.
    #[must_use]
    pub fn evaluate(root: NodeRef<'a>, parameter_file: Option<ParameterFile<'a>>) -> Self {
        let ev = Evaluator::new();
        let scope = TemplateScope::new(root, &mut |name| {
            parameter_file
                .and_then(|file| file.value(name))
                .map(|value| (value, OriginKind::ParameterFile))
        });
        let mut walker = Walker {
            ev: &ev,
            resources: Vec::new(),
            templates: Vec::new(),
            seen: HashSet::new(),
            truncated: false,
        };
        walker.template(root, &scope, None, true, 0);
        Self {
            root,
            templates: walker.templates,
            resources: walker.resources,
            truncated: walker.truncated || ev.exhausted(),
        }
    }

    /// The file's own parameters.
    #[must_use]
    pub fn parameters(&self) -> &[Parameter<'a>] {
        self.templates.first().map_or(&[], |t| &t.parameters)
    }

    /// The resources of type `resource_type` (full type, compared without case).
    pub fn resources_of_type<'t>(
        &'t self,
        resource_type: &'t str,
    ) -> impl Iterator<Item = (usize, &'t Resource<'a>)> + 't {
        self.resources
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.is_type(resource_type))
    }

    /// The resources of type `resource_type` the template deploys: [`Self::resources_of_type`]
    /// without the `existing` references to resources deployed elsewhere.
    pub fn deployed_of_type<'t>(
        &'t self,
        resource_type: &'t str,
    ) -> impl Iterator<Item = (usize, &'t Resource<'a>)> + 't {
        self.resources_of_type(resource_type)
            .filter(|(_, r)| !r.existing)
    }
}

struct Walker<'e, 'a> {
    ev: &'e Evaluator,
    resources: Vec<Resource<'a>>,
    templates: Vec<TemplateInfo<'a>>,
    seen: HashSet<NodeId>,
    truncated: bool,
}

/// The parent of a nested child resource.
#[derive(Clone)]
struct ParentInfo<'a> {
    index: usize,
    resource_type: Option<Rc<str>>,
    name: Value<'a>,
}

impl<'a> Walker<'_, 'a> {
    fn template(
        &mut self,
        node: NodeRef<'a>,
        scope: &TemplateScope<'a>,
        deployment: Option<usize>,
        inner_scope: bool,
        depth: usize,
    ) {
        if inner_scope {
            scope.prepare(self.ev, node);
        }
        let index = self.templates.len();
        // A nested template in a copy loop is evaluated per instance but described once.
        if self.seen.insert(node.id()) {
            let described;
            let parameter_scope = if inner_scope {
                scope
            } else {
                described = TemplateScope::new(node, &mut |_| None);
                &described
            };
            self.templates.push(TemplateInfo {
                node,
                deployment,
                inner_scope,
                parameters: self.parameters(parameter_scope),
                outputs: member_node(node, "outputs")
                    .into_iter()
                    .flat_map(NodeRef::entries)
                    .map(|(key, decl)| Output { key, decl })
                    .collect(),
            });
        }
        let template_index = self
            .templates
            .iter()
            .position(|t| t.node == node)
            .unwrap_or(index);
        let Some(resources) = member_node(node, "resources") else {
            return;
        };
        let context = Context {
            scope,
            deployment,
            template: template_index,
            depth,
        };
        if resources.is_mapping() {
            for (key, resource) in resources.entries() {
                self.resource(resource, key.as_str(), &context, None, &[]);
            }
        } else {
            for resource in resources.items() {
                self.resource(resource, None, &context, None, &[]);
            }
        }
    }

    fn parameters(&self, scope: &TemplateScope<'a>) -> Vec<Parameter<'a>> {
        scope
            .parameters
            .iter()
            .map(|slot| {
                let cx = Cx::new(self.ev, scope, &[], slot.decl);
                let (value, value_origin) = cx.resolved_parameter(slot);
                Parameter {
                    name: Rc::clone(&slot.name),
                    key: slot.decl.key().unwrap_or(slot.decl),
                    decl: slot.decl,
                    type_name: member_node(slot.decl, "type").and_then(NodeRef::as_str),
                    default: member_node(slot.decl, "defaultValue"),
                    value,
                    value_origin,
                }
            })
            .collect()
    }

    fn resource(
        &mut self,
        node: NodeRef<'a>,
        symbolic_name: Option<&'a str>,
        context: &Context<'_, 'a>,
        parent: Option<&ParentInfo<'a>>,
        outer_loops: &[LoopIndex],
    ) {
        if !node.is_mapping() {
            return;
        }
        // One pass over the resource's entries finds every member the walk reads, instead of a
        // scan per member (and per copy instance).
        let [copy, condition_node, type_node, children_node] =
            members_named(node, ["copy", "condition", "type", "resources"]);
        let copy = copy.filter(|copy| copy.is_mapping());
        let base = Cx::new(self.ev, context.scope, outer_loops, node);
        let instances: Vec<(Option<Rc<str>>, Option<i64>)> = match copy {
            Some(copy) => {
                let name: Option<Rc<str>> = member_node(copy, "name")
                    .map(|n| base.node(n))
                    .and_then(|n| n.as_str().map(Into::into));
                match base.copy_count(copy) {
                    Ok(count) => (0..count).map(|i| (name.clone(), Some(i))).collect(),
                    Err(_) => vec![(name, None)],
                }
            }
            None => vec![(None, None)],
        };
        let looped = copy.is_some();
        for (loop_name, index) in instances {
            if self.resources.len() >= MAX_RESOURCES {
                self.truncated = true;
                return;
            }
            let mut loops = outer_loops.to_vec();
            if looped {
                loops.push(LoopIndex {
                    name: loop_name.clone(),
                    index,
                    resource: true,
                });
            }
            let cx = Cx::new(self.ev, context.scope, &loops, node);
            let condition = match condition_node.map(|c| cx.node(c)) {
                None => Condition::Deployed,
                Some(value) => match value.as_bool() {
                    Some(true) => Condition::Deployed,
                    Some(false) => continue,
                    None => Condition::Unknown,
                },
            };
            let own_type = type_node.map(|t| cx.node(t));
            let resource_type: Option<Rc<str>> = own_type
                .as_ref()
                .and_then(Value::as_str)
                .map(|t| full_type(parent.and_then(|p| p.resource_type.as_deref()), t).into());
            let is_deployment = resource_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Resources/deployments"));
            let body = resource_body(&cx, node, is_deployment);
            let own_name = body
                .member("name")
                .cloned()
                .unwrap_or_else(|| Value::unknown(node, "name", "is missing"));
            let name = match parent {
                Some(parent) => full_name(&parent.name, own_name, resource_type.as_deref()),
                None => own_name,
            };
            let resource = Resource {
                node,
                resource_type: resource_type.clone(),
                name: name.clone(),
                symbolic_name,
                api_version: body
                    .member("apiVersion")
                    .and_then(Value::as_str)
                    .map(Into::into),
                condition,
                existing: body.member("existing").and_then(Value::as_bool) == Some(true),
                copy: looped.then(|| CopyInstance {
                    name: loop_name.as_deref().map(str::to_owned),
                    index,
                }),
                parent: parent.map(|p| p.index),
                deployment: context.deployment,
                template: context.template,
                depends_on: body
                    .member("dependsOn")
                    .and_then(Value::as_array)
                    .map(<[_]>::to_vec)
                    .unwrap_or_default(),
                scope: body.member("scope").cloned(),
                body,
                anchor: type_node.unwrap_or(node),
            };
            let resource_index = self.resources.len();
            self.resources.push(resource);
            if let Some(children) = children_node {
                let me = ParentInfo {
                    index: resource_index,
                    resource_type: resource_type.clone(),
                    name: name.clone(),
                };
                let children: Vec<(Option<&'a str>, NodeRef<'a>)> = if children.is_mapping() {
                    children.entries().map(|(k, v)| (k.as_str(), v)).collect()
                } else {
                    children.items().map(|v| (None, v)).collect()
                };
                for (symbolic, child) in children {
                    self.resource(child, symbolic, context, Some(&me), &loops);
                }
            }
            if is_deployment {
                self.nested_deployment(resource_index, node, context);
            }
        }
    }

    fn nested_deployment(&mut self, index: usize, node: NodeRef<'a>, context: &Context<'_, 'a>) {
        let Some(template) = member_node(node, "properties")
            .and_then(|p| member_node(p, "template"))
            .filter(|t| t.is_mapping())
        else {
            return;
        };
        if context.depth >= MAX_NESTED_DEPLOYMENTS {
            self.truncated = true;
            return;
        }
        let body = &self.resources[index].body;
        let properties = body.member("properties");
        let inner = properties
            .and_then(|p| p.member("expressionEvaluationOptions"))
            .and_then(|o| o.member("scope"))
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        if !inner {
            self.template(
                template,
                context.scope,
                Some(index),
                false,
                context.depth + 1,
            );
            return;
        }
        let passed = properties.and_then(|p| p.member("parameters")).cloned();
        let scope = TemplateScope::new(template, &mut |name| {
            let entry = passed.as_ref()?.member(name)?;
            if let Some(value) = entry.member("value") {
                return Some((value.clone(), OriginKind::DeploymentParameter));
            }
            entry.member("reference").map(|reference| {
                (
                    Value::unknown(
                        reference.at(),
                        format!("Key Vault reference of parameter `{name}`"),
                        "is a Key Vault secret, only known during deployment",
                    ),
                    OriginKind::DeploymentParameter,
                )
            })
        });
        self.template(template, &scope, Some(index), true, context.depth + 1);
    }
}

/// Where resources of one template are evaluated.
struct Context<'s, 'a> {
    scope: &'s TemplateScope<'a>,
    deployment: Option<usize>,
    template: usize,
    depth: usize,
}

/// The resource object without `resources`, `copy` and (for a nested deployment) the inline
/// template, which are walked separately.
fn resource_body<'a>(cx: &Cx<'_, 'a>, node: NodeRef<'a>, is_deployment: bool) -> Value<'a> {
    let mut members = Vec::with_capacity(node.entries().len());
    for (key, value) in node.entries() {
        let Some(name) = key.as_str() else { continue };
        if name.eq_ignore_ascii_case("resources") || name.eq_ignore_ascii_case("copy") {
            continue;
        }
        let evaluated =
            if is_deployment && name.eq_ignore_ascii_case("properties") && value.is_mapping() {
                cx.mapping(value, &["template"])
            } else {
                cx.node(value)
            };
        members.push((name.into(), evaluated));
    }
    Value::object(members, node)
}

/// A nested child's full type: its own when it names a provider namespace, else the parent's
/// type and its own.
fn full_type(parent: Option<&str>, own: &str) -> String {
    let namespaced = own
        .split('/')
        .next()
        .is_some_and(|first| first.contains('.'));
    match parent {
        Some(parent) if !namespaced => format!("{parent}/{own}"),
        _ => own.to_owned(),
    }
}

/// A nested child's full name: its own when it already has one segment per type level, else
/// the parent's name, `/`, and its own.
fn full_name<'a>(parent: &Value<'a>, own: Value<'a>, resource_type: Option<&str>) -> Value<'a> {
    let Some(own_text) = own.as_str() else {
        return own;
    };
    let levels = resource_type.map_or(0, |t| t.split('/').count().saturating_sub(1));
    if levels > 0 && own_text.split('/').count() >= levels {
        return own;
    }
    match parent.data() {
        Data::String(parent_name) => {
            let full = format!("{parent_name}/{own_text}");
            Value::string(full, own.at()).with_origin(own.origin_rc().cloned())
        }
        _ => parent.moved_to(own.at()),
    }
}
