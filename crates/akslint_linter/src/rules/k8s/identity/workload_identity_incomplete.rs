use akslint_model::k8s::{Object, Workload};
use akslint_syntax::{K8sScalar, NodeRef};

use super::{relate, service_account, string_value};
use crate::context::WithHelp;
use crate::project::{
    ObjectKey, WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION as CLIENT_ID,
    WORKLOAD_IDENTITY_USE_LABEL as USE,
};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a Microsoft Entra Workload ID setup that is only half done, so that the webhook
    /// does not give the pods the identity they are meant to have. It reports:
    /// - a workload labels its pods `azure.workload.identity/use: "true"`, but its ServiceAccount
    ///   (`serviceAccountName`, or `default`), which is in the input, has no non-empty
    ///   `azure.workload.identity/client-id` annotation: the pods get a federated token but no
    ///   identity to exchange it for. A container may supply the client id itself (the webhook
    ///   does not override an existing `AZURE_CLIENT_ID`), so the check is skipped when a
    ///   container sets `AZURE_CLIENT_ID` or loads variables with `envFrom`, whose keys akslint
    ///   does not see;
    /// - the reverse: a ServiceAccount with the `client-id` annotation that a workload in the
    ///   input runs as without labelling its pods, so the webhook never injects the token and
    ///   the `AZURE_*` variables (reported at the annotation);
    /// - the label written on the workload's own `metadata.labels` (a Deployment's, a Job's)
    ///   but not on the pod template: the webhook only looks at the pods' labels;
    /// - the label with a value other than the string `"true"`: `True`, `yes` or `1` are not
    ///   matched by the webhook, and an unquoted YAML boolean (`true`) is rejected by the API
    ///   server because label values are strings. `"false"` is an explicit opt-out and is
    ///   accepted.
    ///
    /// The first two checks need both sides: when the ServiceAccount, or the workloads that
    /// use it, are not among the linted files, the rule stays silent. Lint the ServiceAccount
    /// and its workloads in one run (one file, or one directory) to get them.
    ///
    /// ## Why it matters
    /// Both halves are needed: the label makes the webhook project a token for the
    /// `api://AzureADTokenExchange` audience into the pod and set `AZURE_FEDERATED_TOKEN_FILE`,
    /// `AZURE_TENANT_ID` and `AZURE_AUTHORITY_HOST`; the ServiceAccount annotation supplies
    /// `AZURE_CLIENT_ID`, the managed identity or application the token is exchanged for.
    /// With one half missing, the Azure SDK fails at run time (often falling back to another
    /// credential in `DefaultAzureCredential`, or to a secret someone adds "temporarily"), and
    /// the mistake is only found after deployment.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: web
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   labels:
    ///     azure.workload.identity/use: "true"
    /// spec:
    ///   template:
    ///     spec:
    ///       serviceAccountName: web
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels:
    ///         azure.workload.identity/use: "true"
    ///     spec:
    ///       serviceAccountName: web
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: Microsoft Entra Workload ID](https://learn.microsoft.com/azure/aks/workload-identity-overview)
    /// - [AKS: deploy and configure workload identity](https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster)
    /// - [Azure Workload Identity: service account labels and annotations](https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html)
    pub struct WorkloadIdentityIncomplete {
        code: "K8S407",
        name: "workload-identity-incomplete",
        category: IdentityAndSecrets,
        severity: Error,
        default_enabled: true,
        scope: Scope::Objects,
        references: ["AKS docs" => "workload-identity-deploy-cluster"],
    }
}

const LABEL_HELP: &str = "label the pods (the pod template's `metadata.labels`) `azure.workload.identity/use: \"true\"`, with the value quoted";

impl Rule for WorkloadIdentityIncomplete {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.api_group().is_empty() && object.kind == Some("ServiceAccount") {
            check_service_account(object, cx);
        } else if let Some(workload) = cx.workload() {
            check_workload(&workload, cx);
        }
    }
}

/// The reverse check: an annotated ServiceAccount that a workload runs as without the label.
fn check_service_account(object: &Object<'_>, cx: &mut Context<'_>) {
    let Some(name) = object.name else {
        return;
    };
    let Some(annotation) = object.annotation(CLIENT_ID) else {
        return;
    };
    if annotation
        .as_str()
        .is_none_or(|client_id| client_id.trim().is_empty())
    {
        return;
    }
    let unlabelled_user = cx
        .project()
        .service_account_users
        .get(&ObjectKey::new(object.namespace, name))
        .is_some_and(|usage| usage.without_workload_identity);
    if !unlabelled_user {
        return;
    }
    let message = format!(
        "{} is annotated with `{CLIENT_ID}`, but a workload in the input runs as it without labelling its pods `{USE}: \"true\"`, so those pods get no Azure identity",
        object.describe()
    );
    let span = annotation
        .key()
        .map_or_else(|| annotation.span(), |key| key.span());
    cx.report(span, message).help(format!(
        "label the pod templates of the workloads that run as `{name}` with `{USE}: \"true\"`, or give the workloads that need no Azure identity their own ServiceAccount"
    ));
}

