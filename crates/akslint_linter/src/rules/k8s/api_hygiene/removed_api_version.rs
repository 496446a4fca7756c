use akslint_model::k8s::Object;

use crate::context::WithHelp;
use crate::{Context, KubernetesVersion, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags objects whose `apiVersion` and `kind` are no longer served by the target
    /// Kubernetes version, such as `extensions/v1beta1` Ingresses, `batch/v1beta1` CronJobs or
    /// `policy/v1beta1` PodSecurityPolicies.
    ///
    /// ## Why it matters
    /// Kubernetes removes beta API versions a few releases after their replacement is stable.
    /// A manifest that still uses one fails to apply (`no matches for kind ... in version
    /// ...`), usually in the middle of a deployment or right after an AKS cluster upgrade;
    /// AKS also stops an upgrade when it sees removed APIs in use. Migrating in advance also
    /// means reviewing the fields that changed with the new version.
    ///
    /// The target version is the run's `--kubernetes-version` (default: the newest version
    /// akslint knows), or the `pod-security.kubernetes.io/enforce-version` of the object's
    /// namespace when that Namespace is in the input. An API is flagged from the minor version
    /// that removed it on; deprecated APIs that are still served are not flagged. The table
    /// follows the Kubernetes deprecated API migration guide:
    ///
    /// | apiVersion | kinds | removed in | use instead |
    /// |---|---|---|---|
    /// | `extensions/v1beta1` | Deployment, DaemonSet, ReplicaSet | 1.16 | `apps/v1` |
    /// | `extensions/v1beta1` | NetworkPolicy | 1.16 | `networking.k8s.io/v1` |
    /// | `extensions/v1beta1` | PodSecurityPolicy | 1.16 | `policy/v1beta1`, itself removed in 1.25 |
    /// | `apps/v1beta1`, `apps/v1beta2` | all | 1.16 | `apps/v1` |
    /// | `extensions/v1beta1`, `networking.k8s.io/v1beta1` | Ingress | 1.22 | `networking.k8s.io/v1` |
    /// | `networking.k8s.io/v1beta1` | IngressClass | 1.22 | `networking.k8s.io/v1` |
    /// | `rbac.authorization.k8s.io/v1beta1` | all | 1.22 | `rbac.authorization.k8s.io/v1` |
    /// | `admissionregistration.k8s.io/v1beta1` | Mutating/ValidatingWebhookConfiguration | 1.22 | `admissionregistration.k8s.io/v1` |
    /// | `apiextensions.k8s.io/v1beta1` | CustomResourceDefinition | 1.22 | `apiextensions.k8s.io/v1` |
    /// | `apiregistration.k8s.io/v1beta1` | APIService | 1.22 | `apiregistration.k8s.io/v1` |
    /// | `authentication.k8s.io/v1beta1` | TokenReview | 1.22 | `authentication.k8s.io/v1` |
    /// | `authorization.k8s.io/v1beta1` | the access reviews | 1.22 | `authorization.k8s.io/v1` |
    /// | `certificates.k8s.io/v1beta1` | CertificateSigningRequest | 1.22 | `certificates.k8s.io/v1` |
    /// | `coordination.k8s.io/v1beta1` | Lease | 1.22 | `coordination.k8s.io/v1` |
    /// | `scheduling.k8s.io/v1beta1` | PriorityClass | 1.22 | `scheduling.k8s.io/v1` |
    /// | `storage.k8s.io/v1beta1` | CSIDriver, CSINode, StorageClass, VolumeAttachment | 1.22 | `storage.k8s.io/v1` |
    /// | `batch/v1beta1` | CronJob | 1.25 | `batch/v1` |
    /// | `discovery.k8s.io/v1beta1` | EndpointSlice | 1.25 | `discovery.k8s.io/v1` |
    /// | `events.k8s.io/v1beta1` | Event | 1.25 | `events.k8s.io/v1` |
    /// | `autoscaling/v2beta1` | HorizontalPodAutoscaler | 1.25 | `autoscaling/v2` |
    /// | `policy/v1beta1` | PodDisruptionBudget | 1.25 | `policy/v1` |
    /// | `policy/v1beta1` | PodSecurityPolicy | 1.25 | none: Pod Security admission |
    /// | `node.k8s.io/v1beta1` | RuntimeClass | 1.25 | `node.k8s.io/v1` |
    /// | `autoscaling/v2beta2` | HorizontalPodAutoscaler | 1.26 | `autoscaling/v2` |
    /// | `flowcontrol.apiserver.k8s.io/v1beta1` | FlowSchema, PriorityLevelConfiguration | 1.26 | `flowcontrol.apiserver.k8s.io/v1` (`v1beta3` before 1.29) |
    /// | `storage.k8s.io/v1beta1` | CSIStorageCapacity | 1.27 | `storage.k8s.io/v1` |
    /// | `flowcontrol.apiserver.k8s.io/v1beta2` | FlowSchema, PriorityLevelConfiguration | 1.29 | `flowcontrol.apiserver.k8s.io/v1` |
    /// | `flowcontrol.apiserver.k8s.io/v1beta3` | FlowSchema, PriorityLevelConfiguration | 1.32 | `flowcontrol.apiserver.k8s.io/v1` |
    ///
    /// Kinds are listed where a group version came back later with other kinds (for example
    /// `admissionregistration.k8s.io/v1beta1` ValidatingAdmissionPolicy, `networking.k8s.io/v1beta1`
    /// ServiceCIDR or `storage.k8s.io/v1beta1` VolumeAttributesClass), so those are not flagged.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1beta1
    /// kind: CronJob
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// ```
    ///
    /// ## Options
    /// None (the target version comes from `--kubernetes-version`).
    ///
    /// ## References
    /// - [Kubernetes: deprecated API migration guide](https://kubernetes.io/docs/reference/using-api/deprecation-guide/)
    /// - [AKS: upgrade a cluster (deprecated API detection)](https://learn.microsoft.com/azure/aks/stop-cluster-upgrade-api-breaking-changes)
    pub struct RemovedApiVersion {
        code: "K8S703",
        name: "removed-api-version",
        category: ApiHygiene,
        severity: Error,
        default_enabled: true,
        scope: Scope::Objects,
        references: ["kube-linter" => "no-extensions-v1beta", "trivy" => "KSV-0107"],
    }
}

