use akslint_model::k8s::Workload;

use super::service_account;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags pods that run as the namespace's `default` ServiceAccount: `serviceAccountName`
    /// (and the deprecated `serviceAccount`) is unset or empty, or explicitly `default`.
    ///
    /// ## Why it matters
    /// Every namespace has a `default` ServiceAccount, and every pod that names no other account
    /// runs as it. Permissions granted to it (a RoleBinding added "to make something work", a
    /// workload identity annotation) therefore reach every such pod in the namespace, and audit
    /// logs cannot tell the workloads apart. A dedicated ServiceAccount per workload keeps
    /// permissions, workload identity federation and audit trails to the one workload that needs
    /// them.
    ///
    /// The rule is opt-in: many workloads need no Kubernetes permissions at all, and for them
    /// the `default` account is harmless once its token is not mounted (K8S401).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: app
    ///           image: contoso.azurecr.io/web:1.0.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template:
    ///     spec:
    ///       serviceAccountName: web
    ///       containers:
    ///         - name: app
    ///           image: contoso.azurecr.io/web:1.0.0
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Service Accounts](https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts)
    /// - [Kubernetes RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    /// - [AKS: Microsoft Entra Workload ID](https://learn.microsoft.com/azure/aks/workload-identity-overview)
    pub struct DefaultServiceAccount {
        code: "K8S402",
        name: "default-service-account",
        category: IdentityAndSecrets,
        severity: Note,
        default_enabled: false,
        scope: Scope::Workloads,
        references: ["kube-linter" => "default-service-account", "checkov" => "CKV_K8S_41"],
    }
}

const HELP: &str = "create a ServiceAccount for this workload, with only the permissions it needs, and set `serviceAccountName` to it";

impl Rule for DefaultServiceAccount {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let (name, field) = service_account(workload);
        if name != "default" {
            return;
        }
        let who = workload.describe();
        match field {
            Some(node) => {
                let message = format!("{who} runs as the namespace's `default` ServiceAccount");
                cx.report_node(node, message).help(HELP);
            }
            None => {
                let message = format!(
                    "{who} does not set `serviceAccountName`, so it runs as the namespace's `default` ServiceAccount"
                );
                cx.report_missing(workload.pod_spec, "serviceAccountName", message)
                    .help(HELP);
            }
        }
    }
}
