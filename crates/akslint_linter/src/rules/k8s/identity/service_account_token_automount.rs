use akslint_model::k8s::Workload;

use super::{relate, service_account};
use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags pods that get a Kubernetes API token mounted automatically: the pod spec does not
    /// set `automountServiceAccountToken: false`, and neither does its ServiceAccount.
    ///
    /// The pod's own field wins over the ServiceAccount's, as in Kubernetes:
    /// - pod `false`: no finding, whatever the ServiceAccount says;
    /// - pod `true`: a finding at the field, even when the ServiceAccount says `false`;
    /// - pod unset: the ServiceAccount decides. It is `serviceAccountName` (or `default` when
    ///   unset), looked up in the workload's namespace among the objects of the run. When it is
    ///   in the input and sets `automountServiceAccountToken: false`, there is no finding; when
    ///   it is in the input and leaves the token on, the finding names it; when it is not in the
    ///   input, akslint cannot know, and reports the pod spec (set the field on the pod, or lint
    ///   the ServiceAccount together with the workload).
    ///
    /// A quoted `"false"` is not a boolean (the API server rejects it), so it does not count as
    /// disabling the token.
    ///
    /// ## Why it matters
    /// Unless it is disabled, every container of the pod gets a token of its ServiceAccount at
    /// `/var/run/secrets/kubernetes.io/serviceaccount`. Most applications never call the
    /// Kubernetes API; for them the token only helps an attacker who gets code execution in the
    /// container to query, or with a generous RoleBinding change, the cluster. Pods that do need
    /// the API can keep the token (suppress the finding with a reason), or mount a projected
    /// token only into the container that uses it.
    ///
    /// Microsoft Entra Workload ID does not need the automounted token: its webhook injects its
    /// own projected token volume (audience `api://AzureADTokenExchange`), so workload-identity
    /// pods can and should disable automounting too.
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
    ///       serviceAccountName: web
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
    ///       automountServiceAccountToken: false
    ///       containers:
    ///         - name: app
    ///           image: contoso.azurecr.io/web:1.0.0
    /// ```
    /// or, for every pod that runs as it, on the ServiceAccount:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: web
    /// automountServiceAccountToken: false
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `automountServiceAccountToken: false` in the pod spec (in place of a `true`,
    /// or added when missing), not on the ServiceAccount, which other workloads may share. A pod
    /// whose application (or a sidecar, or a client library that discovers the cluster) calls the
    /// Kubernetes API with the mounted token fails after the change.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Configure Service Accounts for Pods: opt out of API credential automounting](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting)
    /// - [Kubernetes RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct ServiceAccountTokenAutomount {
        code: "K8S401",
        name: "service-account-token-automount",
        category: IdentityAndSecrets,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        fix: Unsafe,
        references: ["checkov" => "CKV_K8S_38", "trivy" => "KSV-0036"],
    }
}

const HELP: &str = "set `automountServiceAccountToken: false` in the pod spec (or on its ServiceAccount) unless the pods call the Kubernetes API";

impl Rule for ServiceAccountTokenAutomount {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let who = workload.describe();
        let (account_name, _) = service_account(workload);
        let account = cx
            .project()
            .service_account(workload.namespace(), account_name)
            .cloned();
        let field = workload
            .pod_spec
            .get("automountServiceAccountToken")
            .filter(|node| !node.is_null());
        let fix = |cx: &Context<'_>| {
            cx.fix("set `automountServiceAccountToken: false`", |edit| {
                edit.set(
                    workload.pod_spec,
                    &["automountServiceAccountToken"],
                    NewValue::Bool(false),
                )
            })
        };
        if let Some(node) = field {
            match node.as_bool() {
                Some(false) => {}
                Some(true) => {
                    let overrides = account
                        .as_ref()
                        .filter(|a| a.automount_token == Some(false))
                        .map(|_| {
                            format!(
                                ", overriding the `false` of its ServiceAccount `{account_name}`"
                            )
                        })
                        .unwrap_or_default();
                    let message = format!(
                        "{who} sets `automountServiceAccountToken: true`, so a Kubernetes API token is mounted into its containers{overrides}"
                    );
                    let fix = fix(cx);
                    cx.report_node(node, message).with_fix(fix).help(HELP);
                }
                None => {
                    let message = format!(
                        "{who} sets `automountServiceAccountToken` to a value that is not the boolean `false`, so the token is not disabled"
                    );
                    let fix = fix(cx);
                    cx.report_node(node, message).with_fix(fix).help(HELP);
                }
            }
            return;
        }
        match account {
            Some(account) if account.automount_token == Some(false) => {}
            Some(account) => {
                let how = if account.automount_token == Some(true) {
                    "sets it to `true`"
                } else {
                    "does not set it to `false` either"
                };
                let message = format!(
                    "{who} does not set `automountServiceAccountToken: false` and its ServiceAccount `{account_name}` {how}, so a Kubernetes API token is mounted into its containers"
                );
                let fix = fix(cx);
                let diagnostic =
                    cx.report_missing(workload.pod_spec, "automountServiceAccountToken", message);
                diagnostic.with_fix(fix);
                relate(
                    diagnostic,
                    &account.location,
                    format!("ServiceAccount `{account_name}` leaves the token on"),
                );
                diagnostic.help(HELP);
            }
            None => {
                let message = format!(
                    "{who} does not set `automountServiceAccountToken: false`, so a token of ServiceAccount `{account_name}` is mounted into its containers unless that ServiceAccount (not in the input) disables it"
                );
                let fix = fix(cx);
                cx.report_missing(workload.pod_spec, "automountServiceAccountToken", message)
                    .with_fix(fix)
                    .help(HELP);
            }
        }
    }
}
