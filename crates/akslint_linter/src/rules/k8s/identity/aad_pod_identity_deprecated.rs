use akslint_model::k8s::Object;

use crate::context::WithHelp;
use crate::project::object_anchor;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags uses of the deprecated AAD Pod Identity (Microsoft Entra pod-managed identity).
    /// It reports:
    /// - pods labelled `aadpodidbinding` (the label an `AzureIdentityBinding` selects), on a
    ///   Pod or on the pod template of any workload;
    /// - `AzureIdentity`, `AzureIdentityBinding` and `AzurePodIdentityException` objects
    ///   (API group `aadpodidentity.k8s.io`).
    ///
    /// `AzureAssignedIdentity` objects are not flagged: the pod identity controller creates
    /// them in the cluster, they are not written by hand.
    ///
    /// ## Why it matters
    /// AAD Pod Identity was deprecated on 24 October 2022, its open-source project was
    /// archived in September 2023 and the AKS add-on was only supported through September 2025:
    /// it no longer gets fixes. Its design is also weaker: the identities are assigned to the
    /// node's scale set, and a DaemonSet (NMI) intercepts the pods' calls to the instance
    /// metadata endpoint (IMDS) to hand each pod its own, so a pod that gets around NMI (with
    /// `hostNetwork`, for example) can obtain every identity assigned to its node. It supports
    /// only Linux node pools. Microsoft Entra Workload ID replaces it: a ServiceAccount
    /// annotated with the managed identity's client id, federated with the cluster's OIDC
    /// issuer, and pods labelled
    /// `azure.workload.identity/use: "true"`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels:
    ///         aadpodidbinding: web-identity
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
    /// - [AKS: use Microsoft Entra pod-managed identities (deprecated)](https://learn.microsoft.com/azure/aks/use-azure-ad-pod-identity)
    /// - [AKS: migrate from pod-managed identity to workload identity](https://learn.microsoft.com/azure/aks/workload-identity-migrate-from-pod-identity)
    /// - [AKS: Microsoft Entra Workload ID](https://learn.microsoft.com/azure/aks/workload-identity-overview)
    pub struct AadPodIdentityDeprecated {
        code: "K8S406",
        name: "aad-pod-identity-deprecated",
        category: IdentityAndSecrets,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Objects,
        references: ["AKS docs" => "workload-identity-migrate-from-pod-identity"],
    }
}

const HELP: &str = "migrate to Microsoft Entra Workload ID: annotate the pods' ServiceAccount with `azure.workload.identity/client-id`, federate the identity with the cluster's OIDC issuer and label the pods `azure.workload.identity/use: \"true\"`";

const POD_IDENTITY_GROUP: &str = "aadpodidentity.k8s.io";
const POD_IDENTITY_KINDS: &[&str] = &[
    "AzureIdentity",
    "AzureIdentityBinding",
    "AzurePodIdentityException",
];
const BINDING_LABEL: &str = "aadpodidbinding";

impl Rule for AadPodIdentityDeprecated {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.api_group() == POD_IDENTITY_GROUP
            && object
                .kind
                .is_some_and(|kind| POD_IDENTITY_KINDS.contains(&kind))
        {
            let message = format!(
                "{} is an object of AAD Pod Identity, which is deprecated",
                object.describe()
            );
            cx.report(object_anchor(object), message).help(HELP);
            return;
        }
        let Some(workload) = cx.workload() else {
            return;
        };
        if let Some(label) = workload.pod_label(BINDING_LABEL) {
            let message = format!(
                "{} labels its pods `{BINDING_LABEL}`, which binds them to an identity through the deprecated AAD Pod Identity",
                workload.describe()
            );
            let span = label.key().map_or_else(|| label.span(), |key| key.span());
            cx.report(span, message).help(HELP);
        }
    }
}
