//! The project-wide phase: facts about objects from every file of a run, for the rules that
//! need more than one object (a workload and its ServiceAccount, a binding and its role, the
//! namespaces of workloads and of network policies, a namespace's Pod Security labels).
//!
//! Each file contributes its facts with [`ProjectIndex::collect`]; indexes from files linted in
//! parallel are combined with [`ProjectIndex::merge`], which is order-independent so that the
//! output does not depend on thread scheduling.
//!
//! ARM templates take a second pass ([`Linter::index_templates`](crate::Linter::index_templates)):
//! their clusters and diagnostic settings depend on parameter files, which the first pass
//! registers ([`ProjectIndex::parameter_files`]).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use akslint_diagnostics::ObjectRef;
use akslint_model::k8s::{Object, WorkloadKinds, objects};
use akslint_syntax::{NodeRef, ParsedFile};
use akslint_text::{SourceFile, Span, compare_paths};
use rayon::prelude::*;

use crate::{KubernetesVersion, PssLevel};

/// Where something is written.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The span in it.
    pub span: Span,
    /// The object it belongs to, so that findings reported there name it.
    pub object: Option<Arc<ObjectRef>>,
}

impl Location {
    fn of_object(file: &Arc<SourceFile>, object: &Object<'_>) -> Self {
        let identity = object.identity();
        Self {
            file: Arc::clone(file),
            span: object_anchor(object),
            object: Some(Arc::new(ObjectRef {
                kind: identity.kind,
                name: identity.name,
                namespace: identity.namespace,
            })),
        }
    }

    /// The earlier of two locations (by path, then offset): merging keeps the first one written
    /// whatever order the files were indexed in.
    fn earlier(self, other: Self) -> Self {
        let key = |l: &Self| (l.file.path().to_owned(), l.span.start);
        if key(&other) < key(&self) {
            other
        } else {
            self
        }
    }
}

/// A namespaced name: `namespace` is `None` when the manifest does not say (the namespace is
/// then chosen at deploy time, and such objects only match each other).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

impl ObjectKey {
    /// A key from borrowed parts.
    #[must_use]
    pub fn new(namespace: Option<&str>, name: &str) -> Self {
        Self {
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
        }
    }
}

/// A `Namespace` object's Pod Security admission labels.
#[derive(Debug, Clone)]
pub struct NamespaceFacts {
    /// `pod-security.kubernetes.io/enforce`, when it holds a valid level.
    pub enforce: Option<PssLevel>,
    /// `pod-security.kubernetes.io/enforce-version`; `None` when absent or `latest`.
    pub enforce_version: Option<KubernetesVersion>,
    /// The Namespace object.
    pub location: Location,
}

/// A `ServiceAccount`'s settings that pod rules depend on.
#[derive(Debug, Clone)]
pub struct ServiceAccountFacts {
    /// `automountServiceAccountToken`, when written as a boolean.
    pub automount_token: Option<bool>,
    /// Whether it has a non-empty `azure.workload.identity/client-id` annotation.
    pub workload_identity_client_id: bool,
    /// The ServiceAccount object.
    pub location: Location,
}

/// Which workloads in the input run as a ServiceAccount, for the reverse workload-identity check.
#[derive(Debug, Clone, Default)]
pub struct ServiceAccountUse {
    /// Some workload using it labels its pods `azure.workload.identity/use: "true"`.
    pub with_workload_identity: bool,
    /// Some workload using it does not.
    pub without_workload_identity: bool,
}

/// A `Role` or `ClusterRole`: its kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleKey {
    /// `ClusterRole` (true) or `Role` (false).
    pub cluster: bool,
    /// The object's key (a ClusterRole has no namespace).
    pub key: ObjectKey,
}

/// What a role in the input grants.
#[derive(Debug, Clone)]
pub struct RoleFacts {
    /// Some rule grants every verb on every resource of every API group, like `cluster-admin`.
    pub grants_everything: bool,
    /// The role object.
    pub location: Location,
}

