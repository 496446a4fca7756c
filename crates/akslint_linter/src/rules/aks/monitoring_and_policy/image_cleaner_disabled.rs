use akslint_model::azure::ManagedCluster;

use super::switched_off;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

/// The first stable API version with `securityProfile.imageCleaner`.
const IMAGE_CLEANER_API_VERSION: &str = "2023-02-01";

const ENABLED: &str = "securityProfile.imageCleaner.enabled";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that do not run Image Cleaner:
    /// `securityProfile.imageCleaner.enabled` is false, absent, or anything but `true`.
    ///
    /// ## Why it matters
    /// Nodes keep every image they ever pulled. Old images pile up with the vulnerabilities
    /// found in them since, and an attacker on the node, or a pod that names the image, can
    /// still start them. Image Cleaner (Eraser) removes unused images, by default those with
    /// known vulnerabilities, on a schedule (`intervalHours`). It is off unless turned on, so
    /// an absent setting is flagged. The setting exists from API version `2023-02-01`; a
    /// cluster declared with an older one cannot turn it on, and the help says so.
    ///
    /// The rule is opt-in (a note): nodes that are reimaged often, by node image upgrades,
    /// already drop their cached images. A value only known during deployment is not flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "securityProfile": { "imageCleaner": { "enabled": false } } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "securityProfile": {
    ///   "imageCleaner": { "enabled": true, "intervalHours": 48 }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: use Image Cleaner to clean up stale images](https://learn.microsoft.com/azure/aks/image-cleaner)
    /// - [ARM reference: ManagedClusterSecurityProfileImageCleaner](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters#managedclustersecurityprofileimagecleaner)
    /// - [Azure Policy: Azure Kubernetes Service Clusters should enable Image Cleaner](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2Faf3c26b2-6fad-493e-9236-9c68928516ab)
    pub struct ImageCleanerDisabled {
        code: "AKS405",
        name: "image-cleaner-disabled",
        category: MonitoringAndPolicy,
        severity: Note,
        default_enabled: false,
        scope: Scope::ManagedClusters,
        references: ["Azure Policy" => "af3c26b2-6fad-493e-9236-9c68928516ab"],
    }
}

impl Rule for ImageCleanerDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.property(ENABLED);
        let Some(state) = switched_off(&enabled, ENABLED) else {
            return;
        };
        let help = match cluster.api_version() {
            Some(version) if !version.at_least(IMAGE_CLEANER_API_VERSION) => format!(
                "declare apiVersion {IMAGE_CLEANER_API_VERSION} or newer (this template declares {version}) and set `securityProfile.imageCleaner.enabled: true`"
            ),
            _ => "set `\"securityProfile\": { \"imageCleaner\": { \"enabled\": true, \"intervalHours\": 48 } }`".to_owned(),
        };
        cx.report_value(
            &enabled,
            format!(
                "{} does not run Image Cleaner, so unused and vulnerable images stay on the nodes: {state}",
                cluster.describe()
            ),
        )
        .help(help);
    }
}
