use std::collections::HashSet;
use std::sync::Arc;

use akslint_diagnostics::Related;

use crate::context::{ProjectContext, WithHelp};
use crate::project::{
    ClusterFacts, DiagnosticSettingFacts, DiagnosticTarget, LogFacts, ProjectIndex,
};
use crate::{Rule, Scope, declare_rule};

/// The categories that carry the Kubernetes audit log: `kube-audit` (every request) and
/// `kube-audit-admin` (without get and list).
const AUDIT_CATEGORIES: &[&str] = &["kube-audit", "kube-audit-admin"];
/// The category of the Entra ID authorization webhook's log.
const GUARD_CATEGORIES: &[&str] = &["guard"];
/// Category groups of `Microsoft.ContainerService/managedClusters` that hold the audit and
/// guard categories: `allLogs` holds every category, `audit` the audit-related ones
/// (`kube-audit`, `kube-audit-admin` and `guard`).
const GROUPS: &[&str] = &["allLogs", "audit"];

declare_rule! {
    /// ## What it does
    /// Flags managed clusters for which no `Microsoft.Insights/diagnosticSettings` in the
    /// input collects the Kubernetes audit log (category `kube-audit-admin` or `kube-audit`)
    /// and the `guard` log (Entra ID authentication and authorization decisions). The rule
    /// looks at every file of the run together: a diagnostic setting counts for a cluster when
    /// it is nested in it, has it as `scope` (resource id, `Type/name` or symbolic name), is
    /// the legacy `managedClusters/providers/diagnosticSettings` child named
    /// `cluster/Microsoft.Insights/name`, or targets a cluster of the same name in another
    /// template.
    ///
    /// ## Why it matters
    /// The control plane of AKS is managed: its audit log exists only if a diagnostic setting
    /// sends it to a Log Analytics workspace, a storage account or an event hub. Without it
    /// there is no record of who created, changed or deleted what in the cluster, or of who
    /// was denied, and an incident cannot be reconstructed. AKS sends nothing by default.
    ///
    /// A log entry counts when it is enabled and names the category (`category`) or a
    /// category group (`categoryGroup`) that includes it: `allLogs` includes every category,
    /// and `audit` includes `kube-audit`, `kube-audit-admin` and `guard`. `kube-audit-admin`
    /// is enough (and cheaper: it leaves out get and list requests). The categories may come
    /// from different settings of the same cluster; unlike PSRule, a setting that sends only
    /// other categories (for example platform logs to another workspace) does not fail the
    /// cluster.
    ///
    /// Nothing is flagged when it cannot be decided offline: a setting whose `logs` (or one
    /// entry's category or `enabled`) is only known during deployment, or a setting whose
    /// `scope` is unknown and that is written in the cluster's folder, which may be the
    /// cluster's (a generic diagnostics module whose target is a parameter is such a setting).
    /// Such a setting in another folder is not taken for this cluster's: in a repository of
    /// unrelated templates it is some other resource's. A cluster whose
    /// settings live in a template that is not part of the run is flagged; lint the files
    /// together, or suppress the finding.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.Insights/diagnosticSettings",
    ///   "apiVersion": "2021-05-01-preview",
    ///   "name": "aks-diagnostics",
    ///   "scope": "[resourceId('Microsoft.ContainerService/managedClusters', 'aks')]",
    ///   "properties": {
    ///     "workspaceId": "[resourceId('Microsoft.OperationalInsights/workspaces', 'law-aks')]",
    ///     "logs": [ { "category": "kube-apiserver", "enabled": true } ]
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "logs": [
    ///   { "category": "kube-apiserver", "enabled": true },
    ///   { "category": "kube-audit-admin", "enabled": true },
    ///   { "category": "guard", "enabled": true }
    /// ]
    /// ```
    /// or `[ { "categoryGroup": "audit", "enabled": true } ]`.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: monitoring data reference, resource logs](https://learn.microsoft.com/azure/aks/monitor-aks-reference#resource-logs)
    /// - [AKS: collect control plane logs](https://learn.microsoft.com/azure/aks/monitor-aks#aks-control-planeresource-logs)
    /// - [Azure Monitor: diagnostic settings and category groups](https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings#category-groups)
    /// - [PSRule: Azure.AKS.AuditLogs](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.AuditLogs/)
    pub struct AuditLogsMissing {
        code: "AKS402",
        name: "audit-logs-missing",
        category: MonitoringAndPolicy,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Project,
        references: ["PSRule" => "Azure.AKS.AuditLogs"],
    }
}

const HELP: &str = "add a `Microsoft.Insights/diagnosticSettings` resource with the cluster as `scope` and the log entries `{ \"category\": \"kube-audit-admin\", \"enabled\": true }` and `{ \"category\": \"guard\", \"enabled\": true }` (or `{ \"categoryGroup\": \"audit\", \"enabled\": true }`)";

/// Whether some diagnostic settings collect a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Collected {
    No,
    /// Cannot be decided offline.
    Maybe,
    Yes,
}