/// The first workload seen in a namespace, for findings about the namespace.
#[derive(Debug, Clone)]
pub struct WorkloadSighting {
    /// `Kind name` of the workload.
    pub description: String,
    /// Its `kind` key (or the object when there is none).
    pub location: Location,
}

/// An ARM resource of the run: the file and the offset of its object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    /// The template file.
    pub path: PathBuf,
    /// Where the resource object starts.
    pub offset: u32,
}

/// A `Microsoft.ContainerService/managedClusters` resource of an ARM template (one per
/// evaluation that deploys it).
#[derive(Debug, Clone)]
pub struct ClusterFacts {
    /// Which resource it is.
    pub key: ResourceKey,
    /// The evaluated name, when known.
    pub name: Option<String>,
    /// `apiVersion`.
    pub api_version: Option<String>,
    /// Its `type` key, naming the cluster.
    pub location: Location,
}

/// Which cluster a diagnostic setting belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagnosticTarget {
    /// A cluster of the same template.
    Cluster(ResourceKey),
    /// A cluster of this name (lowercased), deployed elsewhere.
    ClusterNamed(String),
    /// Unknown offline: it may be any cluster.
    Unknown,
}

/// One entry of a diagnostic setting's `logs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFacts {
    /// `category`, as written.
    pub category: Option<String>,
    /// `categoryGroup` (`audit`, `allLogs`), as written.
    pub category_group: Option<String>,
    /// `enabled`; `None` when unknown or not a boolean.
    pub enabled: Option<bool>,
}

/// A diagnostic setting that collects logs from a managed cluster.
#[derive(Debug, Clone)]
pub struct DiagnosticSettingFacts {
    /// The cluster.
    pub target: DiagnosticTarget,
    /// `properties.logs`; `None` when it cannot be evaluated.
    pub logs: Option<Vec<LogFacts>>,
    /// The setting resource.
    pub location: Location,
}

/// Facts gathered from every file of a run.
#[derive(Debug, Clone, Default)]
pub struct ProjectIndex {
    /// `Namespace` objects by name.
    pub namespaces: HashMap<String, NamespaceFacts>,
    /// `ServiceAccount` objects.
    pub service_accounts: HashMap<ObjectKey, ServiceAccountFacts>,
    /// ServiceAccounts as used by workloads (`serviceAccountName`, `default` when unset).
    pub service_account_users: HashMap<ObjectKey, ServiceAccountUse>,
    /// `Role` and `ClusterRole` objects.
    pub roles: HashMap<RoleKey, RoleFacts>,
    /// Namespaces that have at least one network policy (`NetworkPolicy`, Cilium's or
    /// Calico's namespaced kinds; `None`: written without namespace).
    pub network_policy_namespaces: BTreeMap<Option<String>, Location>,
    /// The first cluster-wide network policy (Cilium, Calico, `AdminNetworkPolicy`), which can
    /// govern every namespace.
    pub cluster_network_policy: Option<Location>,
    /// The first workload of each namespace (`None`: written without namespace).
    pub workload_namespaces: BTreeMap<Option<String>, WorkloadSighting>,
    /// ARM parameter files by the path of the template they belong to by name
    /// (`x.parameters.json` and `x.parameters.<env>.json` belong to `x.json`).
    pub parameter_files: BTreeMap<PathBuf, Vec<Arc<SourceFile>>>,
    /// Parameter files given explicitly (`--parameters`): they apply to every template of the
    /// run, instead of the files found by name.
    pub explicit_parameter_files: Vec<Arc<SourceFile>>,
    /// Managed clusters of every ARM template evaluation, ordered by location.
    pub managed_clusters: Vec<ClusterFacts>,
    /// Diagnostic settings of managed clusters, ordered by location.
    pub diagnostic_settings: Vec<DiagnosticSettingFacts>,
}

/// The label that opts a pod into Azure workload identity.
pub const WORKLOAD_IDENTITY_USE_LABEL: &str = "azure.workload.identity/use";
/// The ServiceAccount annotation that names the identity's client id.
pub const WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION: &str = "azure.workload.identity/client-id";

