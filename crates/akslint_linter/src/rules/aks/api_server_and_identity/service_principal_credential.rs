use akslint_model::azure::{Lookup, ManagedCluster};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with the cluster's `identity`.
const IDENTITY_FROM: &str = "2019-04-01";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that authenticate to Azure as a service principal with a
    /// secret: `properties.servicePrincipalProfile` names a real application (`clientId` other
    /// than `msi`) and the cluster has no managed identity (`identity.type` is not
    /// `SystemAssigned` or `UserAssigned`).
    ///
    /// ## Why it matters
    /// The cluster identity creates load balancers, public IPs, disks and route tables in your
    /// subscription. With a service principal, its secret is stored in the cluster and passes
    /// through the deployment (parameters, pipelines, deployment history); it expires, and a
    /// forgotten rotation breaks the cluster, while a leaked one gives its permissions to
    /// anyone. A managed identity has no secret to store, rotate or leak.
    ///
    /// Service conventions: `clientId: "msi"` (any case) is how older templates said "use the
    /// managed identity", and is not flagged. A cluster whose `identity.type` is
    /// `SystemAssigned` or `UserAssigned` uses the managed identity and is not flagged either.
    /// A cluster with neither `identity` nor `servicePrincipalProfile` is not flagged: there is
    /// no secret. A client id only known during deployment (a parameter without default) is
    /// flagged only when a `secret` is passed with it, since `msi` comes without one; an
    /// identity type only known during deployment is not flagged. `identity` exists from
    /// apiVersion `2019-04-01`; for older clusters the help says to move to a newer version. A
    /// secret written literally in the template is, in addition, AKS507's concern.
    ///
    /// ## Example
    /// ```json
    /// "properties": {
    ///   "servicePrincipalProfile": {
    ///     "clientId": "[parameters('servicePrincipalClientId')]",
    ///     "secret": "[parameters('servicePrincipalSecret')]"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "identity": { "type": "SystemAssigned" },
    /// "properties": { }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use a managed identity](https://learn.microsoft.com/azure/aks/use-managed-identity)
    /// - [ARM reference: ManagedClusterIdentity and ManagedClusterServicePrincipalProfile](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should use managed identities](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2Fda6e2401-19da-4532-9141-fb8fbde08431)
    pub struct ServicePrincipalCredential {
        code: "AKS110",
        name: "service-principal-credential",
        category: ApiServerAndIdentity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        references: [
            "PSRule" => "Azure.AKS.ManagedIdentity",
            "Azure Policy" => "da6e2401-19da-4532-9141-fb8fbde08431",
        ],
    }
}

impl Rule for ServicePrincipalCredential {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let identity = cluster.get("identity.type");
        let managed_or_unknown = match &identity {
            Lookup::Absent { .. } => false,
            Lookup::Unknown(_) => true,
            Lookup::Known(_) => identity.as_str().is_none_or(is_managed_identity_type),
        };
        if managed_or_unknown {
            return;
        }
        let client_id = cluster.property("servicePrincipalProfile.clientId");
        let secret = cluster.property("servicePrincipalProfile.secret");
        let has_secret = match &secret {
            Lookup::Absent { .. } => false,
            Lookup::Unknown(_) => true,
            Lookup::Known(_) => secret.as_str().is_none_or(|text| !text.trim().is_empty()),
        };
        match client_id.as_str() {
            Some(id) if !id.trim().eq_ignore_ascii_case("msi") && !id.trim().is_empty() => {
                let with_secret = if has_secret { " and its secret" } else { "" };
                cx.report_value(
                    &client_id,
                    format!(
                        "{} authenticates to Azure as a service principal (`servicePrincipalProfile.clientId`){with_secret} instead of a managed identity",
                        cluster.describe()
                    ),
                )
                .help(help(cluster));
            }
            // A client id only known during deployment could be `msi`, but `msi` comes
            // without a secret: a secret says it is a service principal.
            None if client_id.is_unknown() && has_secret => {
                cx.report_node(
                    secret.node(),
                    format!(
                        "{} passes a service principal secret (`servicePrincipalProfile.secret`) instead of using a managed identity",
                        cluster.describe()
                    ),
                )
                .help(help(cluster));
            }
            _ => {}
        }
    }
}

/// What to write instead, with the API version when the declared one has no `identity`.
fn help(cluster: &ManagedCluster<'_, '_>) -> String {
    let fix = "add `identity: { \"type\": \"SystemAssigned\" }` (or `UserAssigned`) and remove `servicePrincipalProfile`";
    match cluster.api_version() {
        Some(version) if !version.at_least(IDENTITY_FROM) => {
            format!("declare apiVersion {IDENTITY_FROM} or newer, {fix}")
        }
        _ => fix.to_owned(),
    }
}

/// `SystemAssigned` or `UserAssigned` (any case; a combined `SystemAssigned, UserAssigned`
/// also names a managed identity).
fn is_managed_identity_type(kind: &str) -> bool {
    kind.split(',').any(|part| {
        let part = part.trim();
        part.eq_ignore_ascii_case("SystemAssigned") || part.eq_ignore_ascii_case("UserAssigned")
    })
}
