use akslint_model::azure::{AgentPool, ApiVersion, Lookup};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first stable API version with a pool's `securityProfile.sshAccess`.
const SSH_ACCESS_API_VERSION: &str = "2025-08-01";
/// A preview API version known to have it (earlier previews may, too).
const SSH_ACCESS_PREVIEW_API_VERSION: &str = "2023-08-02";

const SSH_ACCESS: &str = "securityProfile.sshAccess";

declare_rule! {
    /// ## What it does
    /// Flags node pools whose `securityProfile.sshAccess` is not `Disabled` (compared without
    /// case): absent, `LocalUser`, or `EntraId`. Every entry of `agentPoolProfiles` and every
    /// `managedClusters/agentPools` resource is checked, when the API version it is declared
    /// with has the property: `2025-08-01` or newer, or a preview version from
    /// `2023-08-02-preview` on.
    ///
    /// ## Why it matters
    /// SSH to a node gives a shell on the host, outside every Kubernetes control: admission
    /// policies, RBAC and audit logs do not see what happens there, and the kubelet's
    /// credentials and every pod's data are within reach. AKS nodes accept SSH by default
    /// (`LocalUser`, with the key of `linuxProfile`), so an absent property is flagged. With
    /// `Disabled` the SSH service does not run; node debugging still works with
    /// `kubectl debug node/...` and run command.
    ///
    /// With older API versions the property does not exist and SSH cannot be turned off from
    /// the template, so the rule says nothing there (declare a newer API version to use it).
    /// `EntraId` (preview) replaces local keys with Entra ID sign-in but still opens SSH, so
    /// it is flagged (the Azure Policy built-in flags only `LocalUser` and a missing value):
    /// suppress the finding where Entra ID SSH is the intended design. The preview of this feature did not support
    /// Windows Server node pools; suppress the finding for a Windows pool that cannot disable
    /// SSH. A value only known during deployment is not flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters/agentPools",
    ///   "apiVersion": "2025-08-01",
    ///   "name": "aks/user",
    ///   "properties": { "count": 3, "mode": "User" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "properties": {
    ///   "count": 3,
    ///   "mode": "User",
    ///   "securityProfile": { "sshAccess": "Disabled" }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: manage SSH access to nodes](https://learn.microsoft.com/azure/aks/manage-ssh-node-access)
    /// - [ARM reference: AgentPoolSecurityProfile.sshAccess](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#agentpoolsecurityprofile)
    /// - [Azure Policy: Azure Kubernetes Clusters should disable SSH](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F28257686-e9db-403e-b9e2-a5eecbe03da9)
    pub struct NodeSshEnabled {
        code: "AKS506",
        name: "node-ssh-enabled",
        category: DataProtection,
        severity: Warning,
        default_enabled: true,
        scope: Scope::NodePools,
        references: ["Azure Policy" => "28257686-e9db-403e-b9e2-a5eecbe03da9"],
    }
}

/// Whether the API version declares a pool's `securityProfile.sshAccess`.
fn has_ssh_access(version: ApiVersion) -> bool {
    if version.preview {
        version.at_least(SSH_ACCESS_PREVIEW_API_VERSION)
    } else {
        version.at_least(SSH_ACCESS_API_VERSION)
    }
}

impl Rule for NodeSshEnabled {
    fn check_node_pool(&self, pool: &AgentPool<'_, '_>, cx: &mut Context<'_>) {
        if !pool.api_version().is_some_and(has_ssh_access) {
            return;
        }
        let access = pool.property(SSH_ACCESS);
        let message = match &access {
            Lookup::Known(value) => match value.as_str() {
                Some(mode) if mode.eq_ignore_ascii_case("Disabled") => return,
                Some(mode) => format!(
                    "{} allows SSH to its nodes (`{SSH_ACCESS}: {mode}`)",
                    pool.describe()
                ),
                None => format!(
                    "{} allows SSH to its nodes (`{SSH_ACCESS}` is `{}`, not `Disabled`)",
                    pool.describe(),
                    value.display()
                ),
            },
            Lookup::Unknown(_) => return,
            Lookup::Absent { .. } => format!(
                "{} allows SSH to its nodes: `{SSH_ACCESS}` is not set, and the default is `LocalUser`",
                pool.describe()
            ),
        };
        cx.report_value(&access, message).help(
            "set `\"securityProfile\": { \"sshAccess\": \"Disabled\" }` on the node pool; debug nodes with `kubectl debug node/<name>` instead",
        );
    }
}