impl ProjectIndex {
    /// Adds the facts of one parsed file.
    pub fn collect(
        &mut self,
        file: &Arc<SourceFile>,
        parsed: &ParsedFile<'_>,
        workload_kinds: &WorkloadKinds,
    ) {
        for object in objects(parsed) {
            self.collect_object(file, &object, workload_kinds);
        }
        if let Some(root) =
            crate::arm::arm_root(parsed, akslint_model::azure::ArmDocument::Parameters)
        {
            for template in crate::arm::templates_for_parameters(file, root) {
                self.parameter_files
                    .entry(crate::arm::lexically_normal(&template))
                    .or_default()
                    .push(Arc::clone(file));
            }
        }
    }

    /// The parameter files of the template at `path`: the explicit ones when there are any,
    /// else those named after it.
    #[must_use]
    pub fn parameter_files_for(&self, path: &Path) -> Vec<Arc<SourceFile>> {
        if !self.explicit_parameter_files.is_empty() {
            return self.explicit_parameter_files.clone();
        }
        self.parameter_files
            .get(&crate::arm::lexically_normal(path))
            .cloned()
            .unwrap_or_default()
    }

    /// The diagnostic settings that belong to `cluster`: settings of the same resource, or of a
    /// cluster of the same name elsewhere.
    pub fn diagnostic_settings_of<'s>(
        &'s self,
        cluster: &'s ClusterFacts,
    ) -> impl Iterator<Item = &'s DiagnosticSettingFacts> + 's {
        self.diagnostic_settings
            .iter()
            .filter(move |setting| match &setting.target {
                DiagnosticTarget::Cluster(key) => *key == cluster.key,
                DiagnosticTarget::ClusterNamed(name) => cluster
                    .name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name)),
                DiagnosticTarget::Unknown => false,
            })
    }

    fn collect_object(
        &mut self,
        file: &Arc<SourceFile>,
        object: &Object<'_>,
        workload_kinds: &WorkloadKinds,
    ) {
        let here = || Location::of_object(file, object);
        match (object.api_group(), object.kind) {
            ("", Some("Namespace")) => {
                if let Some(name) = object.name {
                    let label = |key| object.label(key).and_then(NodeRef::as_str);
                    let facts = NamespaceFacts {
                        enforce: label("pod-security.kubernetes.io/enforce")
                            .and_then(PssLevel::parse),
                        enforce_version: label("pod-security.kubernetes.io/enforce-version")
                            .and_then(KubernetesVersion::parse),
                        location: here(),
                    };
                    insert_first(&mut self.namespaces, name.to_owned(), facts, |f| {
                        &f.location
                    });
                }
            }
            ("", Some("ServiceAccount")) => {
                if let Some(name) = object.name {
                    let facts = ServiceAccountFacts {
                        automount_token: object
                            .node
                            .get("automountServiceAccountToken")
                            .and_then(NodeRef::as_bool),
                        workload_identity_client_id: object
                            .annotation(WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION)
                            .and_then(NodeRef::as_str)
                            .is_some_and(|id| !id.trim().is_empty()),
                        location: here(),
                    };
                    let key = ObjectKey::new(object.namespace, name);
                    insert_first(&mut self.service_accounts, key, facts, |f| &f.location);
                }
            }
            ("rbac.authorization.k8s.io", Some(kind @ ("Role" | "ClusterRole"))) => {
                if let Some(name) = object.name {
                    let cluster = kind == "ClusterRole";
                    let key = RoleKey {
                        cluster,
                        key: ObjectKey::new(if cluster { None } else { object.namespace }, name),
                    };
                    let facts = RoleFacts {
                        grants_everything: policy_rules(object).any(grants_everything),
                        location: here(),
                    };
                    insert_first(&mut self.roles, key, facts, |f| &f.location);
                }
            }
            ("cilium.io", Some("CiliumClusterwideNetworkPolicy"))
            | ("crd.projectcalico.org" | "projectcalico.org", Some("GlobalNetworkPolicy"))
            | (
                "policy.networking.k8s.io",
                Some("AdminNetworkPolicy" | "BaselineAdminNetworkPolicy"),
            ) => {
                let location = here();
                self.cluster_network_policy = Some(match self.cluster_network_policy.take() {
                    Some(existing) => existing.earlier(location),
                    None => location,
                });
            }
            ("networking.k8s.io", Some("NetworkPolicy"))
            | ("cilium.io", Some("CiliumNetworkPolicy"))
            | ("crd.projectcalico.org" | "projectcalico.org", Some("NetworkPolicy")) => {
                let namespace = object.namespace.map(str::to_owned);
                let location = here();
                self.network_policy_namespaces
                    .entry(namespace)
                    .and_modify(|l| *l = l.clone().earlier(location.clone()))
                    .or_insert(location);
            }
            _ => {
                let Some(workload) = workload_kinds.workload(*object) else {
                    return;
                };
                // A file's objects come in the order they are written: once its namespace has
                // a sighting from this file, a later workload cannot be the first, and its
                // description and location (allocations, for every workload) are not made.
                let namespace = object.namespace.map(str::to_owned);
                let sighted_here = self
                    .workload_namespaces
                    .get(&namespace)
                    .is_some_and(|sighting| Arc::ptr_eq(&sighting.location.file, file));
                if !sighted_here {
                    let sighting = WorkloadSighting {
                        description: workload.describe(),
                        location: here(),
                    };
                    insert_first(&mut self.workload_namespaces, namespace, sighting, |s| {
                        &s.location
                    });
                }
                let account = workload
                    .service_account_name()
                    .and_then(NodeRef::as_str)
                    .unwrap_or("default");
                let labelled = workload
                    .pod_label(WORKLOAD_IDENTITY_USE_LABEL)
                    .and_then(NodeRef::as_str)
                    == Some("true");
                let usage = self
                    .service_account_users
                    .entry(ObjectKey::new(object.namespace, account))
                    .or_default();
                usage.with_workload_identity |= labelled;
                usage.without_workload_identity |= !labelled;
            }
        }
    }

    /// Combines the facts of two indexes; the result does not depend on which is `self`.
    pub fn merge(&mut self, other: Self) {
        self.absorb(other);
        self.normalize();
    }

    /// Combines many indexes, as [`ProjectIndex::merge`] one by one would, in time linear in
    /// their facts: the ordered lists are sorted once at the end, not at each merge (which
    /// made a project-wide step quadratic in the number of ARM templates). Every thread
    /// merges a share: with thousands of files, one thread merging them all is a serial step
    /// between two parallel ones.
    #[must_use]
    pub fn merge_all(indexes: Vec<Self>) -> Self {
        let mut all = indexes
            .into_par_iter()
            .reduce(Self::default, |mut all, index| {
                all.absorb(index);
                all
            });
        all.normalize();
        all
    }

    /// Adds the facts of `other`, leaving the ordered lists to [`Self::normalize`].
    fn absorb(&mut self, other: Self) {
        for (key, value) in other.namespaces {
            insert_first(&mut self.namespaces, key, value, |f| &f.location);
        }
        for (key, value) in other.service_accounts {
            insert_first(&mut self.service_accounts, key, value, |f| &f.location);
        }
        for (key, value) in other.roles {
            insert_first(&mut self.roles, key, value, |f| &f.location);
        }
        for (key, value) in other.workload_namespaces {
            insert_first(&mut self.workload_namespaces, key, value, |s| &s.location);
        }
        for (key, location) in other.network_policy_namespaces {
            let merged = match self.network_policy_namespaces.remove(&key) {
                Some(existing) => existing.earlier(location),
                None => location,
            };
            self.network_policy_namespaces.insert(key, merged);
        }
        if let Some(location) = other.cluster_network_policy {
            self.cluster_network_policy = Some(match self.cluster_network_policy.take() {
                Some(existing) => existing.earlier(location),
                None => location,
            });
        }
        for (key, usage) in other.service_account_users {
            let entry = self.service_account_users.entry(key).or_default();
            entry.with_workload_identity |= usage.with_workload_identity;
            entry.without_workload_identity |= usage.without_workload_identity;
        }
        for (template, files) in other.parameter_files {
            self.parameter_files
                .entry(template)
                .or_default()
                .extend(files);
        }
        self.explicit_parameter_files
            .extend(other.explicit_parameter_files);
        self.managed_clusters.extend(other.managed_clusters);
        self.diagnostic_settings.extend(other.diagnostic_settings);
    }

    /// Sorts and deduplicates the ordered lists, so that the order of merging does not show.
    /// The sorts are stable and keep the first of equal facts: sorting once after many
    /// [`Self::absorb`]s gives what sorting after each would.
    fn normalize(&mut self) {
        for files in self.parameter_files.values_mut() {
            files.sort_by(|a, b| compare_paths(a.path(), b.path()));
            files.dedup_by(|a, b| a.path() == b.path());
        }
        self.explicit_parameter_files
            .sort_by(|a, b| compare_paths(a.path(), b.path()));
        self.explicit_parameter_files
            .dedup_by(|a, b| a.path() == b.path());
        // Deduplicated too: evaluations with several parameter files repeat what does not
        // depend on them.
        self.managed_clusters
            .sort_by(|a, b| (&a.key, &a.name).cmp(&(&b.key, &b.name)));
        self.managed_clusters
            .dedup_by(|a, b| a.key == b.key && a.name == b.name);
        self.diagnostic_settings.sort_by(|a, b| {
            let (a, b) = (&a.location, &b.location);
            compare_paths(a.file.path(), b.file.path()).then(a.span.start.cmp(&b.span.start))
        });
    }

    /// The Pod Security labels of the namespace a workload runs in, when that `Namespace` is in
    /// the input.
    #[must_use]
    pub fn namespace(&self, name: Option<&str>) -> Option<&NamespaceFacts> {
        self.namespaces.get(name?)
    }

    /// The ServiceAccount `name` in `namespace`, when it is in the input.
    #[must_use]
    pub fn service_account(
        &self,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<&ServiceAccountFacts> {
        self.service_accounts.get(&ObjectKey::new(namespace, name))
    }

    /// The role a `roleRef` names, when it is in the input. A RoleBinding's `Role` is looked up
    /// in the binding's namespace.
    #[must_use]
    pub fn role(&self, cluster: bool, namespace: Option<&str>, name: &str) -> Option<&RoleFacts> {
        let namespace = if cluster { None } else { namespace };
        self.roles.get(&RoleKey {
            cluster,
            key: ObjectKey::new(namespace, name),
        })
    }
}