impl Rule for AuditLogsMissing {
    fn check_project(&self, project: &ProjectIndex, cx: &mut ProjectContext<'_>) {
        // A setting whose target is unknown may belong to any cluster.
        let anywhere: Vec<&DiagnosticSettingFacts> = project
            .diagnostic_settings
            .iter()
            .filter(|s| s.target == DiagnosticTarget::Unknown)
            .collect();
        // A template evaluated with several parameter files lists its clusters once each.
        let mut seen = HashSet::new();
        for cluster in &project.managed_clusters {
            if !seen.insert((&cluster.key, cluster.name.as_deref())) {
                continue;
            }
            // A setting whose scope is unknown may be this cluster's only when it is written
            // beside it: in a repository of unrelated templates, a SQL database's setting in
            // another folder must not silence the finding.
            let cluster_dir = cluster.location.file.path().parent();
            let nearby = anywhere
                .iter()
                .copied()
                .filter(move |s| s.location.file.path().parent() == cluster_dir);
            let mut settings: Vec<&DiagnosticSettingFacts> = project
                .diagnostic_settings_of(cluster)
                .chain(nearby)
                .chain(
                    // A cluster whose name is unknown may be the one a setting names.
                    project.diagnostic_settings.iter().filter(|s| {
                        cluster.name.is_none()
                            && matches!(s.target, DiagnosticTarget::ClusterNamed(_))
                    }),
                )
                .collect();
            // The same setting evaluated with several parameter files, or matched twice.
            let mut listed = HashSet::new();
            settings.retain(|s| {
                listed.insert((s.location.file.path().to_owned(), s.location.span.start))
            });
            let audit = collected(&settings, AUDIT_CATEGORIES);
            let guard = collected(&settings, GUARD_CATEGORIES);
            let missing: Vec<&str> = [
                (
                    audit,
                    "the Kubernetes audit log (`kube-audit-admin` or `kube-audit`)",
                ),
                (guard, "the `guard` log"),
            ]
            .into_iter()
            .filter(|(found, _)| *found == Collected::No)
            .map(|(_, log)| log)
            .collect();
            let name = describe(cluster);
            let message = match (settings.is_empty(), &missing[..]) {
                (_, []) => continue,
                (true, _) => format!(
                    "{name} has no diagnostic setting in the input: neither its Kubernetes audit log nor its `guard` log is collected"
                ),
                (false, [one]) => format!("the diagnostic settings of {name} do not collect {one}"),
                (false, [first, second, ..]) => format!(
                    "the diagnostic settings of {name} collect neither {first} nor {second}"
                ),
            };
            let diagnostic = cx.report(&cluster.location, message);
            diagnostic
                .related
                .extend(settings.iter().map(|setting| Related {
                    file: Arc::clone(&setting.location.file),
                    span: setting.location.span,
                    message: if setting.target == DiagnosticTarget::Unknown {
                        "diagnostic setting whose scope is unknown".to_owned()
                    } else {
                        "diagnostic setting of the cluster".to_owned()
                    },
                }));
            diagnostic.help(HELP);
        }
    }
}

/// "managedClusters `aks`", as cluster rules name it.
fn describe(cluster: &ClusterFacts) -> String {
    let name = cluster
        .location
        .object
        .as_ref()
        .and_then(|object| object.name.clone())
        .or_else(|| cluster.name.clone())
        .unwrap_or_default();
    format!("managedClusters `{name}`")
}

/// Whether any of `settings` collects one of `categories` (directly or through a group).
fn collected(settings: &[&DiagnosticSettingFacts], categories: &[&str]) -> Collected {
    settings
        .iter()
        .map(|setting| match &setting.logs {
            None => Collected::Maybe,
            Some(logs) => logs
                .iter()
                .map(|log| entry_collects(log, categories))
                .max()
                .unwrap_or(Collected::No),
        })
        .max()
        .unwrap_or(Collected::No)
}

/// Whether one `logs` entry collects one of `categories`.
fn entry_collects(log: &LogFacts, categories: &[&str]) -> Collected {
    let named = match (&log.category, &log.category_group) {
        (Some(category), _) => categories.iter().any(|c| c.eq_ignore_ascii_case(category)),
        (None, Some(group)) => GROUPS.iter().any(|g| g.eq_ignore_ascii_case(group)),
        // Neither is a known string: it may be computed at deployment.
        (None, None) => return Collected::Maybe.min(enabled(log)),
    };
    if named { enabled(log) } else { Collected::No }
}

