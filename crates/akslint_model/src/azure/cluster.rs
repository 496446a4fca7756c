//! `Microsoft.ContainerService/managedClusters` and their node pools.

use std::cell::OnceCell;
use std::fmt;

use super::lookup::Lookup;
use super::template::{EvaluatedTemplate, Resource};
use super::value::{Data, Value};

/// The managed cluster resource type.
pub const MANAGED_CLUSTERS: &str = "Microsoft.ContainerService/managedClusters";
/// The node pool child resource type.
pub const AGENT_POOLS: &str = "Microsoft.ContainerService/managedClusters/agentPools";
/// The diagnostic settings extension resource type.
pub const DIAGNOSTIC_SETTINGS: &str = "Microsoft.Insights/diagnosticSettings";
/// The legacy diagnostic settings type of a cluster, named `cluster/Microsoft.Insights/name`.
const LEGACY_DIAGNOSTIC_SETTINGS: &str =
    "Microsoft.ContainerService/managedClusters/providers/diagnosticSettings";

/// An ARM `apiVersion` (`2024-05-01`, `2024-05-02-preview`), ordered by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// Year, month, day.
    pub date: (u16, u8, u8),
    /// Whether it is a preview version.
    pub preview: bool,
}

impl ApiVersion {
    /// Parses `YYYY-MM-DD` with an optional `-suffix`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some(version) = Self::parse_written_date(text.as_bytes()) {
            return Some(version);
        }
        // Rules compare apiVersions with dates many times per cluster: one pass over the bytes
        // finds the dashes, instead of a search per part.
        let mut dashes = text
            .bytes()
            .enumerate()
            .filter(|&(_, byte)| byte == b'-')
            .map(|(at, _)| at);
        let first = dashes.next()?;
        let second = dashes.next()?;
        let third = dashes.next();
        let year = text[..first].parse().ok()?;
        let month = text[first + 1..second].parse().ok()?;
        let day = text[second + 1..third.unwrap_or(text.len())].parse().ok()?;
        Some(Self {
            date: (year, month, day),
            preview: third.is_some(),
        })
    }

    /// The version when it is written `YYYY-MM-DD`, optionally with a `-suffix`, as nearly all
    /// are: read digit by digit, it reads as [`Self::parse`] reads it, without its number
    /// parsing (rules compare versions with dates for every cluster and pool).
    fn parse_written_date(text: &[u8]) -> Option<Self> {
        let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, ref rest @ ..] = text else {
            return None;
        };
        if !(rest.is_empty() || rest.first() == Some(&b'-')) {
            return None;
        }
        let digit = |byte: u8| byte.is_ascii_digit().then(|| byte - b'0');
        let year = [y0, y1, y2, y3].into_iter().try_fold(0_u16, |year, byte| {
            Some(year * 10 + u16::from(digit(byte)?))
        })?;
        let two = |high: u8, low: u8| Some(digit(high)? * 10 + digit(low)?);
        Some(Self {
            date: (year, two(m0, m1)?, two(d0, d1)?),
            preview: !rest.is_empty(),
        })
    }

    /// Whether this version is `date` (`YYYY-MM-DD`) or newer; false when `date` is invalid.
    #[must_use]
    pub fn at_least(self, date: &str) -> bool {
        Self::parse(date).is_some_and(|other| self.date >= other.date)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.date;
        write!(f, "{y:04}-{m:02}-{d:02}")?;
        if self.preview {
            write!(f, "-preview")?;
        }
        Ok(())
    }
}

/// How a resource's name is known, for matching children to their parent: the evaluated
/// (lowercased) name, or the expression an unknown name depends on (two names that depend on
/// the same parameter without a value are the same name).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameKey {
    /// A known name, lowercased.
    Known(String),
    /// An unknown name: the unknown expression.
    Unknown(String),
}

impl NameKey {
    /// The key of a resource name segment (`segment` 0 is the first).
    #[must_use]
    pub fn of_segment(name: &Value<'_>, segment: usize) -> Option<Self> {
        match name.data() {
            Data::String(text) => text
                .split('/')
                .nth(segment)
                .map(|s| Self::Known(s.to_ascii_lowercase())),
            Data::Unknown(unknown) => Some(Self::Unknown(unknown.expression.clone())),
            _ => None,
        }
    }
}

