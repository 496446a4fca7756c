use akslint_model::k8s::Object;
use akslint_syntax::NodeRef;

use super::is_placeholder;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `Secret` objects (core API group) whose `data` or `stringData` holds values, that
    /// is, secrets kept in the source next to the manifests. There is one finding per field,
    /// at its key.
    ///
    /// Not flagged:
    /// - entries whose value is empty, or a whole deploy-time placeholder (`${DB_PASSWORD}`
    ///   substituted by Flux or envsubst, `#{DbPassword}#` by Azure Pipelines);
    /// - manifests encrypted with SOPS (a top-level `sops` block): their values are ciphertext;
    /// - `type: kubernetes.io/service-account-token` Secrets, unless they carry a `token`
    ///   themselves. Such a Secret is normally written empty: the token controller fills in
    ///   `token`, `ca.crt` and `namespace` in the cluster, so the manifest holds nothing secret
    ///   (`ca.crt` and `namespace` written by hand are public). A `token` written in the
    ///   manifest is a credential in source and is flagged.
    ///
    /// ## Why it matters
    /// `data` is only base64-encoded, not encrypted: anyone who can read the repository, the
    /// CI logs or the rendered chart can read the secret, it stays in the Git history after it
    /// is rotated, and the same value tends to be reused across environments. The AKS guidance
    /// is to keep credentials in Azure Key Vault and to mount them into pods with the Azure Key
    /// Vault provider for the Secrets Store CSI driver (a `SecretProviderClass`, which can also
    /// sync them into a Kubernetes Secret when an application needs environment variables), or
    /// to avoid credentials altogether with Microsoft Entra Workload ID.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   password: hunter2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: secrets-store.csi.x-k8s.io/v1
    /// kind: SecretProviderClass
    /// metadata:
    ///   name: db
    /// spec:
    ///   provider: azure
    ///   parameters:
    ///     clientID: 00000000-0000-0000-0000-000000000000
    ///     keyvaultName: contoso-kv
    ///     tenantId: 00000000-0000-0000-0000-000000000000
    ///     objects: |
    ///       array:
    ///         - |
    ///           objectName: db-password
    ///           objectType: secret
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: pod security best practices (secure pod access to resources)](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    /// - [AKS: Azure Key Vault provider for the Secrets Store CSI driver](https://learn.microsoft.com/azure/aks/csi-secrets-store-driver)
    /// - [Kubernetes: good practices for Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - [Kubernetes: ServiceAccount token Secrets](https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets)
    pub struct SecretManifest {
        code: "K8S405",
        name: "secret-manifest",
        category: IdentityAndSecrets,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(&["Secret"]),
        references: ["AKS best practices" => "secure access to credentials"],
    }
}

const HELP: &str = "keep the values in Azure Key Vault and mount them with the Secrets Store CSI driver (a SecretProviderClass), or commit this manifest only encrypted (SOPS, Sealed Secrets)";

const SERVICE_ACCOUNT_TOKEN: &str = "kubernetes.io/service-account-token";

impl Rule for SecretManifest {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if !object.api_group().is_empty() {
            return;
        }
        if object.node.get("sops").is_some_and(NodeRef::is_mapping) {
            return;
        }
        let token_secret =
            object.node.get("type").and_then(NodeRef::as_str) == Some(SERVICE_ACCOUNT_TOKEN);
        for field in ["data", "stringData"] {
            let Some(values) = object.node.get(field).filter(|n| n.is_mapping()) else {
                continue;
            };
            let mut held = values.entries().filter(|&(_, value)| holds_value(value));
            if token_secret {
                if let Some((key, _)) = held.find(|(key, _)| key.as_str() == Some("token")) {
                    let message = format!(
                        "{} writes the ServiceAccount `token` in `{field}`: a long-lived API credential kept in source",
                        object.describe()
                    );
                    cx.report(key.span(), message).help(
                        "leave `data` empty: the token controller fills in the token in the cluster (or use short-lived projected tokens instead of a token Secret)",
                    );
                }
                continue;
            }
            let count = held.count();
            if count == 0 {
                continue;
            }
            let how = if field == "data" {
                "base64-encoded, not encrypted"
            } else {
                "in plain text"
            };
            let noun = if count == 1 { "value" } else { "values" };
            let message = format!(
                "{} keeps {count} secret {noun} in `{field}` in source ({how})",
                object.describe()
            );
            cx.report(values_key(object, field), message).help(HELP);
        }
    }
}

/// Where to point for `data` or `stringData`: its key.
fn values_key(object: &Object<'_>, field: &str) -> akslint_text::Span {
    object
        .node
        .entry(field)
        .map_or_else(|| object.node.span(), |(key, _)| key.span())
}

/// Whether a `data`/`stringData` entry holds something: not empty, not a whole placeholder
/// that a deploy step substitutes.
fn holds_value(value: NodeRef<'_>) -> bool {
    if value.is_null() {
        return false;
    }
    let Some((text, _)) = value.scalar() else {
        // A mapping or a list is invalid here, but it is still content written in source.
        return true;
    };
    let text = text.trim();
    let whole_placeholder = is_placeholder(text)
        && ["${", "#{", "{{", "__", "<"]
            .iter()
            .any(|open| text.starts_with(open));
    !text.is_empty() && !whole_placeholder
}