/// `enabled: true` collects, `false` does not; anything else (unknown, or missing, which the
/// service rejects) is left undecided.
fn enabled(log: &LogFacts) -> Collected {
    match log.enabled {
        Some(true) => Collected::Yes,
        Some(false) => Collected::No,
        None => Collected::Maybe,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::test_support::lint_files;

    const CLUSTER: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [{
    "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks-prod",
    "properties": { "dnsPrefix": "prod" } }]
}"#;

    fn setting(scope: &str, logs: &str) -> String {
        format!(
            r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {{ "clusterId": {{ "type": "string" }} }},
  "resources": [{{
    "type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "diag",
    "scope": "{scope}",
    "properties": {{ "logs": {logs} }} }}]
}}"#
        )
    }

    const AUDIT_AND_GUARD: &str = r#"[{ "category": "kube-audit-admin", "enabled": true }, { "category": "guard", "enabled": true }]"#;

    #[test]
    fn a_setting_in_another_file_counts_for_the_cluster_it_names() {
        let alone = lint_files("AKS402", 35, &[("cluster.json", CLUSTER)]);
        assert_eq!(alone.len(), 1, "{alone:?}");
        let named = setting(
            "[resourceId('Microsoft.ContainerService/managedClusters', 'AKS-PROD')]",
            AUDIT_AND_GUARD,
        );
        let found = lint_files(
            "AKS402",
            35,
            &[("cluster.json", CLUSTER), ("diagnostics.json", &named)],
        );
        assert!(found.is_empty(), "{found:?}");
        let other = setting(
            "[resourceId('Microsoft.ContainerService/managedClusters', 'aks-dev')]",
            AUDIT_AND_GUARD,
        );
        let found = lint_files(
            "AKS402",
            35,
            &[("cluster.json", CLUSTER), ("diagnostics.json", &other)],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("has no diagnostic setting"),
            "{found:?}"
        );
    }

    #[test]
    fn a_setting_whose_scope_is_unknown_may_be_the_clusters() {
        let unknown = setting("[parameters('clusterId')]", AUDIT_AND_GUARD);
        let found = lint_files(
            "AKS402",
            35,
            &[("cluster.json", CLUSTER), ("diagnostics.json", &unknown)],
        );
        assert!(found.is_empty(), "{found:?}");
        // An unknown scope cannot give a cluster logs the setting does not collect.
        let platform = setting(
            "[parameters('clusterId')]",
            r#"[{ "category": "kube-apiserver", "enabled": true }]"#,
        );
        let found = lint_files(
            "AKS402",
            35,
            &[("cluster.json", CLUSTER), ("diagnostics.json", &platform)],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let related = &found[0].related[0];
        assert_eq!(related.file.path(), Path::new("diagnostics.json"));
        assert_eq!(related.message, "diagnostic setting whose scope is unknown");
        // In another folder, it is some other resource's setting.
        let found = lint_files(
            "AKS402",
            35,
            &[
                ("aks/cluster.json", CLUSTER),
                ("sql/diagnostics.json", &unknown),
            ],
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn the_settings_without_the_logs_are_related_information() {
        let platform = setting(
            "[resourceId('Microsoft.ContainerService/managedClusters', 'aks-prod')]",
            r#"[{ "category": "kube-audit", "enabled": true }, { "categoryGroup": "allLogs", "enabled": false }]"#,
        );
        let found = lint_files(
            "AKS402",
            35,
            &[("cluster.json", CLUSTER), ("diagnostics.json", &platform)],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "the diagnostic settings of managedClusters `aks-prod` do not collect the `guard` log"
        );
        assert_eq!(found[0].file.path(), Path::new("cluster.json"));
        let related = &found[0].related[0];
        assert_eq!(related.message, "diagnostic setting of the cluster");
        let text = related.file.text();
        assert_eq!(
            &text[related.span.start as usize..related.span.end as usize],
            "\"type\""
        );
    }

    #[test]
    fn each_parameter_file_gives_one_finding_per_cluster_name() {
        let template = CLUSTER
            .replace(
                r#""resources""#,
                r#""parameters": { "name": { "type": "string" } }, "resources""#,
            )
            .replace(r#""name": "aks-prod""#, r#""name": "[parameters('name')]""#);
        let parameters = |name: &str| {
            format!(
                r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": {{ "name": {{ "value": "{name}" }} }} }}"#
            )
        };
        let (dev, prod) = (parameters("aks-dev"), parameters("aks-prod"));
        let covers_prod = setting(
            "[resourceId('Microsoft.ContainerService/managedClusters', 'aks-prod')]",
            AUDIT_AND_GUARD,
        );
        let found = lint_files(
            "AKS402",
            35,
            &[
                ("main.json", &template),
                ("main.parameters.dev.json", &dev),
                ("main.parameters.prod.json", &prod),
                ("diagnostics.json", &covers_prod),
            ],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("`aks-dev`"), "{found:?}");
    }
}
