use akslint_model::k8s::Object;

use super::{ROLE_KINDS, Target, Verbs, grants};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags rules of Roles and ClusterRoles that allow reading Secrets: the verbs `get`,
    /// `list`, `watch` or `*` on `secrets` of the core API group (`""` or `*`), including
    /// through `resources: ["*"]`, which covers Secrets too.
    ///
    /// ## Why it matters
    /// Secrets hold ServiceAccount tokens, registry credentials, TLS keys and connection
    /// strings. `get` reads one, and `list` and `watch` return the full content of every Secret
    /// in scope, not just their names. Read access to Secrets is therefore often the same as the
    /// access of every identity whose credentials are stored in them; in a ClusterRole bound
    /// cluster-wide it includes the tokens of highly privileged controllers.
    ///
    /// A rule restricted by `resourceNames` is still flagged, with the number of Secrets named
    /// in the message: the linter cannot tell whether those Secrets are sensitive, and the
    /// restriction is easy to widen later. Suppress the finding where reading those named
    /// Secrets is intended. Other verbs (`create`, `update`, `delete`) are not flagged by this
    /// rule; a `*` verb or resource is also K8S503's finding.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: app
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## Use instead
    /// Keep secrets out of the Kubernetes API: on AKS, mount them from Azure Key Vault with the
    /// Secrets Store CSI driver and workload identity. When a workload must read a Secret,
    /// give it `get` on that Secret only, in its own namespace:
    /// ```yaml
    /// kind: Role
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     resourceNames: ["app-tls"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, listing Secrets](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets)
    /// - [AKS: use the Azure Key Vault provider for Secrets Store CSI Driver](https://learn.microsoft.com/azure/aks/csi-secrets-store-driver)
    pub struct RbacSecretsAccess {
        code: "K8S504",
        name: "rbac-secrets-access",
        category: Rbac,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(ROLE_KINDS),
        references: [
            "kube-linter" => "access-to-secrets",
            "trivy" => "KSV-0041, KSV-0113",
            "checkov" => "CKV2_K8S_5",
        ],
    }
}

const SECRETS: [Target; 1] = [Target::new("", "secrets")];

const READ_VERBS: Verbs = Verbs::OneOf(&["get", "list", "watch"]);

impl Rule for RbacSecretsAccess {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for grant in grants(object, READ_VERBS, &SECRETS) {
            let restriction = grant.rule.restriction_note();
            let what = if restriction.is_empty() {
                "can read the contents of Secrets, including credentials"
            } else {
                "can still read the contents of those Secrets"
            };
            let message = format!(
                "{} grants {}{restriction}: holders {what}",
                object.describe(),
                grant.describe()
            );
            cx.report_node(grant.item, message).help(
                "remove read access to Secrets, or limit it to `get` on the Secrets needed with `resourceNames` in a namespaced Role; on AKS prefer Azure Key Vault through the Secrets Store CSI driver",
            );
        }
    }
}