/// Inserts `value` unless an entry written earlier (by location) is already there.
fn insert_first<K, V, M: MapLike<K, V>>(
    map: &mut M,
    key: K,
    value: V,
    location: impl Fn(&V) -> &Location,
) {
    match map.get_mut(&key) {
        Some(existing) => {
            let keep_new = {
                let (old, new) = (location(existing), location(&value));
                (new.file.path(), new.span.start) < (old.file.path(), old.span.start)
            };
            if keep_new {
                *existing = value;
            }
        }
        None => map.put(key, value),
    }
}

/// The two map types the index uses, behind one insertion helper.
trait MapLike<K, V> {
    fn get_mut(&mut self, key: &K) -> Option<&mut V>;
    fn put(&mut self, key: K, value: V);
}

impl<K: Eq + std::hash::Hash, V> MapLike<K, V> for HashMap<K, V> {
    fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        HashMap::get_mut(self, key)
    }
    fn put(&mut self, key: K, value: V) {
        self.insert(key, value);
    }
}

impl<K: Ord, V> MapLike<K, V> for BTreeMap<K, V> {
    fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        BTreeMap::get_mut(self, key)
    }
    fn put(&mut self, key: K, value: V) {
        self.insert(key, value);
    }
}

/// Where findings about a whole object point: its `kind` key, else the object.
#[must_use]
pub fn object_anchor(object: &Object<'_>) -> Span {
    object
        .node
        .get("kind")
        .map_or_else(|| object.node.span(), |kind| kind.anchor_span())
}

