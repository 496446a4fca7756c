use std::collections::HashSet;

use akslint_model::azure::expr::{self, Call, Expr, TemplateString};
use akslint_model::azure::{EvaluatedTemplate, TemplateInfo, member_node};
use akslint_syntax::{NodeRef, ScalarStyle};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// How deep the rule follows variables that use other variables, and descends into the JSON
/// of a value: deeper templates are not written by hand, and the walk stays bounded.
const MAX_DEPTH: usize = 32;

declare_rule! {
    /// ## What it does
    /// Flags template outputs that return a secret: a `securestring` or `secureObject`
    /// parameter (`parameters('adminPassword')`), the result of a `list*()` function
    /// (`listKeys()`, `listSecrets()`, `listCredentials()`, `listAccountSas()`,
    /// `listOutputsWithSecureValues()`, ...), or a secure output of a nested deployment of the
    /// same file read with `reference(...).outputs.<name>`. The whole output value is searched:
    /// inside `concat()`, `format()` and every other call, in objects and arrays, in an output
    /// `copy` loop, and through the variables it uses (a connection string built in a variable
    /// from a secure parameter is found). Outputs of the inline templates of nested
    /// deployments are checked too, with the parameters and variables of the scope their
    /// expressions are evaluated in.
    ///
    /// ## Why it matters
    /// Outputs are stored in the deployment history of the resource group in plain text.
    /// Anyone with read access to the resource group (the Reader role, a monitoring tool, a
    /// CI job) can read them, long after the deployment: the secret a secure parameter kept
    /// out of the logs, or a storage account key that grants full access to the data.
    ///
    /// An output declared `securestring` or `secureObject` is not stored and is not flagged.
    /// A `list*()` call is flagged whatever it lists, as in the Bicep linter: a few list
    /// functions return nothing secret, and can be suppressed with a comment that says so.
    ///
    /// ## Example
    /// ```json
    /// "outputs": {
    ///   "storageConnection": {
    ///     "type": "string",
    ///     "value": "[concat('DefaultEndpointsProtocol=https;AccountName=', variables('name'), ';AccountKey=', listKeys(variables('id'), '2023-01-01').keys[0].value)]"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "outputs": {
    ///   "storageAccountId": { "type": "string", "value": "[variables('id')]" }
    /// }
    /// ```
    /// and call `listKeys()` where the key is needed, or keep the secret in Key Vault. If an
    /// output must carry a secret to a parent deployment, declare it `securestring`.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Bicep linter: outputs-should-not-contain-secrets](https://learn.microsoft.com/azure/azure-resource-manager/bicep/linter-rule-outputs-should-not-contain-secrets)
    /// - [ARM template test toolkit: outputs can't include secrets](https://learn.microsoft.com/azure/azure-resource-manager/templates/template-test-cases#outputs-cant-include-secrets)
    /// - [ARM templates: outputs](https://learn.microsoft.com/azure/azure-resource-manager/templates/outputs)
    pub struct SecretInOutput {
        code: "ARM002",
        name: "secret-in-output",
        category: TemplateHygiene,
        severity: Error,
        default_enabled: true,
        scope: Scope::ArmTemplates,
        references: ["bicep linter" => "outputs-should-not-contain-secrets"],
    }
}

impl Rule for SecretInOutput {
    fn check_template(&self, template: &EvaluatedTemplate<'_>, cx: &mut Context<'_>) {
        for (index, info) in template.templates.iter().enumerate() {
            let Some(names) = Names::new(template, index) else {
                continue;
            };
            for output in &info.outputs {
                if is_secure_type(output.decl) {
                    continue;
                }
                let name = output.key.as_str().unwrap_or_default();
                let mut strings = Vec::new();
                for member in ["value", "copy"] {
                    if let Some(node) = member_node(output.decl, member) {
                        collect_strings(node, 0, &mut strings);
                    }
                }
                for node in strings {
                    let leaks = names.leaks_in(node);
                    if leaks.is_empty() {
                        continue;
                    }
                    let what: Vec<String> = leaks.iter().map(Leak::describe).collect();
                    let secure = if cx.is_bicep() {
                        "mark the output `@secure()`"
                    } else {
                        "declare the output `securestring`"
                    };
                    cx.report_node(
                        node,
                        format!(
                            "output `{name}` returns {}: outputs are stored in plain text in the deployment history",
                            what.join(" and ")
                        ),
                    )
                    .help(format!("output the resource id instead and read the secret where it is needed (`listKeys()` there, or a Key Vault reference), or {secure}"));
                }
            }
        }
    }
}