fn check_workload(workload: &Workload<'_>, cx: &mut Context<'_>) {
    let who = workload.describe();
    let object = workload.object;
    let pod_label = workload.pod_label(USE);
    let own_metadata_is_pod = workload.pod_metadata == object.metadata();
    if !own_metadata_is_pod
        && pod_label.is_none()
        && let Some(misplaced) = object.label(USE)
    {
        let message = format!(
            "{who} has the `{USE}` label on its own metadata, not on its pod template: the workload identity webhook only reads the pods' labels"
        );
        let span = misplaced
            .key()
            .map_or_else(|| misplaced.span(), |key| key.span());
        cx.report(span, message)
            .help("move the label to the pod template's `metadata.labels`");
    }
    let Some(label) = pod_label else {
        return;
    };
    check_label_value(workload, label, cx);
    // As the project index counts it: the text `true`, quoted or not (an unquoted one is
    // reported above).
    if label.as_str() != Some("true") {
        return;
    }
    let (account_name, _) = service_account(workload);
    let Some(account) = cx
        .project()
        .service_account(workload.namespace(), account_name)
        .cloned()
    else {
        return;
    };
    if account.workload_identity_client_id || sets_client_id_itself(workload) {
        return;
    }
    let message = format!(
        "{who} labels its pods `{USE}: \"true\"`, but its ServiceAccount `{account_name}` has no `{CLIENT_ID}` annotation: the pods get a federated token but no identity to exchange it for"
    );
    let span = label.key().map_or_else(|| label.span(), |key| key.span());
    let diagnostic = cx.report(span, message);
    relate(
        diagnostic,
        &account.location,
        format!("ServiceAccount `{account_name}` has no `{CLIENT_ID}` annotation"),
    );
    diagnostic.help(format!(
        "annotate ServiceAccount `{account_name}` with `{CLIENT_ID}: <client id of the managed identity>`"
    ));
}

/// Reports a label value the webhook does not match, or that the API server rejects.
fn check_label_value(workload: &Workload<'_>, label: NodeRef<'_>, cx: &mut Context<'_>) {
    let who = workload.describe();
    let problem = match string_value(label) {
        Some("true" | "false") => return,
        Some(other) => format!(
            "`{other}`, which the workload identity webhook does not match (it wants exactly \"true\")"
        ),
        None => match label.k8s_value() {
            Some(K8sScalar::Bool(_)) => {
                "an unquoted YAML boolean: label values are strings, and the API server rejects the object".to_owned()
            }
            Some(K8sScalar::Null) => "nothing".to_owned(),
            Some(_) => "a value that is not a string: label values are strings, and the API server rejects the object".to_owned(),
            None => "a value that is not a string".to_owned(),
        },
    };
    let message = format!("{who} sets the `{USE}` pod label to {problem}");
    cx.report_node(label, message).help(LABEL_HELP);
}

/// Whether a container may set `AZURE_CLIENT_ID` itself, which the webhook then leaves alone
/// (an alternative to the ServiceAccount annotation, used when one ServiceAccount federates
/// several identities): an `env` entry of that name, or an `envFrom` ConfigMap or Secret, whose
/// keys akslint cannot see.
fn sets_client_id_itself(workload: &Workload<'_>) -> bool {
    workload.containers().any(|container| {
        container.env_from().next().is_some()
            || container
                .env()
                .any(|entry| entry.get("name").and_then(NodeRef::as_str) == Some("AZURE_CLIENT_ID"))
    })
}

#[cfg(test)]
mod tests {
    use crate::KubernetesVersion;

    /// Lints several files as one run; returns (file, message) of each finding.
    fn lint_run(files: &[(&str, &str)]) -> Vec<(String, String)> {
        crate::test_support::lint_files("K8S407", KubernetesVersion::NEWEST.minor, files)
            .into_iter()
            .map(|d| (d.file.path().display().to_string(), d.message))
            .collect()
    }

    const ACCOUNT: &str =
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n";
    const ANNOTATED: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n    azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000\n";

    fn deployment(labels: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n{labels}    spec:\n      serviceAccountName: web\n      containers:\n        - name: app\n          image: app\n"
        )
    }

    #[test]
    fn the_service_account_may_be_in_another_file() {
        let labelled = deployment("        azure.workload.identity/use: \"true\"\n");
        let found = lint_run(&[("sa.yaml", ACCOUNT), ("deploy.yaml", &labelled)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "deploy.yaml");
        assert!(
            found[0]
                .1
                .contains("has no `azure.workload.identity/client-id`")
        );

        let found = lint_run(&[("sa.yaml", ANNOTATED), ("deploy.yaml", &labelled)]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_reverse_is_reported_at_the_service_account() {
        let unlabelled = deployment("");
        let found = lint_run(&[("sa.yaml", ANNOTATED), ("deploy.yaml", &unlabelled)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "sa.yaml");
        assert!(found[0].1.contains("without labelling its pods"));
    }

    #[test]
    fn silent_when_one_side_is_missing() {
        let labelled = deployment("        azure.workload.identity/use: \"true\"\n");
        assert!(lint_run(&[("deploy.yaml", &labelled)]).is_empty());
        assert!(lint_run(&[("sa.yaml", ANNOTATED)]).is_empty());
    }
}