/// The `rules[*]` of a Role or ClusterRole, each a mapping.
pub fn policy_rules<'a>(object: &Object<'a>) -> impl Iterator<Item = NodeRef<'a>> + 'a {
    object
        .node
        .get("rules")
        .into_iter()
        .flat_map(NodeRef::items)
        .filter(|rule| rule.is_mapping())
}

/// Whether a policy rule grants `*` verbs on `*` resources in `*` API groups.
#[must_use]
pub fn grants_everything(rule: NodeRef<'_>) -> bool {
    let has_star = |field: &str| {
        rule.get(field)
            .into_iter()
            .flat_map(NodeRef::items)
            .any(|item| item.as_str() == Some("*"))
    };
    has_star("verbs") && has_star("resources") && has_star("apiGroups")
}

#[cfg(test)]
mod tests {
    use akslint_syntax::{Limits, yaml};

    use super::*;

    fn index(files: &[(&str, &str)]) -> ProjectIndex {
        let mut merged = ProjectIndex::default();
        for (path, text) in files.iter().rev() {
            let file = SourceFile::new(*path, (*text).to_owned());
            let parsed = yaml::parse(file.text(), &Limits::default());
            let mut one = ProjectIndex::default();
            one.collect(&file, &parsed, &WorkloadKinds::default());
            merged.merge(one);
        }
        merged
    }