/// A secret an output returns, and the variable it comes through.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Leak {
    kind: LeakKind,
    via: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LeakKind {
    SecureParameter(String),
    ListCall(String),
    SecureOutput { deployment: String, output: String },
}

impl Leak {
    fn describe(&self) -> String {
        let what = match &self.kind {
            LeakKind::SecureParameter(name) => format!("secure parameter `{name}`"),
            LeakKind::ListCall(function) => format!("the result of `{function}()`"),
            LeakKind::SecureOutput { deployment, output } => {
                format!("secure output `{output}` of deployment `{deployment}`")
            }
        };
        match &self.via {
            Some(variable) => format!("{what} (through variable `{variable}`)"),
            None => what,
        }
    }
}

/// What the names in a template's expressions refer to: the parameters and variables of the
/// template they are evaluated in (the file's, an inner-scope nested template's, or for an
/// outer-scope nested template its parent's), and the nested deployments of the file.
struct Names<'e, 'a> {
    template: &'e EvaluatedTemplate<'a>,
    scope: &'e TemplateInfo<'a>,
}

impl<'e, 'a> Names<'e, 'a> {
    fn new(template: &'e EvaluatedTemplate<'a>, index: usize) -> Option<Self> {
        let mut scope = index;
        // An outer-scope template evaluates in its parent's scope, which may itself be outer.
        for _ in 0..template.templates.len() {
            let Some(info) = template.templates.get(scope) else {
                break;
            };
            let parent = info
                .deployment
                .filter(|_| !info.inner_scope)
                .and_then(|deployment| template.resources.get(deployment))
                .map(|deployment| deployment.template);
            match parent {
                Some(parent) if parent != scope => scope = parent,
                _ => break,
            }
        }
        let scope = template.templates.get(scope)?;
        Some(Self { template, scope })
    }

    /// The secrets the string `node` returns when it is an expression.
    fn leaks_in(&self, node: NodeRef<'_>) -> Vec<Leak> {
        let mut leaks = Vec::new();
        let mut visited = HashSet::new();
        self.string_leaks(node, None, 0, &mut visited, &mut leaks);
        leaks
    }

    fn string_leaks(
        &self,
        node: NodeRef<'_>,
        via: Option<&str>,
        depth: usize,
        visited: &mut HashSet<String>,
        leaks: &mut Vec<Leak>,
    ) {
        let Some((text, ScalarStyle::DoubleQuoted)) = node.scalar() else {
            return;
        };
        let TemplateString::Expression(inner) = expr::classify(text) else {
            return;
        };
        let Ok(parsed) = expr::parse(inner) else {
            return;
        };
        let found = |kind: LeakKind, leaks: &mut Vec<Leak>| {
            let leak = Leak {
                kind,
                via: via.map(str::to_owned),
            };
            if !leaks.contains(&leak) {
                leaks.push(leak);
            }
        };
        for call in parsed.calls() {
            if call.is("parameters") {
                if let Some(name) = first_string_arg(call)
                    && let Some(parameter) = self
                        .scope
                        .parameters
                        .iter()
                        .find(|p| p.name.eq_ignore_ascii_case(name))
                    && parameter.is_secure()
                {
                    found(LeakKind::SecureParameter(parameter.name.to_string()), leaks);
                }
            } else if call.namespace.is_none()
                && call
                    .name
                    .get(..4)
                    .is_some_and(|prefix| prefix.eq_ignore_ascii_case("list"))
            {
                found(LeakKind::ListCall(call.name.to_string()), leaks);
            } else if call.is("variables")
                && depth < MAX_DEPTH
                && let Some(name) = first_string_arg(call)
                && visited.insert(name.to_ascii_lowercase())
                && let Some(value) = member_node(self.scope.node, "variables")
                    .and_then(|variables| member_node(variables, name))
            {
                let mut strings = Vec::new();
                collect_strings(value, 0, &mut strings);
                for string in strings {
                    self.string_leaks(string, Some(via.unwrap_or(name)), depth + 1, visited, leaks);
                }
            }
        }
        let mut outputs = Vec::new();
        deployment_outputs(&parsed, &mut outputs);
        for (deployment, output) in outputs {
            if let Some((deployment, output)) = self.secure_output(deployment, output) {
                found(LeakKind::SecureOutput { deployment, output }, leaks);
            }
        }
    }