/// An API version (and kinds) that Kubernetes stopped serving.
struct Removal {
    /// `group/version`.
    api_version: &'static str,
    /// The kinds concerned; empty for every kind of the group version.
    kinds: &'static [&'static str],
    /// The minor version of 1.x that no longer serves it.
    removed_in: u32,
    /// What to use instead, when there is a replacement.
    replacement: Option<&'static str>,
    /// A replacement for targets older than the given minor version, when `replacement` is
    /// not served there yet.
    interim: Option<(&'static str, u32)>,
    /// What else changes with the migration.
    note: &'static str,
}

const fn removal(
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: u32,
    replacement: &'static str,
) -> Removal {
    Removal {
        api_version,
        kinds,
        removed_in,
        replacement: Some(replacement),
        interim: None,
        note: "",
    }
}

const WORKLOADS: &[&str] = &["Deployment", "DaemonSet", "ReplicaSet"];
const INGRESS: &[&str] = &["Ingress"];
const FLOW_CONTROL: &[&str] = &["FlowSchema", "PriorityLevelConfiguration"];
const PSP_NOTE: &str = "PodSecurityPolicy was removed in 1.25 without a replacement API: enforce the Pod Security Standards with the namespace label `pod-security.kubernetes.io/enforce`, or with Azure Policy";
const INGRESS_NOTE: &str = "in `networking.k8s.io/v1` a backend is written `service: {name, port: {number}}` and every path needs a `pathType`";

