use std::fmt;

use akslint_model::azure::{AgentPool, EvaluatedTemplate, Lookup, ManagedCluster, PoolSource};

use super::{AksVersion, oldest_lts_minor, report_in};
use crate::context::WithHelp;
use crate::{Context, KubernetesVersion, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a cluster whose `kubernetesVersion`, or a node pool whose `orchestratorVersion`,
    /// is a Kubernetes minor version older than the minimum: by default the oldest minor
    /// version AKS supports, from the support calendar akslint carries. Every node pool is
    /// checked: `agentPoolProfiles[*]` and every `managedClusters/agentPools` resource, also
    /// one whose cluster is in another template.
    ///
    /// ## Why it matters
    /// AKS supports a Kubernetes minor version for twelve months after it is generally
    /// available (the three newest minors, "N-2"); then it stops shipping security fixes for
    /// it, and after one more minor ("platform support") it stops creating clusters with it
    /// and may upgrade them on its own. A template that pins an unsupported version either
    /// fails to deploy or builds a cluster without Kubernetes security patches.
    ///
    /// The support calendar, as published by AKS and reviewed for November 2026:
    ///
    /// | minor | AKS GA | end of life | end of long-term support |
    /// |---|---|---|---|
    /// | 1.29 | Mar 2024 | Mar 2025 | Apr 2026 |
    /// | 1.30 | Jul 2024 | Aug 2025 | Jul 2026 |
    /// | 1.31 | Nov 2024 | Nov 2025 | Nov 2026 |
    /// | 1.32 | Apr 2025 | Mar 2026 | Mar 2027 |
    /// | 1.33 | Jun 2025 | Jul 2026 | Jul 2027 |
    /// | 1.34 | Nov 2025 | Nov 2026 | Nov 2027 |
    /// | 1.35 | Mar 2026 | Mar 2027 | Mar 2028 |
    /// | 1.36 | Jun 2026 | Jun 2027 | Jun 2028 |
    /// | 1.37 | Oct 2026 | Oct 2027 | Oct 2028 |
    ///
    /// So in November 2026 AKS supports 1.34 (until the end of the month) to 1.37, and the
    /// default minimum is **1.34**. PSRule's `Azure.AKS.Version` used 1.33.7 in March 2026;
    /// its minimum is a patch version, while AKS support is per minor version, so akslint
    /// compares minor versions only (`1.34` and `1.34.2` both pass the default).
    ///
    /// A cluster with long-term support (`supportPlan: AKSLongTermSupport`, Premium tier) gets
    /// a second year: it is held to the oldest minor version still in long-term support
    /// (**1.31** in November 2026) when that is lower than the minimum. When `supportPlan`
    /// cannot be evaluated, or a pool's cluster is not in the template, the lower of the two
    /// applies: only a version unsupported under either plan is flagged.
    ///
    /// An absent `kubernetesVersion` or `orchestratorVersion` is fine: AKS then picks its
    /// default version for the cluster, and a pool follows the control plane. A value that
    /// cannot be evaluated, or is not of the form `1.29` / `1.29.4`, is not flagged.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2025-05-01",
    ///   "name": "aks",
    ///   "properties": {
    ///     "kubernetesVersion": "1.29.4",
    ///     "agentPoolProfiles": [{ "name": "system", "mode": "System", "orchestratorVersion": "1.28" }]
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2025-05-01",
    ///   "name": "aks",
    ///   "properties": {
    ///     "kubernetesVersion": "1.35",
    ///     "autoUpgradeProfile": { "upgradeChannel": "patch" },
    ///     "agentPoolProfiles": [{ "name": "system", "mode": "System" }]
    ///   }
    /// }
    /// ```
    /// An existing cluster is upgraded one minor version at a time.
    ///
    /// ## Options
    /// `minimum-kubernetes-version`: the oldest Kubernetes minor version allowed, as `1.N`
    /// (a patch, as in `1.33.7`, is ignored). Default: the oldest minor version AKS supports
    /// according to the calendar above, `1.34`. Raise it to hold clusters to newer versions;
    /// clusters with long-term support are held to the lower of this value and the oldest
    /// minor version in long-term support.
    ///
    /// ## References
    /// - [AKS: supported Kubernetes versions and release calendar](https://learn.microsoft.com/azure/aks/supported-kubernetes-versions)
    /// - [AKS: long-term support](https://learn.microsoft.com/azure/aks/long-term-support)
    /// - [AKS: upgrade a cluster](https://learn.microsoft.com/azure/aks/upgrade-aks-cluster)
    /// - [PSRule: Azure.AKS.Version](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.Version/)
    pub struct UnsupportedKubernetesVersion {
        code: "AKS301",
        name: "unsupported-kubernetes-version",
        category: Upgrades,
        severity: Error,
        default_enabled: true,
        scope: Scope::ArmTemplates,
        references: ["PSRule" => "Azure.AKS.Version"],
    }
}

/// The minimum a cluster (and its pools) is held to.
#[derive(Debug, Clone, Copy)]
struct Minimum {
    version: KubernetesVersion,
    /// Whether the long-term-support floor applies (it is below the configured minimum).
    long_term: bool,
}