/// A managed cluster with every node pool that belongs to it.
#[derive(Debug, Clone)]
pub struct ManagedCluster<'t, 'a> {
    /// The cluster resource.
    pub resource: &'t Resource<'a>,
    /// Its index in [`EvaluatedTemplate::resources`].
    pub index: usize,
    pools: Vec<AgentPool<'t, 'a>>,
    profiles_unknown: Option<&'t Value<'a>>,
    /// `properties`, which most lookups start from.
    properties: Lookup<'t, 'a>,
    /// Every rule reads these, and most messages start with the description: each is made
    /// once per cluster.
    api_version: Option<ApiVersion>,
    description: OnceCell<String>,
}

impl<'t, 'a> ManagedCluster<'t, 'a> {
    /// Looks up a dotted path under `properties` (keys without case):
    /// `cluster.property("apiServerAccessProfile.enablePrivateCluster")`.
    #[must_use]
    pub fn property(&self, path: &str) -> Lookup<'t, 'a> {
        self.properties.clone().get(path)
    }

    /// Looks up a dotted path of the resource object: `sku.tier`, `identity.type`.
    #[must_use]
    pub fn get(&self, path: &str) -> Lookup<'t, 'a> {
        self.resource.get(path)
    }

    /// The add-on profile `name` under `properties.addonProfiles`, whatever its casing
    /// (`omsagent`/`omsAgent`, `azurepolicy`/`azurePolicy`).
    #[must_use]
    pub fn addon(&self, name: &str) -> Lookup<'t, 'a> {
        self.property("addonProfiles").get(name)
    }

    /// The declared `apiVersion`.
    #[must_use]
    pub const fn api_version(&self) -> Option<ApiVersion> {
        self.api_version
    }

    /// Every node pool: `agentPoolProfiles[*]` and every `agentPools` child resource that
    /// belongs to this cluster (nested, top-level by name, `dependsOn`).
    #[must_use]
    pub fn pools(&self) -> &[AgentPool<'t, 'a>] {
        &self.pools
    }

    /// The `agentPoolProfiles` value when it cannot be evaluated: the pools it declares are
    /// then not in [`Self::pools`], and rules about the set of pools cannot decide.
    #[must_use]
    pub const fn unknown_profiles(&self) -> Option<&'t Value<'a>> {
        self.profiles_unknown
    }

    /// "managedClusters `aks`", for messages.
    #[must_use]
    pub fn describe(&self) -> &str {
        self.description.get_or_init(|| self.resource.describe())
    }
}

/// Where a node pool is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolSource {
    /// `properties.agentPoolProfiles[index]` of the cluster.
    Profile {
        /// Position in the array.
        index: usize,
    },
    /// A `Microsoft.ContainerService/managedClusters/agentPools` resource.
    ChildResource,
}

/// One node pool, from the cluster's `agentPoolProfiles` or an `agentPools` resource.
#[derive(Debug, Clone)]
pub struct AgentPool<'t, 'a> {
    /// Where it is declared.
    pub source: PoolSource,
    /// The resource declaring it: the cluster for a profile, the `agentPools` resource
    /// otherwise. Findings name this resource.
    pub resource: &'t Resource<'a>,
    /// The cluster it belongs to (index into [`EvaluatedTemplate::resources`]), when it is in
    /// the same file.
    pub cluster: Option<usize>,
    /// The pool's settings: the profile object, or the resource's `properties`.
    settings: Lookup<'t, 'a>,
    /// The profile object or the agentPools resource object.
    value: &'t Value<'a>,
    /// Made once per pool, as for [`ManagedCluster`].
    api_version: Option<ApiVersion>,
    description: OnceCell<String>,
}

impl<'t, 'a> AgentPool<'t, 'a> {
    /// Looks up a dotted path of the pool's settings (keys without case): the profile's
    /// members, or the `agentPools` resource's `properties`.
    #[must_use]
    pub fn property(&self, path: &str) -> Lookup<'t, 'a> {
        self.settings.clone().get(path)
    }

