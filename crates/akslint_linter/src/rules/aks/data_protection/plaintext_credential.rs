use akslint_model::azure::expr::{self, Expr, TemplateString};
use akslint_model::azure::{Lookup, ManagedCluster, OriginKind, Value, member_node};
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The credentials a managed cluster may carry, and what they are, for messages.
const CREDENTIALS: &[(&str, &str)] = &[
    (
        "windowsProfile.adminPassword",
        "the Windows nodes' administrator password",
    ),
    (
        "servicePrincipalProfile.secret",
        "a service principal secret",
    ),
    (
        "aadProfile.serverAppSecret",
        "the legacy Azure AD server application secret",
    ),
];

declare_rule! {
    /// ## What it does
    /// Flags a credential of a managed cluster (`windowsProfile.adminPassword`,
    /// `servicePrincipalProfile.secret`, `aadProfile.serverAppSecret`) whose value is known
    /// offline and does not come through a secure parameter: a literal written in the
    /// template, a variable, a literal passed to a nested deployment, the default of a plain
    /// `string` parameter, or a parameter file's value for a plain `string` parameter.
    ///
    /// ## Why it matters
    /// A secret written in the template is readable by everyone with access to the repository
    /// and its history, and the same value is deployed everywhere the template is. A secret
    /// passed through a plain `string` parameter is also stored in the deployment's history,
    /// where anyone with read access to the resource group can see it; `securestring`
    /// parameters are not. The Windows password opens every Windows node, and a service
    /// principal secret gives the cluster's Azure permissions to whoever holds it.
    ///
    /// The value's origin decides. A `securestring` (or `secureObject`) parameter passes, also
    /// when a parameter file gives its value; a secure parameter's default is ARM001's
    /// finding. A Key Vault reference in a parameter file, `reference()`, `list*()`, and a
    /// parameter without value are unknown offline and pass. A value computed by an
    /// expression passes when the expression reads a secure parameter or a variable. An empty
    /// string is not a credential. Rather than a service principal, prefer a managed identity
    /// (AKS110).
    ///
    /// ## Example
    /// ```json
    /// "windowsProfile": {
    ///   "adminUsername": "azureuser",
    ///   "adminPassword": "P@ssw0rd1234!"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "parameters": {
    ///   "windowsAdminPassword": { "type": "securestring" }
    /// },
    /// ...
    /// "windowsProfile": {
    ///   "adminUsername": "azureuser",
    ///   "adminPassword": "[parameters('windowsAdminPassword')]"
    /// }
    /// ```
    /// and give the value at deployment, for example with a Key Vault reference in the
    /// parameter file.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [ARM templates: security recommendations for parameters](https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#security-recommendations-for-parameters)
    /// - [Use Key Vault to pass secure parameter values](https://learn.microsoft.com/azure/azure-resource-manager/templates/key-vault-parameter)
    /// - [AKS: use a managed identity](https://learn.microsoft.com/azure/aks/use-managed-identity)
    pub struct PlaintextCredential {
        code: "AKS507",
        name: "plaintext-credential",
        category: DataProtection,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: ["none" => "no peer checks where a cluster credential's value comes from"],
    }
}

const HELP: &str = "pass the credential through a `securestring` parameter without a default and give its value at deployment, e.g. with a Key Vault reference in the parameter file";

impl Rule for PlaintextCredential {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        for (path, what) in CREDENTIALS {
            let lookup = cluster.property(path);
            let Lookup::Known(value) = &lookup else {
                continue;
            };
            if value.as_str().is_none_or(|text| text.trim().is_empty()) {
                continue;
            }
            let Some(source) = plaintext_source(value, cluster.resource.node) else {
                continue;
            };
            cx.report_value(
                &lookup,
                format!(
                    "{} has {what} in plain text: `{path}` {source}",
                    cluster.describe()
                ),
            )
            .help(HELP);
        }
    }
}

/// How a credential's value is exposed, or `None` when it comes through a secure parameter
/// (or it cannot be told). `resource` is the cluster resource, to find the template a
/// parameter file's values are declared in.
fn plaintext_source(value: &Value<'_>, resource: NodeRef<'_>) -> Option<String> {
    let Some(origin) = value.origin() else {
        return written_in_template(value.at(), "is written in the template");
    };
    match origin.kind {
        OriginKind::Variable => written_in_template(
            origin.node,
            &format!("comes from variable `{}`", origin.name),
        ),
        OriginKind::DeploymentParameter => written_in_template(
            origin.node,
            &format!(
                "is passed in the template as parameter `{}` of a nested deployment",
                origin.name
            ),
        ),
        OriginKind::ParameterDefault => {
            let kind = plain_type(default_declaration(origin.node)?)?;
            Some(format!(
                "is the default of parameter `{}`, of type `{kind}` rather than `securestring`",
                origin.name
            ))
        }
        OriginKind::ParameterFile => {
            let declaration =
                member_node(member_node(root(resource), "parameters")?, &origin.name)?;
            let kind = plain_type(declaration)?;
            Some(format!(
                "comes from the parameter file through parameter `{}`, of type `{kind}` rather than `securestring`, which deployment history records",
                origin.name
            ))
        }
    }
}

