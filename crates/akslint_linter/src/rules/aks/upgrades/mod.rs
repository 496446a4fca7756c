//! Upgrades and versions (AKS3xx).
//!
//! The one table of Kubernetes minor versions AKS supports lives here
//! (`AKS_SUPPORT_CALENDAR`); the default of the `minimum-kubernetes-version` rule option and
//! the long-term-support floor of AKS301 are computed from it, and AKS304 shares the version
//! parser.

use std::fmt;

use akslint_diagnostics::Diagnostic;
use akslint_model::azure::{Lookup, Resource};

use crate::context::resource_ref;
use crate::{Context, KubernetesVersion, Rule};

mod auto_upgrade_disabled;
mod legacy_property;
mod node_os_upgrade_disabled;
mod node_pool_version_skew;
mod unsupported_kubernetes_version;

pub use auto_upgrade_disabled::AutoUpgradeDisabled;
pub use legacy_property::LegacyProperty;
pub use node_os_upgrade_disabled::NodeOsUpgradeDisabled;
pub use node_pool_version_skew::NodePoolVersionSkew;
pub use unsupported_kubernetes_version::UnsupportedKubernetesVersion;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &UnsupportedKubernetesVersion,
    &AutoUpgradeDisabled,
    &NodeOsUpgradeDisabled,
    &NodePoolVersionSkew,
    &LegacyProperty,
];

/// The month the support calendar below describes: a minor is supported when its end of life
/// is in this month or later.
pub(crate) const CALENDAR_AS_OF: (u16, u8) = (2026, 11);

/// One Kubernetes minor version in the AKS release calendar.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MinorSupport {
    /// `1.minor`.
    pub minor: u32,
    /// The month AKS made it generally available.
    pub ga: (u16, u8),
    /// The last month of community (standard) support; AKS ends it on the last day.
    pub end_of_life: (u16, u8),
    /// The last month of long-term support (`supportPlan: AKSLongTermSupport`, Premium tier).
    pub lts_end_of_life: (u16, u8),
}

/// The AKS Kubernetes release calendar ("Supported Kubernetes versions in AKS", release and
/// LTS tables, as published in August 2026). Keep it sorted by minor; add a row when AKS
/// announces a minor and move [`CALENDAR_AS_OF`] when the table is reviewed.
pub(crate) const AKS_SUPPORT_CALENDAR: &[MinorSupport] = &[
    MinorSupport {
        minor: 29,
        ga: (2024, 3),
        end_of_life: (2025, 3),
        lts_end_of_life: (2026, 4),
    },
    MinorSupport {
        minor: 30,
        ga: (2024, 7),
        end_of_life: (2025, 8),
        lts_end_of_life: (2026, 7),
    },
    MinorSupport {
        minor: 31,
        ga: (2024, 11),
        end_of_life: (2025, 11),
        lts_end_of_life: (2026, 11),
    },
    MinorSupport {
        minor: 32,
        ga: (2025, 4),
        end_of_life: (2026, 3),
        lts_end_of_life: (2027, 3),
    },
    MinorSupport {
        minor: 33,
        ga: (2025, 6),
        end_of_life: (2026, 7),
        lts_end_of_life: (2027, 7),
    },
    MinorSupport {
        minor: 34,
        ga: (2025, 11),
        end_of_life: (2026, 11),
        lts_end_of_life: (2027, 11),
    },
    MinorSupport {
        minor: 35,
        ga: (2026, 3),
        end_of_life: (2027, 3),
        lts_end_of_life: (2028, 3),
    },
    MinorSupport {
        minor: 36,
        ga: (2026, 6),
        end_of_life: (2027, 6),
        lts_end_of_life: (2028, 6),
    },
    MinorSupport {
        minor: 37,
        ga: (2026, 10),
        end_of_life: (2027, 10),
        lts_end_of_life: (2028, 10),
    },
];

/// The oldest minor whose end of life (`end_of_life` picks the standard or the LTS date) is
/// not before [`CALENDAR_AS_OF`].
fn oldest_minor(end_of_life: fn(&MinorSupport) -> (u16, u8)) -> KubernetesVersion {
    AKS_SUPPORT_CALENDAR
        .iter()
        .filter(|row| row.ga <= CALENDAR_AS_OF && end_of_life(row) >= CALENDAR_AS_OF)
        .map(|row| row.minor)
        .min()
        .map_or(KubernetesVersion::NEWEST, KubernetesVersion::new)
}

/// The oldest minor with standard AKS support as of `CALENDAR_AS_OF`: the default of the
/// `minimum-kubernetes-version` option.
#[must_use]
pub fn oldest_supported_minor() -> KubernetesVersion {
    oldest_minor(|row| row.end_of_life)
}

/// The oldest minor a cluster with AKS long-term support may still run as of
/// [`CALENDAR_AS_OF`].
#[must_use]
pub(crate) fn oldest_lts_minor() -> KubernetesVersion {
    oldest_minor(|row| row.lts_end_of_life)
}

/// A Kubernetes version as AKS takes it in `kubernetesVersion` and `orchestratorVersion`:
/// `1.minor` (the newest patch of that minor) or `1.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AksVersion {
    pub minor: u32,
    pub patch: Option<u32>,
}

impl AksVersion {
    /// Parses `1.29`, `1.29.4` (and a leading `v`); anything else is not a version akslint can
    /// compare.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let mut parts = text.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(patch) => Some(patch.parse().ok()?),
            None => None,
        };
        (major == 1 && parts.next().is_none()).then_some(Self { minor, patch })
    }

    /// The version of a known string value (`None` for absent, unknown or unparsable values).
    pub fn of(lookup: &Lookup<'_, '_>) -> Option<Self> {
        lookup.as_str().and_then(Self::parse)
    }
}

impl fmt::Display for AksVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        Ok(())
    }
}

/// Reports a finding about `lookup` like [`Context::report_value`], naming `resource` as the
/// finding's object: rules that look at a cluster and its `agentPools` resources together
/// report in the resource that declares the value.
pub(crate) fn report_in<'c>(
    cx: &'c mut Context<'_>,
    resource: &Resource<'_>,
    lookup: &Lookup<'_, '_>,
    message: String,
) -> &'c mut Diagnostic {
    let diagnostic = cx.report_value(lookup, message);
    diagnostic.object = Some(std::sync::Arc::new(resource_ref(resource)));
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_aks() {
        assert_eq!(
            AksVersion::parse("1.29"),
            Some(AksVersion {
                minor: 29,
                patch: None
            })
        );
        assert_eq!(
            AksVersion::parse(" v1.29.4 "),
            Some(AksVersion {
                minor: 29,
                patch: Some(4)
            })
        );
        for bad in ["", "1", "2.1", "1.x", "1.29.4.1", "1.29.", "latest"] {
            assert_eq!(AksVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_calendar_is_sorted_and_gives_the_documented_minimums() {
        assert!(
            AKS_SUPPORT_CALENDAR
                .windows(2)
                .all(|pair| pair[0].minor + 1 == pair[1].minor)
        );
        assert_eq!(oldest_supported_minor(), KubernetesVersion::new(34));
        assert_eq!(oldest_lts_minor(), KubernetesVersion::new(31));
        assert_eq!(
            crate::RuleOptions::default().minimum_kubernetes_version,
            oldest_supported_minor()
        );
    }
}