    /// The nested deployment named `deployment` (by its name or symbolic name) when its inline
    /// template declares `output` as secure.
    fn secure_output(&self, deployment: &str, output: &str) -> Option<(String, String)> {
        self.template.templates.iter().find_map(|info| {
            let resource = self.template.resources.get(info.deployment?)?;
            let named = resource
                .name
                .as_str()
                .is_some_and(|name| name.eq_ignore_ascii_case(deployment))
                || resource.symbolic_name == Some(deployment);
            if !named {
                return None;
            }
            info.outputs.iter().find_map(|declared| {
                let name = declared.key.as_str()?;
                (name.eq_ignore_ascii_case(output) && is_secure_type(declared.decl))
                    .then(|| (resource.name_text(), name.to_owned()))
            })
        })
    }
}

/// The `(deployment, output)` pairs read as `reference(<deployment>).outputs.<output>`, where
/// the deployment is written as a literal name or id, or `resourceId(..., '<name>')`.
fn deployment_outputs<'e>(expression: &'e Expr, out: &mut Vec<(&'e str, &'e str)>) {
    match expression {
        Expr::Member { target, name, .. } => {
            if let Expr::Member {
                target: reference,
                name: outputs,
                ..
            } = target.as_ref()
                && outputs.eq_ignore_ascii_case("outputs")
                && let Expr::Call(call) = reference.as_ref()
                && call.is("reference")
                && let Some(deployment) = call.args.first().and_then(deployment_name)
            {
                out.push((deployment, name));
            }
            deployment_outputs(target, out);
        }
        Expr::Index { target, index, .. } => {
            deployment_outputs(target, out);
            deployment_outputs(index, out);
        }
        Expr::Call(call) => {
            for arg in &call.args {
                deployment_outputs(arg, out);
            }
        }
        _ => {}
    }
}

/// The deployment name in the first argument of `reference()`: a literal (its last segment when
/// it is an id) or the last argument of `resourceId()`.
fn deployment_name(argument: &Expr) -> Option<&str> {
    match argument {
        Expr::String(text) => text.rsplit('/').next(),
        Expr::Call(call) if call.is("resourceId") => call.args.last()?.as_str(),
        _ => None,
    }
}

fn first_string_arg(call: &Call) -> Option<&str> {
    call.args.first()?.as_str()
}

/// Whether a parameter or output declaration is `securestring` or `secureObject`.
fn is_secure_type(decl: NodeRef<'_>) -> bool {
    member_node(decl, "type")
        .and_then(NodeRef::as_str)
        .is_some_and(|t| {
            t.eq_ignore_ascii_case("securestring") || t.eq_ignore_ascii_case("secureobject")
        })
}

/// Every string under `node` (the node itself when it is one), keys left out.
fn collect_strings<'a>(node: NodeRef<'a>, depth: usize, out: &mut Vec<NodeRef<'a>>) {
    if depth > MAX_DEPTH {
        return;
    }
    if node.is_mapping() {
        for (_, value) in node.entries() {
            collect_strings(value, depth + 1, out);
        }
    } else if node.is_sequence() {
        for item in node.items() {
            collect_strings(item, depth + 1, out);
        }
    } else if matches!(node.scalar(), Some((_, ScalarStyle::DoubleQuoted))) {
        out.push(node);
    }
}