/// `description` when the value written at `node` is a literal, or an expression that reads
/// no secure parameter and no variable; `None` otherwise.
fn written_in_template(node: NodeRef<'_>, description: &str) -> Option<String> {
    let text = node.as_str()?;
    let TemplateString::Expression(inner) = expr::classify(text) else {
        return Some(description.to_owned());
    };
    let parsed = expr::parse(inner).ok()?;
    let template = enclosing_template(node)?;
    for call in parsed.calls() {
        if call.is("variables") {
            // Not traced here: the variable may hold a secure parameter.
            return None;
        }
        if call.is("parameters") {
            let name = call.args.first().and_then(Expr::as_str)?;
            let declaration = member_node(member_node(template, "parameters")?, name)?;
            plain_type(declaration)?;
        }
    }
    Some(format!(
        "{description} (by an expression that reads no secure parameter)"
    ))
}

/// The declared type of a parameter when it is known and not secure.
fn plain_type<'a>(declaration: NodeRef<'a>) -> Option<&'a str> {
    let kind = member_node(declaration, "type")?.as_str()?;
    let secure =
        kind.eq_ignore_ascii_case("securestring") || kind.eq_ignore_ascii_case("secureObject");
    (!secure).then_some(kind)
}

/// The declaration of the parameter whose `defaultValue` (or single `allowedValues` entry)
/// contains `node`.
fn default_declaration(node: NodeRef<'_>) -> Option<NodeRef<'_>> {
    let mut current = node;
    loop {
        let key = current.key().and_then(NodeRef::as_str);
        if key.is_some_and(|k| {
            k.eq_ignore_ascii_case("defaultValue") || k.eq_ignore_ascii_case("allowedValues")
        }) {
            return current.parent();
        }
        current = current.parent()?;
    }
}

/// The template whose parameters the expressions at `node` read: the file's, or an inline
/// template of a nested deployment evaluated in its own (`inner`) scope.
fn enclosing_template(node: NodeRef<'_>) -> Option<NodeRef<'_>> {
    let mut current = node;
    loop {
        let Some(parent) = current.parent() else {
            return Some(current);
        };
        let is_template = current.is_mapping()
            && current
                .key()
                .and_then(NodeRef::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case("template"))
            && member_node(parent, "expressionEvaluationOptions")
                .and_then(|options| member_node(options, "scope"))
                .and_then(NodeRef::as_str)
                .is_some_and(|scope| scope.eq_ignore_ascii_case("inner"));
        if is_template {
            return Some(current);
        }
        current = parent;
    }
}

/// The root of the file `node` is in.
fn root(node: NodeRef<'_>) -> NodeRef<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        current = parent;
    }
    current
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::test_support::lint_files;

    fn template(kind: &str) -> String {
        format!(
            r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {{ "windowsPassword": {{ "type": "{kind}" }} }},
  "resources": [{{
    "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks",
    "properties": {{ "windowsProfile": {{ "adminUsername": "azureuser", "adminPassword": "[parameters('windowsPassword')]" }} }} }}]
}}"#
        )
    }

    const LITERAL: &str = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": { "windowsPassword": { "value": "Pl41n-text!" } } }"#;

    const KEY_VAULT: &str = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": { "windowsPassword": { "reference": {
    "keyVault": { "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" },
    "secretName": "windows-password" } } } }"#;

    #[test]
    fn a_parameter_file_value_fails_only_through_a_plain_parameter() {
        let plain = template("string");
        let found = lint_files(
            "AKS507",
            35,
            &[("main.json", &plain), ("main.parameters.json", LITERAL)],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("through parameter `windowsPassword`"),
            "{found:?}"
        );
        let related = &found[0].related[0];
        assert_eq!(related.file.path(), Path::new("main.parameters.json"));

        let secure = template("secureString");
        let found = lint_files(
            "AKS507",
            35,
            &[("main.json", &secure), ("main.parameters.json", LITERAL)],
        );
        assert!(found.is_empty(), "{found:?}");

        let found = lint_files(
            "AKS507",
            35,
            &[("main.json", &plain), ("main.parameters.json", KEY_VAULT)],
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
