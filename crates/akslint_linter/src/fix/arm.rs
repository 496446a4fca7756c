//! Where an ARM rule's fix writes: the object a cluster or node pool setting lives in, and
//! setting a property whose evaluated value the rule looked at.

use akslint_model::azure::{AgentPool, Lookup, ManagedCluster, PoolSource};
use akslint_syntax::NodeRef;

use super::editor::NewValue;
use super::json::{JsonEditor, member};

/// The cluster resource object; cluster paths start with `properties`.
#[must_use]
pub fn cluster_object<'a>(cluster: &ManagedCluster<'_, 'a>) -> NodeRef<'a> {
    cluster.resource.node
}

/// The object a pool's settings are written in, and the path to them from it: the
/// `agentPoolProfiles` item as written (not one made by a `copy` loop or a parameter), or the
/// `agentPools` resource with `properties`.
#[must_use]
pub fn pool_object<'a>(pool: &AgentPool<'_, 'a>) -> Option<(NodeRef<'a>, &'static [&'static str])> {
    match pool.source {
        PoolSource::Profile { index } => {
            let properties = member(pool.resource.node, "properties")?;
            let profiles = member(properties, "agentPoolProfiles")?;
            if !profiles.is_sequence() {
                return None;
            }
            let item = profiles.items().nth(index)?;
            (item.is_mapping() && item.span() == pool.value().at().span()).then_some((item, &[]))
        }
        PoolSource::ChildResource => Some((pool.resource.node, &["properties"])),
    }
}

impl JsonEditor<'_> {
    /// Sets `path` below `object` to `value`, where the rule evaluated that path as `lookup`.
    /// Only a value written as a literal right there is replaced, and only a property missing
    /// from object literals is inserted: a value from a parameter, a variable or an expression
    /// (or under an object built by one) gets no edit.
    pub fn set_evaluated(
        &mut self,
        object: NodeRef<'_>,
        path: &[&str],
        lookup: &Lookup<'_, '_>,
        value: NewValue<'_>,
    ) -> Option<()> {
        if lookup.origin().is_some() {
            return None;
        }
        match lookup {
            Lookup::Unknown(_) => None,
            Lookup::Known(known) => {
                let mut node = object;
                for key in path {
                    node = member(node, key)?;
                }
                if node.span() != known.at().span() {
                    return None;
                }
                self.replace(node, value)
            }
            Lookup::Absent { .. } => self.set(object, path, value),
        }
    }
}

impl crate::Context<'_> {
    /// A fix that sets `path` (from the resource object: `["properties", ...]`) of `cluster`
    /// to `value`, where the rule evaluated it as `lookup`; see
    /// [`JsonEditor::set_evaluated`] for when there is none.
    pub fn cluster_fix(
        &self,
        message: impl Into<std::borrow::Cow<'static, str>>,
        cluster: &ManagedCluster<'_, '_>,
        path: &[&str],
        lookup: &Lookup<'_, '_>,
        value: NewValue<'_>,
    ) -> Option<akslint_diagnostics::Fix> {
        self.json_fix(message, |edit| {
            edit.set_evaluated(cluster_object(cluster), path, lookup, value)
        })
    }

    /// A fix that sets the pool setting `path` (below the profile item, or the `agentPools`
    /// resource's `properties`) to `value`, where the pool is written, not in a copy loop or
    /// a parameter.
    pub fn pool_fix(
        &self,
        message: impl Into<std::borrow::Cow<'static, str>>,
        pool: &AgentPool<'_, '_>,
        path: &[&str],
        lookup: &Lookup<'_, '_>,
        value: NewValue<'_>,
    ) -> Option<akslint_diagnostics::Fix> {
        let (object, prefix) = pool_object(pool)?;
        let full: Vec<&str> = prefix.iter().chain(path).copied().collect();
        self.json_fix(message, |edit| {
            edit.set_evaluated(object, &full, lookup, value)
        })
    }
}