impl Rule for UnsupportedKubernetesVersion {
    fn check_template(&self, template: &EvaluatedTemplate<'_>, cx: &mut Context<'_>) {
        let configured = cx.settings().options.minimum_kubernetes_version;
        let either_plan = Minimum {
            version: configured.min(oldest_lts_minor()),
            long_term: oldest_lts_minor() < configured,
        };
        let clusters = template.managed_clusters();
        let minimum_of = |cluster: &ManagedCluster<'_, '_>| {
            let plan = cluster.property("supportPlan");
            match &plan {
                Lookup::Absent { .. } => Minimum {
                    version: configured,
                    long_term: false,
                },
                Lookup::Known(_) if !plan.is_str_ignore_case("AKSLongTermSupport") => Minimum {
                    version: configured,
                    long_term: false,
                },
                _ => either_plan,
            }
        };
        for cluster in &clusters {
            let minimum = minimum_of(cluster);
            check_cluster(cluster, minimum, cx);
            for pool in cluster.pools() {
                if matches!(pool.source, PoolSource::Profile { .. }) {
                    check_pool(pool, minimum, cx);
                }
            }
        }
        for (_, pool) in template.child_pools() {
            let minimum = pool
                .cluster
                .and_then(|index| clusters.iter().find(|c| c.index == index))
                .map_or(either_plan, minimum_of);
            check_pool(&pool, minimum, cx);
        }
    }
}

/// "below the minimum supported version 1.34", or the long-term-support wording; written
/// straight into the message that holds it.
struct Below(Minimum);

impl fmt::Display for Below {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Minimum { version, long_term } = self.0;
        if long_term {
            write!(
                f,
                "below {version}, the oldest minor version AKS supports even with long-term support"
            )
        } else {
            write!(f, "below the minimum supported version {version}")
        }
    }
}

fn check_cluster(cluster: &ManagedCluster<'_, '_>, minimum: Minimum, cx: &mut Context<'_>) {
    let lookup = cluster.property("kubernetesVersion");
    let Some(version) = AksVersion::of(&lookup) else {
        return;
    };
    if version.minor >= minimum.version.minor {
        return;
    }
    report_in(
        cx,
        cluster.resource,
        &lookup,
        format!(
            "{} runs Kubernetes {version} (`kubernetesVersion`), {}",
            cluster.describe(),
            Below(minimum)
        ),
    )
    .help(format!(
        "set `kubernetesVersion` to {} or newer, or remove it to get the AKS default version; an existing cluster is upgraded one minor version at a time",
        minimum.version
    ));
}

fn check_pool(pool: &AgentPool<'_, '_>, minimum: Minimum, cx: &mut Context<'_>) {
    let lookup = pool.property("orchestratorVersion");
    let Some(version) = AksVersion::of(&lookup) else {
        return;
    };
    if version.minor >= minimum.version.minor {
        return;
    }
    report_in(
        cx,
        pool.resource,
        &lookup,
        format!(
            "{} runs Kubernetes {version} (`orchestratorVersion`), {}",
            pool.describe(),
            Below(minimum)
        ),
    )
    .help(format!(
        "set `orchestratorVersion` to {} or newer (no newer than the control plane), or remove it so the pool runs the control plane's version",
        minimum.version
    ));
}

#[cfg(test)]
mod tests {
    use akslint_diagnostics::Diagnostic;
    use akslint_text::SourceFile;

    use crate::{FileFormat, KubernetesVersion, LintSettings, Linter, RuleSelection, Selector};

    const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {
      "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2025-05-01", "name": "aks",
      "properties": { "kubernetesVersion": "1.35.1", "agentPoolProfiles": [{ "name": "system", "orchestratorVersion": "1.33" }] }
    },
    {
      "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2025-05-01", "name": "aks-lts",
      "sku": { "name": "Base", "tier": "Premium" },
      "properties": { "supportPlan": "AKSLongTermSupport", "kubernetesVersion": "1.32" }
    }
  ]
}"#;

    fn lint(minimum: u32) -> Vec<Diagnostic> {
        let mut settings = LintSettings {
            rules: RuleSelection::new(&[Selector::parse("AKS301").expect("code")], &[]),
            ..LintSettings::default()
        };
        settings.options.minimum_kubernetes_version = KubernetesVersion::new(minimum);
        let file = SourceFile::new("main.json", TEMPLATE.to_owned());
        Linter::new(settings).lint(&file, FileFormat::Json)
    }

    #[test]
    fn the_minimum_is_an_option_and_long_term_support_lowers_it() {
        let found = lint(36);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "managedClusters `aks` runs Kubernetes 1.35.1 (`kubernetesVersion`), below the minimum supported version 1.36",
                "node pool `system` of managedClusters `aks` runs Kubernetes 1.33 (`orchestratorVersion`), below the minimum supported version 1.36",
            ]
        );
        assert!(lint(33).is_empty());
        let low = lint(30);
        assert!(low.is_empty(), "{low:?}");
    }
}