    /// The pool's name: the profile's `name`, or the last segment of the resource name.
    #[must_use]
    pub fn name(&self) -> Option<String> {
        match self.source {
            PoolSource::Profile { .. } => self.value.member("name")?.as_str().map(str::to_owned),
            PoolSource::ChildResource => self
                .resource
                .name
                .as_str()
                .and_then(|n| n.rsplit('/').next())
                .map(str::to_owned),
        }
    }

    /// The object declaring the pool (profile item or `agentPools` resource), for findings
    /// about a missing setting.
    #[must_use]
    pub const fn value(&self) -> &'t Value<'a> {
        self.value
    }

    /// "node pool `np1` of managedClusters `aks`" or "agentPools `aks/np2`", for messages.
    #[must_use]
    pub fn describe(&self) -> &str {
        self.description.get_or_init(|| match self.source {
            PoolSource::Profile { index } => {
                let cluster = self.resource.describe();
                match self.value.member("name").and_then(Value::as_str) {
                    Some(name) => ["node pool `", name, "` of ", &cluster].concat(),
                    None => format!("node pool #{} of {cluster}", index + 1),
                }
            }
            PoolSource::ChildResource => self.resource.describe(),
        })
    }

    /// The `apiVersion` the pool is declared with: the cluster's for a profile, the
    /// `agentPools` resource's otherwise.
    #[must_use]
    pub const fn api_version(&self) -> Option<ApiVersion> {
        self.api_version
    }

    /// Whether `mode` is known to be `System`.
    #[must_use]
    pub fn is_system(&self) -> bool {
        self.property("mode").is_str_ignore_case("System")
    }
}

impl<'a> EvaluatedTemplate<'a> {
    /// Every managed cluster the template deploys (`existing` references left out), each with
    /// its node pools.
    #[must_use]
    pub fn managed_clusters(&self) -> Vec<ManagedCluster<'_, 'a>> {
        let mut clusters: Vec<ManagedCluster<'_, 'a>> = self
            .deployed_of_type(MANAGED_CLUSTERS)
            .map(|(index, resource)| {
                let properties = resource.get("properties");
                let api_version = resource.declared_api_version();
                let profiles = properties.clone().get("agentPoolProfiles");
                let mut pools = Vec::new();
                let mut profiles_unknown = None;
                match &profiles {
                    Lookup::Known(value) => {
                        for (i, item) in value.as_array().unwrap_or_default().iter().enumerate() {
                            if item.is_unknown() {
                                profiles_unknown = Some(item);
                                continue;
                            }
                            pools.push(AgentPool {
                                source: PoolSource::Profile { index: i },
                                resource,
                                cluster: Some(index),
                                settings: Lookup::Known(item),
                                value: item,
                                api_version,
                                description: OnceCell::new(),
                            });
                        }
                    }
                    Lookup::Unknown(value) => profiles_unknown = Some(value),
                    Lookup::Absent { .. } => {}
                }
                ManagedCluster {
                    resource,
                    index,
                    pools,
                    profiles_unknown,
                    properties,
                    api_version,
                    description: OnceCell::new(),
                }
            })
            .collect();
        for (_, pool) in self.child_pools() {
            if let Some(cluster) = clusters.iter_mut().find(|c| Some(c.index) == pool.cluster) {
                cluster.pools.push(pool);
            }
        }
        clusters
    }

    /// Every `agentPools` resource with the cluster it belongs to when that cluster is in the
    /// file; pools whose cluster is elsewhere have `cluster: None`.
    #[must_use]
    pub fn child_pools(&self) -> Vec<(usize, AgentPool<'_, 'a>)> {
        self.deployed_of_type(AGENT_POOLS)
            .map(|(index, resource)| {
                (
                    index,
                    AgentPool {
                        source: PoolSource::ChildResource,
                        resource,
                        cluster: self.owner(index, MANAGED_CLUSTERS),
                        settings: resource.get("properties"),
                        value: &resource.body,
                        api_version: resource.declared_api_version(),
                        description: OnceCell::new(),
                    },
                )
            })
            .collect()
    }

