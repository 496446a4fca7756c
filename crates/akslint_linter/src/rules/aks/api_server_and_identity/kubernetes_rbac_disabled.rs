use akslint_model::azure::{Lookup, ManagedCluster, member_node};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

/// The first API version with `enableRBAC`; clusters created with an older one have no
/// Kubernetes RBAC.
const FIRST_RBAC_API_VERSION: &str = "2018-03-31";

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that turn Kubernetes RBAC off (`properties.enableRBAC: false`, or
    /// the string `"false"`, which the resource provider reads the same way), and clusters
    /// declared with an API version older than `2018-03-31`, which cannot turn it on.
    ///
    /// ## Why it matters
    /// Without Kubernetes RBAC every authenticated identity can do everything in the cluster:
    /// there is no way to give a team, a CI pipeline or a workload less than cluster-admin.
    /// RBAC cannot be turned on once the cluster exists; the cluster has to be recreated.
    ///
    /// The value is evaluated: a parameter's default, a parameter file, a variable or an `if()`
    /// that gives `false` is flagged, and the finding points at the place that sets it. A value
    /// that is only known during deployment (`reference()`, a parameter without default or
    /// parameter file) is not flagged. An absent `enableRBAC` is not flagged either: the
    /// service enables RBAC when the property is not set (checkov and PSRule flag it; this rule
    /// only flags what is known to be wrong).
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "enableRBAC": false }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {
    ///   "type": "Microsoft.ContainerService/managedClusters",
    ///   "apiVersion": "2024-05-01",
    ///   "name": "aks",
    ///   "properties": { "enableRBAC": true }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Unsafe: replaces a literal `enableRBAC: false` with `true`. RBAC cannot be switched on for an
    /// existing cluster, so the deployment recreates or fails on it, and every workload then needs RBAC
    /// permissions. A value from a parameter or variable gets no fix.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: access and identity options (Kubernetes RBAC)](https://learn.microsoft.com/azure/aks/concepts-identity#kubernetes-rbac)
    /// - [ARM reference: Microsoft.ContainerService managedClusters](https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters)
    /// - [Azure Policy: Role-Based Access Control (RBAC) should be used on Kubernetes Services](https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2Fac4a19c2-fa67-49b4-8ae5-0b2e78c49457)
    pub struct KubernetesRbacDisabled {
        code: "AKS108",
        name: "kubernetes-rbac-disabled",
        category: ApiServerAndIdentity,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: [
            "PSRule" => "Azure.AKS.UseRBAC",
            "checkov" => "CKV_AZURE_5",
            "Azure Policy" => "ac4a19c2-fa67-49b4-8ae5-0b2e78c49457",
        ],
    }
}

impl Rule for KubernetesRbacDisabled {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enable_rbac = cluster.property("enableRBAC");
        if enable_rbac.is_false() {
            let fix = cx.cluster_fix(
                "set `enableRBAC: true`",
                cluster,
                &["properties", "enableRBAC"],
                &enable_rbac,
                NewValue::Bool(true),
            );
            cx.report_value(
                &enable_rbac,
                format!(
                    "{} disables Kubernetes RBAC (`enableRBAC: false`)",
                    cluster.describe()
                ),
            )
            .with_fix(fix)
            .help("remove `enableRBAC` or set it to `true`; RBAC cannot be turned on once the cluster exists");
            return;
        }
        if let (Lookup::Absent { .. }, Some(version)) = (&enable_rbac, cluster.api_version())
            && !version.at_least(FIRST_RBAC_API_VERSION)
            && let Some(api_version) = member_node(cluster.resource.node, "apiVersion")
        {
            cx.report_node(
                api_version,
                format!(
                    "{} uses apiVersion {version}, which cannot enable Kubernetes RBAC",
                    cluster.describe()
                ),
            )
            .help(format!(
                "declare apiVersion {FIRST_RBAC_API_VERSION} or newer and set `enableRBAC: true`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::test_support::lint_files;

    const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": { "rbac": { "type": "bool", "defaultValue": true } },
  "resources": [{
    "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks",
    "properties": { "enableRBAC": "[parameters('rbac')]" } }]
}"#;

    fn parameters(value: bool) -> String {
        format!(
            r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": {{ "rbac": {{ "value": {value} }} }} }}"#
        )
    }

    #[test]
    fn the_default_passes_and_a_parameter_file_that_disables_rbac_fails_with_its_location() {
        assert!(lint_files("AKS108", 35, &[("main.json", TEMPLATE)]).is_empty());
        let disabling = parameters(false);
        let found = lint_files(
            "AKS108",
            35,
            &[
                ("main.json", TEMPLATE),
                ("main.parameters.json", &disabling),
            ],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let finding = &found[0];
        assert_eq!(finding.file.path(), Path::new("main.json"));
        let related = &finding.related[0];
        assert_eq!(related.file.path(), Path::new("main.parameters.json"));
        assert_eq!(
            related.message,
            "value of parameter `rbac` in the parameter file"
        );
        let text = related.file.text();
        assert_eq!(
            &text[related.span.start as usize..related.span.end as usize],
            r#""value": false"#
        );
    }

    #[test]
    fn each_parameter_file_is_its_own_evaluation() {
        let (dev, prod) = (parameters(false), parameters(true));
        let found = lint_files(
            "AKS108",
            35,
            &[
                ("main.json", TEMPLATE),
                ("main.parameters.dev.json", &dev),
                ("main.parameters.prod.json", &prod),
                ("other.parameters.json", &dev),
            ],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].related[0].file.path(),
            Path::new("main.parameters.dev.json")
        );
    }

    #[test]
    fn a_parameter_default_is_related_information() {
        let template = TEMPLATE.replace(r#""defaultValue": true"#, r#""defaultValue": false"#);
        let found = lint_files("AKS108", 35, &[("main.json", &template)]);
        let related = &found[0].related[0];
        assert_eq!(
            related.message,
            "value from the default of parameter `rbac`"
        );
        assert_eq!(
            &template[related.span.start as usize..related.span.end as usize],
            r#""defaultValue": false"#
        );
        let object = found[0].object.as_ref().expect("object");
        assert_eq!(object.kind, "Microsoft.ContainerService/managedClusters");
        assert_eq!(object.name.as_deref(), Some("aks"));
    }

    #[test]
    fn a_jsonc_comment_suppresses_the_finding() {
        let template = TEMPLATE.replace(
            r#""properties": { "enableRBAC""#,
            "\"properties\": {\n      // akslint: ignore[AKS108] legacy cluster, replaced next quarter\n      \"enableRBAC\"",
        ).replace(r#""defaultValue": true"#, r#""defaultValue": false"#);
        assert!(template.contains("// akslint"), "{template}");
        let found = lint_files("AKS108", 35, &[("main.json", &template)]);
        assert!(found.is_empty(), "{found:?}");
    }
}