    #[test]
    fn collects_namespaces_accounts_roles_policies_and_workloads() {
        let project = index(&[
            (
                "a.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.30\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: apps\n  annotations:\n    azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000\nautomountServiceAccountToken: false\n",
            ),
            (
                "b.yaml",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: root\nrules:\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get]\n  - apiGroups: ['*']\n    resources: ['*']\n    verbs: ['*']\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: apps\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\n  labels:\n    azure.workload.identity/use: \"true\"\nspec:\n  serviceAccountName: web\n  containers: [{name: c}]\n",
            ),
        ]);
        let namespace = project.namespace(Some("apps")).expect("namespace");
        assert_eq!(namespace.enforce, Some(PssLevel::Baseline));
        assert_eq!(namespace.enforce_version, Some(KubernetesVersion::new(30)));
        let account = project
            .service_account(Some("apps"), "web")
            .expect("service account");
        assert_eq!(account.automount_token, Some(false));
        assert!(account.workload_identity_client_id);
        assert!(
            project
                .role(true, Some("x"), "root")
                .expect("role")
                .grants_everything
        );
        assert!(
            project
                .network_policy_namespaces
                .contains_key(&Some("apps".to_owned()))
        );
        let usage = &project.service_account_users[&ObjectKey::new(Some("apps"), "web")];
        assert!(usage.with_workload_identity && !usage.without_workload_identity);
        assert_eq!(
            project.workload_namespaces[&Some("apps".to_owned())].description,
            "Pod `p`"
        );
    }

    #[test]
    fn merging_keeps_the_first_written_object_whatever_the_order() {
        let first = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\nautomountServiceAccountToken: false\n";
        let second = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n";
        for files in [
            [("a.yaml", first), ("b.yaml", second)],
            [("b.yaml", second), ("a.yaml", first)],
        ] {
            let project = index(&files);
            let account = project.service_account(None, "s").expect("account");
            assert_eq!(account.automount_token, Some(false));
            assert_eq!(account.location.file.path(), std::path::Path::new("a.yaml"));
        }
    }

    #[test]
    fn arm_clusters_and_their_diagnostic_settings_are_indexed_across_files() {
        use crate::{FileFormat, LintSettings, Linter};

        const SCHEMA: &str =
            "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
        let clusters = format!(
            r#"{{"$schema": "{SCHEMA}",
  "parameters": {{"name": {{"type": "string", "defaultValue": "aks-a"}}}},
  "resources": [
    {{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "[parameters('name')]",
      "resources": [{{"type": "providers/diagnosticSettings", "apiVersion": "2021-05-01-preview",
                      "name": "Microsoft.Insights/audit",
                      "properties": {{"logs": [{{"category": "kube-audit-admin", "enabled": true}},
                                               {{"categoryGroup": "audit", "enabled": "[reference('x').on]"}}]}}}}]}},
    {{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks-b"}}]}}"#
        );
        let parameters = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": {"name": {"value": "aks-from-file"}}}"#;
        let settings = format!(
            r#"{{"$schema": "{SCHEMA}",
  "resources": [
    {{"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "b",
      "scope": "[resourceId('Microsoft.ContainerService/managedClusters', 'AKS-B')]",
      "properties": {{"logs": [{{"category": "guard", "enabled": true}}]}}}},
    {{"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "kv",
      "scope": "[resourceId('Microsoft.KeyVault/vaults', 'kv')]", "properties": {{}}}},
    {{"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "unknown",
      "scope": "[parameters('target')]", "properties": {{}}}}]}}"#
        );
        let linter = Linter::new(LintSettings::default());
        let files = [
            SourceFile::new("clusters.json", clusters),
            SourceFile::new("clusters.parameters.json", parameters),
            SourceFile::new("settings.json", settings),
        ];
        let mut parsed: Vec<_> = files
            .iter()
            .map(|file| linter.parse(file, FileFormat::Json))
            .collect();
        let mut project = ProjectIndex::default();
        for source in parsed.iter().rev() {
            project.merge(linter.index(source));
        }
        assert_eq!(
            project
                .parameter_files_for(Path::new("clusters.json"))
                .len(),
            1
        );
        let mut templates = ProjectIndex::default();
        for source in &mut parsed {
            templates.merge(linter.index_templates(source, &project));
        }
        project.merge(templates);

        let names: Vec<_> = project
            .managed_clusters
            .iter()
            .map(|c| c.name.as_deref().unwrap_or("?"))
            .collect();
        assert_eq!(names, ["aks-from-file", "aks-b"]);
        let first = &project.managed_clusters[0];
        let own: Vec<_> = project.diagnostic_settings_of(first).collect();
        assert_eq!(own.len(), 1);
        let logs = own[0].logs.as_ref().expect("logs");
        assert_eq!(logs[0].category.as_deref(), Some("kube-audit-admin"));
        assert_eq!(logs[0].enabled, Some(true));
        assert_eq!(logs[1].category_group.as_deref(), Some("audit"));
        assert_eq!(logs[1].enabled, None);
        let second = &project.managed_clusters[1];
        let across: Vec<_> = project.diagnostic_settings_of(second).collect();
        assert_eq!(across.len(), 1);
        assert_eq!(across[0].location.file.path(), Path::new("settings.json"));
        assert!(
            project
                .diagnostic_settings
                .iter()
                .any(|s| s.target == DiagnosticTarget::Unknown)
        );
        assert_eq!(
            project.diagnostic_settings.len(),
            3,
            "the Key Vault's is left out"
        );

        // Merging all at once gives what merging one by one gives, duplicates included (the
        // same template evaluated twice).
        let one_by_one = |indexes: Vec<ProjectIndex>| {
            let mut merged = ProjectIndex::default();
            for index in indexes {
                merged.merge(index);
            }
            merged
        };
        let mut indexes = || {
            let mut all: Vec<_> = parsed.iter().map(|s| linter.index(s)).collect();
            for source in &mut parsed {
                all.push(linter.index_templates(source, &project));
            }
            for source in parsed.iter_mut().rev() {
                all.push(linter.index_templates(source, &project));
            }
            all
        };
        let ordered = |index: &ProjectIndex| {
            format!(
                "{:?} {:?} {:?} {:?}",
                index.managed_clusters,
                index.diagnostic_settings,
                index.parameter_files,
                index.explicit_parameter_files
            )
        };
        let all = ProjectIndex::merge_all(indexes());
        assert_eq!(all.managed_clusters.len(), 2);
        assert_eq!(ordered(&all), ordered(&one_by_one(indexes())));
    }
}