    /// The resource of type `owner_type` (e.g. a managed cluster) that resource `index`
    /// belongs to: its parent in a nested `resources` array, the resource named by the first
    /// segment of its name, by its `scope`, or by a `dependsOn` entry (resource id, name or
    /// symbolic name). Unknown names match when they depend on the same unknown expression.
    #[must_use]
    pub fn owner(&self, index: usize, owner_type: &str) -> Option<usize> {
        let resource = self.resources.get(index)?;
        let is_owner = |i: usize| {
            self.resources
                .get(i)
                .is_some_and(|r| r.is_type(owner_type) && !r.existing)
        };
        if let Some(parent) = resource.parent.filter(|p| is_owner(*p)) {
            return Some(parent);
        }
        // Names are compared where they are, without building a key per name: ownership is
        // looked up for every pool and setting each time the clusters are listed.
        let by_key = |key: SegmentKey<'_>| {
            self.deployed_of_type(owner_type)
                .find(|(_, r)| SegmentKey::of(&r.name, 0).is_some_and(|k| k.matches(key)))
                .map(|(i, _)| i)
        };
        // A child named `cluster/pool` (or `cluster/Microsoft.Insights/setting`).
        let is_child = resource.resource_type.as_deref().is_some_and(|t| {
            t.len() > owner_type.len()
                && t.get(..owner_type.len())
                    .is_some_and(|prefix| prefix.eq_ignore_ascii_case(owner_type))
        });
        if is_child && let Some(found) = SegmentKey::of(&resource.name, 0).and_then(by_key) {
            return Some(found);
        }
        let references = resource.scope.iter().chain(&resource.depends_on);
        for reference in references {
            let key = match reference.data() {
                Data::String(text) => {
                    // A symbolic name (languageVersion 2.0).
                    if let Some((i, _)) = self.resources.iter().enumerate().find(|(i, r)| {
                        is_owner(*i)
                            && r.symbolic_name
                                .is_some_and(|s| s.eq_ignore_ascii_case(text))
                    }) {
                        return Some(i);
                    }
                    match name_in_id(text, owner_type) {
                        Some(name) => SegmentKey::Known(name),
                        None if !text.contains('/') => SegmentKey::Known(text),
                        None => continue,
                    }
                }
                Data::Unknown(unknown) => SegmentKey::Unknown(&unknown.expression),
                _ => continue,
            };
            if let Some(found) = by_key(key) {
                return Some(found);
            }
        }
        None
    }
}

/// The name of the `resource_type` resource a resource id (or a `Type/name` reference, as
/// Bicep writes `scope`) points at: `.../providers/Microsoft.ContainerService/managedClusters/aks`
/// gives `aks`.
#[must_use]
pub fn name_in_id<'t>(id: &'t str, resource_type: &str) -> Option<&'t str> {
    const PROVIDERS: &str = "/providers/";
    let bytes = id.as_bytes();
    let start = if starts_with_ignore_ascii_case(bytes, resource_type.as_bytes()) {
        0
    } else {
        // The first `/providers/<resource_type>/`, compared without case.
        (0..bytes.len()).find(|&at| {
            bytes.get(at..).is_some_and(|rest| {
                starts_with_ignore_ascii_case(rest, PROVIDERS.as_bytes())
                    && rest.get(PROVIDERS.len()..).is_some_and(|rest| {
                        starts_with_ignore_ascii_case(rest, resource_type.as_bytes())
                            && rest.get(resource_type.len()) == Some(&b'/')
                    })
            })
        })? + PROVIDERS.len()
    };
    let rest = id.get(start + resource_type.len()..)?.strip_prefix('/')?;
    rest.split('/').next().filter(|name| !name.is_empty())
}

