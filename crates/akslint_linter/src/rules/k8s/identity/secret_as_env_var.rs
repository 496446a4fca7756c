use akslint_model::k8s::Workload;
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) that read a Secret into
    /// their environment: `env[*].valueFrom.secretKeyRef` (one key) or `envFrom[*].secretRef`
    /// (every key of the Secret).
    ///
    /// ## Why it matters
    /// Environment variables are easy to leak: they are inherited by every child process, shown
    /// by `/proc/<pid>/environ` to anyone who can read it, commonly dumped by crash reporters,
    /// debug endpoints and logging libraries, and they keep the value of the Secret the pod
    /// started with (a rotated Secret is only seen after a restart). A Secret mounted as a
    /// volume is a file readable only by the container's user, and is updated in place when
    /// the Secret changes. On AKS, the Azure Key Vault provider for the Secrets Store CSI
    /// driver mounts Key Vault secrets as files directly, so they never become Kubernetes
    /// Secrets at all.
    ///
    /// The rule is opt-in: reading a Secret through the environment is far better than a
    /// literal value (K8S403), and many images only take configuration that way.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     env:
    ///       - name: DB_PASSWORD
    ///         valueFrom:
    ///           secretKeyRef:
    ///             name: db
    ///             key: password
    ///     envFrom:
    ///       - secretRef:
    ///           name: api-keys
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     env:
    ///       - name: DB_PASSWORD_FILE
    ///         value: /mnt/secrets-store/db-password
    ///     volumeMounts:
    ///       - name: secrets-store
    ///         mountPath: /mnt/secrets-store
    ///         readOnly: true
    /// volumes:
    ///   - name: secrets-store
    ///     csi:
    ///       driver: secrets-store.csi.k8s.io
    ///       readOnly: true
    ///       volumeAttributes:
    ///         secretProviderClass: app-key-vault
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: good practices for Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - [Kubernetes: using Secrets as files from a Pod](https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod)
    /// - [AKS: Azure Key Vault provider for the Secrets Store CSI driver](https://learn.microsoft.com/azure/aks/csi-secrets-store-driver)
    pub struct SecretAsEnvVar {
        code: "K8S404",
        name: "secret-as-env-var",
        category: IdentityAndSecrets,
        severity: Note,
        default_enabled: false,
        scope: Scope::Workloads,
        references: ["kube-linter" => "read-secret-from-env-var", "checkov" => "CKV_K8S_35"],
    }
}

const HELP: &str = "mount the Secret as a read-only volume (or Azure Key Vault secrets with the Secrets Store CSI driver) and read the value from the file";

impl Rule for SecretAsEnvVar {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for container in workload.containers() {
            let who = || container.describe_in(workload);
            for entry in container.env() {
                let Some(reference) = entry
                    .get_path("valueFrom.secretKeyRef")
                    .filter(|node| node.is_mapping())
                else {
                    continue;
                };
                let variable = entry.get("name").and_then(NodeRef::as_str).map_or_else(
                    || "an env var".to_owned(),
                    |name| format!("env var `{name}`"),
                );
                let message = format!(
                    "{} reads {} into {variable}",
                    who(),
                    secret(reference, Some("key"))
                );
                cx.report(reference.anchor_span(), message).help(HELP);
            }
            for source in container.env_from() {
                let Some(reference) = source.get("secretRef").filter(|node| node.is_mapping())
                else {
                    continue;
                };
                let message = format!(
                    "{} loads every key of {} into its environment",
                    who(),
                    secret(reference, None)
                );
                cx.report(reference.anchor_span(), message).help(HELP);
            }
        }
    }
}

/// "Secret `db`" or "key `password` of Secret `db`", for messages.
fn secret(reference: NodeRef<'_>, key_field: Option<&str>) -> String {
    let field = |name: &str| reference.get(name).and_then(NodeRef::as_str);
    let secret = field("name").map_or_else(|| "a Secret".to_owned(), |n| format!("Secret `{n}`"));
    match key_field.and_then(field) {
        Some(key) => format!("key `{key}` of {secret}"),
        None => secret,
    }
}
