//! Monitoring, Defender and policy (AKS4xx).

mod audit_logs_missing;
mod azure_policy_addon_disabled;
mod container_insights_disabled;
mod defender_disabled;
mod image_cleaner_disabled;

pub use audit_logs_missing::AuditLogsMissing;
pub use azure_policy_addon_disabled::AzurePolicyAddonDisabled;
pub use container_insights_disabled::ContainerInsightsDisabled;
pub use defender_disabled::DefenderDisabled;
pub use image_cleaner_disabled::ImageCleanerDisabled;

use akslint_model::azure::Lookup;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &ContainerInsightsDisabled,
    &AuditLogsMissing,
    &DefenderDisabled,
    &AzurePolicyAddonDisabled,
    &ImageCleanerDisabled,
];

/// How an AKS switch that must be on (`...enabled`) is set when it is known not to be on, for
/// messages ("`x` is false", "`x` is not set"); `None` when it is on or unknown.
///
/// Every switch the AKS4xx and AKS5xx rules read is off when absent (the add-ons, Defender,
/// Image Cleaner, KMS, encryption at host), so an absent or `null` switch is off. Like the
/// resource provider, the strings `"true"`/`"false"` count as booleans.
pub(crate) fn switched_off(lookup: &Lookup<'_, '_>, path: &str) -> Option<String> {
    match lookup {
        Lookup::Known(value) => match value.as_bool() {
            Some(true) => None,
            Some(false) => Some(format!("`{path}` is false")),
            None => Some(format!("`{path}` is `{}`, not `true`", value.display())),
        },
        Lookup::Unknown(_) => None,
        Lookup::Absent {
            null: Some(_),
            missing,
            ..
        } => {
            // The `null` is written for the first missing key, maybe an object above the switch.
            let below = missing.split('.').count().saturating_sub(1);
            let segments: Vec<&str> = path.split('.').collect();
            let written = segments[..segments.len().saturating_sub(below)].join(".");
            Some(format!("`{written}` is null"))
        }
        Lookup::Absent { .. } => Some(["`", path, "` is not set"].concat()),
    }
}