/// Removed API versions, from the Kubernetes deprecated API migration guide.
const REMOVALS: &[Removal] = &[
    removal("extensions/v1beta1", WORKLOADS, 16, "apps/v1"),
    removal(
        "extensions/v1beta1",
        &["NetworkPolicy"],
        16,
        "networking.k8s.io/v1",
    ),
    Removal {
        api_version: "extensions/v1beta1",
        kinds: &["PodSecurityPolicy"],
        removed_in: 16,
        replacement: None,
        interim: Some(("policy/v1beta1", 25)),
        note: PSP_NOTE,
    },
    removal("apps/v1beta1", &[], 16, "apps/v1"),
    removal("apps/v1beta2", &[], 16, "apps/v1"),
    Removal {
        note: INGRESS_NOTE,
        ..removal("extensions/v1beta1", INGRESS, 22, "networking.k8s.io/v1")
    },
    Removal {
        note: INGRESS_NOTE,
        ..removal(
            "networking.k8s.io/v1beta1",
            INGRESS,
            22,
            "networking.k8s.io/v1",
        )
    },
    removal(
        "networking.k8s.io/v1beta1",
        &["IngressClass"],
        22,
        "networking.k8s.io/v1",
    ),
    removal(
        "rbac.authorization.k8s.io/v1beta1",
        &[],
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    removal(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        22,
        "admissionregistration.k8s.io/v1",
    ),
    Removal {
        note: "`apiextensions.k8s.io/v1` requires a structural `schema` for every version, and moves `validation`, `subresources` and `additionalPrinterColumns` under `versions`",
        ..removal(
            "apiextensions.k8s.io/v1beta1",
            &["CustomResourceDefinition"],
            22,
            "apiextensions.k8s.io/v1",
        )
    },
    removal(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        22,
        "apiregistration.k8s.io/v1",
    ),
    removal(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        22,
        "authentication.k8s.io/v1",
    ),
    removal(
        "authorization.k8s.io/v1beta1",
        &[
            "SubjectAccessReview",
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
        ],
        22,
        "authorization.k8s.io/v1",
    ),
    removal(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        22,
        "certificates.k8s.io/v1",
    ),
    removal(
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        22,
        "coordination.k8s.io/v1",
    ),
    removal(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        22,
        "scheduling.k8s.io/v1",
    ),
    removal(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        22,
        "storage.k8s.io/v1",
    ),
    removal("batch/v1beta1", &["CronJob"], 25, "batch/v1"),
    removal(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        25,
        "discovery.k8s.io/v1",
    ),
    removal("events.k8s.io/v1beta1", &["Event"], 25, "events.k8s.io/v1"),
    removal(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        25,
        "autoscaling/v2",
    ),
    Removal {
        note: "in `policy/v1` an empty `selector` selects every pod of the namespace (it selected none in `v1beta1`)",
        ..removal("policy/v1beta1", &["PodDisruptionBudget"], 25, "policy/v1")
    },
    Removal {
        api_version: "policy/v1beta1",
        kinds: &["PodSecurityPolicy"],
        removed_in: 25,
        replacement: None,
        interim: None,
        note: PSP_NOTE,
    },
    removal(
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        25,
        "node.k8s.io/v1",
    ),
    removal(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        26,
        "autoscaling/v2",
    ),
    Removal {
        interim: Some(("flowcontrol.apiserver.k8s.io/v1beta3", 29)),
        ..removal(
            "flowcontrol.apiserver.k8s.io/v1beta1",
            FLOW_CONTROL,
            26,
            "flowcontrol.apiserver.k8s.io/v1",
        )
    },
    removal(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        27,
        "storage.k8s.io/v1",
    ),
    removal(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        FLOW_CONTROL,
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    removal(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        FLOW_CONTROL,
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// The removal that applies to `api_version`/`kind` at `target`, if any.
fn removed(api_version: &str, kind: &str, target: KubernetesVersion) -> Option<&'static Removal> {
    REMOVALS.iter().find(|removal| {
        removal.api_version == api_version
            && (removal.kinds.is_empty() || removal.kinds.contains(&kind))
            && target.at_least(removal.removed_in)
    })
}

impl Removal {
    /// What to use instead at `target`.
    fn replacement_at(&self, target: KubernetesVersion) -> Option<&'static str> {
        match self.interim {
            Some((interim, until)) if !target.at_least(until) => Some(interim),
            _ => self.replacement,
        }
    }
}

impl Rule for RemovedApiVersion {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let (Some(api_version), Some(kind)) = (object.api_version, object.kind) else {
            return;
        };
        let target = cx.kubernetes_version();
        let Some(removal) = removed(api_version, kind, target) else {
            return;
        };
        let Some(node) = object.node.get("apiVersion") else {
            return;
        };
        let message = format!(
            "{} uses `{api_version}`, which Kubernetes removed in 1.{} (target version: {target})",
            object.describe(),
            removal.removed_in
        );
        let help = match (removal.replacement_at(target), removal.note) {
            (Some(replacement), "") => format!("use `apiVersion: {replacement}`"),
            (Some(replacement), note) => format!("use `apiVersion: {replacement}`; {note}"),
            (None, note) => note.to_owned(),
        };
        cx.report_node(node, message).help(help);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::lint_at;

    fn findings(text: &str, minor: u32) -> Vec<String> {
        lint_at("K8S703", minor, text)
            .iter()
            .map(|d| format!("{} {}", d.code, d.help.as_deref().unwrap_or_default()))
            .collect()
    }

    const CRONJOB: &str = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\n";

    #[test]
    fn batch_v1beta1_cronjob_is_served_until_1_24() {
        assert!(findings(CRONJOB, 24).is_empty());
        assert_eq!(findings(CRONJOB, 25), ["K8S703 use `apiVersion: batch/v1`"]);
    }

    #[test]
    fn each_removal_applies_from_its_version_on() {
        let hpa = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n";
        assert!(findings(hpa, 25).is_empty());
        assert_eq!(findings(hpa, 26).len(), 1);
        let capacity =
            "apiVersion: storage.k8s.io/v1beta1\nkind: CSIStorageCapacity\nmetadata:\n  name: c\n";
        assert!(findings(capacity, 26).is_empty());
        assert_eq!(findings(capacity, 27).len(), 1);
        let flow = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n";
        assert!(findings(flow, 31).is_empty());
        assert_eq!(findings(flow, 32).len(), 1);
    }

    #[test]
    fn the_replacement_is_one_the_target_serves() {
        let flow = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata:\n  name: f\n";
        assert_eq!(
            findings(flow, 27),
            ["K8S703 use `apiVersion: flowcontrol.apiserver.k8s.io/v1beta3`"]
        );
        assert_eq!(
            findings(flow, 29),
            ["K8S703 use `apiVersion: flowcontrol.apiserver.k8s.io/v1`"]
        );
        let psp = "apiVersion: extensions/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: p\n";
        assert!(findings(psp, 15).is_empty());
        assert!(findings(psp, 20)[0].contains("`apiVersion: policy/v1beta1`"));
        assert!(findings(psp, 25)[0].contains("without a replacement"));
    }

    #[test]
    fn group_versions_that_came_back_with_new_kinds_are_not_flagged() {
        for (api_version, kind) in [
            (
                "admissionregistration.k8s.io/v1beta1",
                "ValidatingAdmissionPolicy",
            ),
            ("networking.k8s.io/v1beta1", "ServiceCIDR"),
            ("storage.k8s.io/v1beta1", "VolumeAttributesClass"),
            ("coordination.k8s.io/v1beta1", "LeaseCandidate"),
        ] {
            let text = format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: x\n");
            assert!(findings(&text, 35).is_empty(), "{api_version} {kind}");
        }
    }
}