/// Whether `text` starts with `prefix`, ASCII letters compared without case.
fn starts_with_ignore_ascii_case(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// One segment of a resource name as [`EvaluatedTemplate::owner`] matches it: what
/// [`NameKey`] holds, borrowed from the name instead of lowercased into a copy.
#[derive(Debug, Clone, Copy)]
enum SegmentKey<'t> {
    /// A known name segment.
    Known(&'t str),
    /// An unknown name: the unknown expression.
    Unknown(&'t str),
}

impl<'t> SegmentKey<'t> {
    fn of(name: &'t Value<'_>, segment: usize) -> Option<Self> {
        match name.data() {
            Data::String(text) => text.split('/').nth(segment).map(Self::Known),
            Data::Unknown(unknown) => Some(Self::Unknown(&unknown.expression)),
            _ => None,
        }
    }

    /// Whether both name the same resource, as their [`NameKey`]s would be equal.
    fn matches(self, other: SegmentKey<'_>) -> bool {
        match (self, other) {
            (Self::Known(a), SegmentKey::Known(b)) => a.eq_ignore_ascii_case(b),
            (Self::Unknown(a), SegmentKey::Unknown(b)) => a == b,
            _ => false,
        }
    }
}

/// The resource a diagnostic setting collects logs from, as far as AKS rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingTarget {
    /// A managed cluster of the same template (index into [`EvaluatedTemplate::resources`]).
    Cluster(usize),
    /// A managed cluster named so (lowercased), not deployed by this template.
    ClusterNamed(String),
    /// A scope that cannot be evaluated: it may be any cluster.
    Unknown,
}

/// A diagnostic setting of a managed cluster: `Microsoft.Insights/diagnosticSettings` with the
/// cluster as `scope` (or nested in the cluster), or the legacy
/// `Microsoft.ContainerService/managedClusters/providers/diagnosticSettings` named
/// `cluster/Microsoft.Insights/name`.
#[derive(Debug, Clone)]
pub struct DiagnosticSetting<'t, 'a> {
    /// The setting resource.
    pub resource: &'t Resource<'a>,
    /// Its index in [`EvaluatedTemplate::resources`].
    pub index: usize,
    /// The cluster it belongs to.
    pub target: SettingTarget,
}

impl<'t, 'a> DiagnosticSetting<'t, 'a> {
    /// `properties.logs`: an array of `{category | categoryGroup, enabled}`.
    #[must_use]
    pub fn logs(&self) -> Lookup<'t, 'a> {
        self.resource.property("logs")
    }
}

impl<'a> EvaluatedTemplate<'a> {
    /// Every diagnostic setting that collects logs from a managed cluster (or may: those whose
    /// scope is unknown). Settings of other resources are left out.
    #[must_use]
    pub fn cluster_diagnostic_settings(&self) -> Vec<DiagnosticSetting<'_, 'a>> {
        let is_cluster = |i: usize| {
            self.resources
                .get(i)
                .is_some_and(|r| r.is_type(MANAGED_CLUSTERS) && !r.existing)
        };
        let mut out = Vec::new();
        for (index, resource) in self.resources.iter().enumerate() {
            if resource.existing {
                continue;
            }
            let target = if resource.is_type(DIAGNOSTIC_SETTINGS) {
                if let Some(parent) = resource.parent.filter(|p| is_cluster(*p)) {
                    SettingTarget::Cluster(parent)
                } else {
                    match resource.scope.as_ref().map(Value::data) {
                        Some(Data::String(scope)) => match name_in_id(scope, MANAGED_CLUSTERS) {
                            Some(name) => self.cluster_named(name),
                            None => {
                                // A symbolic name (languageVersion 2.0) of a cluster.
                                match self.owner(index, MANAGED_CLUSTERS) {
                                    Some(cluster) if !scope.contains('/') => {
                                        SettingTarget::Cluster(cluster)
                                    }
                                    _ => continue,
                                }
                            }
                        },
                        Some(Data::Unknown(_)) => self
                            .owner(index, MANAGED_CLUSTERS)
                            .map_or(SettingTarget::Unknown, SettingTarget::Cluster),
                        _ => continue,
                    }
                }
            } else if resource.is_type(LEGACY_DIAGNOSTIC_SETTINGS) {
                match self.owner(index, MANAGED_CLUSTERS) {
                    Some(cluster) => SettingTarget::Cluster(cluster),
                    None => match resource.name.data() {
                        Data::String(name) => {
                            self.cluster_named(name.split('/').next().unwrap_or_default())
                        }
                        _ => SettingTarget::Unknown,
                    },
                }
            } else {
                continue;
            };
            out.push(DiagnosticSetting {
                resource,
                index,
                target,
            });
        }
        out
    }

    /// The cluster of this template named `name`, or a reference to one elsewhere.
    fn cluster_named(&self, name: &str) -> SettingTarget {
        self.deployed_of_type(MANAGED_CLUSTERS)
            .find(|(_, r)| {
                r.name
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map_or_else(
                || SettingTarget::ClusterNamed(name.to_ascii_lowercase()),
                |(i, _)| SettingTarget::Cluster(i),
            )
    }
}
