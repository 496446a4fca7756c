//! API server access and identity (AKS1xx).

mod admin_groups_missing;
mod api_server_unrestricted;
mod azure_rbac_disabled;
mod entra_id_integration_missing;
mod kubernetes_rbac_disabled;
mod local_accounts_enabled;
mod pod_identity_deprecated;
mod private_cluster_disabled;
mod private_cluster_public_fqdn;
mod run_command_enabled;
mod service_principal_credential;
mod workload_identity_disabled;

pub use admin_groups_missing::AdminGroupsMissing;
pub use api_server_unrestricted::ApiServerUnrestricted;
pub use azure_rbac_disabled::AzureRbacDisabled;
pub use entra_id_integration_missing::EntraIdIntegrationMissing;
pub use kubernetes_rbac_disabled::KubernetesRbacDisabled;
pub use local_accounts_enabled::LocalAccountsEnabled;
pub use pod_identity_deprecated::PodIdentityDeprecated;
pub use private_cluster_disabled::PrivateClusterDisabled;
pub use private_cluster_public_fqdn::PrivateClusterPublicFqdn;
pub use run_command_enabled::RunCommandEnabled;
pub use service_principal_credential::ServicePrincipalCredential;
pub use workload_identity_disabled::WorkloadIdentityDisabled;

use akslint_diagnostics::Fix;
use akslint_model::azure::{Lookup, ManagedCluster, Value, member_node};

use crate::context::WithHelp;
use crate::fix::WithFix;
use crate::{Context, Rule};

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &ApiServerUnrestricted,
    &PrivateClusterDisabled,
    &PrivateClusterPublicFqdn,
    &RunCommandEnabled,
    &EntraIdIntegrationMissing,
    &AzureRbacDisabled,
    &LocalAccountsEnabled,
    &KubernetesRbacDisabled,
    &AdminGroupsMissing,
    &ServicePrincipalCredential,
    &WorkloadIdentityDisabled,
    &PodIdentityDeprecated,
];

/// Whether the cluster is AKS Automatic (`sku.name: Automatic`). Automatic clusters come with
/// managed Microsoft Entra ID, Azure RBAC for Kubernetes authorization, local accounts
/// disabled, and workload identity with the OIDC issuer: for them an absent property of these
/// features is the secure preset, not the Standard cluster's default.
fn is_automatic(cluster: &ManagedCluster<'_, '_>) -> bool {
    cluster.get("sku.name").is_str_ignore_case("Automatic")
}

/// The property a fix needs, and the first stable API version that has it.
struct Needs {
    property: &'static str,
    since: &'static str,
}

/// Reports a property the template does not set, whose service default is the risky value.
///
/// When the cluster's declared apiVersion is older than the one the fix needs, the template
/// cannot express the fix at all: the finding then points at `apiVersion` and the help says to
/// move to a version that has the property. Otherwise it points where the property belongs
/// (the nearest existing parent).
fn report_unset(
    cx: &mut Context<'_>,
    cluster: &ManagedCluster<'_, '_>,
    unset: &Lookup<'_, '_>,
    needs: &Needs,
    message: String,
    help: &'static str,
) {
    report_unset_with_fix(cx, cluster, unset, needs, message, help, None);
}

/// [`report_unset`] with the fix for the finding at the property (a template whose apiVersion
/// predates the property gets none: the property cannot be written there).
fn report_unset_with_fix(
    cx: &mut Context<'_>,
    cluster: &ManagedCluster<'_, '_>,
    unset: &Lookup<'_, '_>,
    needs: &Needs,
    message: String,
    help: &'static str,
    fix: Option<Fix>,
) {
    let Needs { property, since } = needs;
    if let Some(version) = cluster.api_version()
        && !version.at_least(since)
        && let Some(api_version) = member_node(cluster.resource.node, "apiVersion")
    {
        cx.report_node(
            api_version,
            format!("{message}; its apiVersion {version} predates `{property}` ({since})"),
        )
        .help(format!("declare apiVersion {since} or newer and {help}"));
    } else {
        cx.report_value(unset, message).with_fix(fix).help(help);
    }
}

/// What a list property (authorized IP ranges, admin group ids) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entries {
    /// Absent, `null`, an empty array, or only empty strings: nothing is listed.
    Nothing,
    /// At least one entry, or one that is only known during deployment.
    Some,
    /// The list itself is only known during deployment.
    Unknown,
}

/// The entries of a list property. Empty strings do not count: they are what `split()` of an
/// empty parameter gives, and they name no range or group.
fn entries(list: &Lookup<'_, '_>) -> Entries {
    match list {
        Lookup::Absent { .. } => Entries::Nothing,
        Lookup::Unknown(_) => Entries::Unknown,
        Lookup::Known(value) => match value.as_array() {
            Some(items) if items.iter().all(is_blank) => Entries::Nothing,
            // A non-array is a type error the deployment rejects; it is not "no entries".
            _ => Entries::Some,
        },
    }
}

/// An empty or whitespace-only string, or `null`.
fn is_blank(value: &Value<'_>) -> bool {
    value.is_null() || value.as_str().is_some_and(|text| text.trim().is_empty())
}
