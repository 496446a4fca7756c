use akslint_syntax::{Document, NodeRef, ParsedFile};

/// A Kubernetes object: a mapping with `apiVersion` and `kind`.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// The object's mapping.
    pub node: NodeRef<'a>,
    /// The document it was written in.
    pub document: &'a Document,
    /// `apiVersion`, when it is a string.
    pub api_version: Option<&'a str>,
    /// `kind`, when it is a string.
    pub kind: Option<&'a str>,
    /// `metadata.name`.
    pub name: Option<&'a str>,
    /// `metadata.namespace`.
    pub namespace: Option<&'a str>,
}

/// Who an object is, for messages, baselines and fingerprints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectIdentity {
    /// The object's kind, or an empty string when it has none.
    pub kind: String,
    /// `metadata.name` (`generateName` followed by `*` when only that is set).
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
}

impl<'a> Object<'a> {
    /// Reads the identity fields of `node`; `None` unless it is a mapping with a `kind`.
    #[must_use]
    pub fn from_node(node: NodeRef<'a>, document: &'a Document) -> Option<Self> {
        if !node.is_mapping() {
            return None;
        }
        let kind = node.get("kind").and_then(NodeRef::as_str);
        let api_version = node.get("apiVersion").and_then(NodeRef::as_str);
        kind?;
        let metadata = node.get("metadata");
        Some(Self {
            node,
            document,
            api_version,
            kind,
            name: metadata
                .and_then(|m| m.get("name"))
                .and_then(NodeRef::as_str),
            namespace: metadata
                .and_then(|m| m.get("namespace"))
                .and_then(NodeRef::as_str),
        })
    }

    /// `metadata`.
    #[must_use]
    pub fn metadata(&self) -> Option<NodeRef<'a>> {
        self.node.get("metadata")
    }

    /// The value of label `key` in `metadata.labels`.
    #[must_use]
    pub fn label(&self, key: &str) -> Option<NodeRef<'a>> {
        map_entry(self.metadata(), "labels", key)
    }

    /// The value of annotation `key` in `metadata.annotations`.
    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<NodeRef<'a>> {
        map_entry(self.metadata(), "annotations", key)
    }

    /// The API group (`apps` for `apps/v1`, empty for the core group).
    #[must_use]
    pub fn api_group(&self) -> &'a str {
        self.api_version
            .and_then(|v| v.split_once('/'))
            .map_or("", |(group, _)| group)
    }

    /// The object's identity for messages and fingerprints.
    #[must_use]
    pub fn identity(&self) -> ObjectIdentity {
        let name = self.name.map(str::to_owned).or_else(|| {
            self.metadata()
                .and_then(|m| m.get("generateName"))
                .and_then(NodeRef::as_str)
                .map(|prefix| format!("{prefix}*"))
        });
        ObjectIdentity {
            kind: self.kind.unwrap_or_default().to_owned(),
            name,
            namespace: self.namespace.map(str::to_owned),
        }
    }

    /// `Kind name` (or `Kind` alone), for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        self.description().concat()
    }

    /// The pieces of [`Self::describe`], so that longer descriptions are written in one go.
    pub(crate) fn description(&self) -> [&'a str; 4] {
        match (self.kind, self.name) {
            (Some(kind), Some(name)) => [kind, " `", name, "`"],
            (Some(kind), None) => [kind, "", "", ""],
            (None, _) => ["object", "", "", ""],
        }
    }
}

/// Every object of a parsed file, with `kind: List` (and `*List` kinds) expanded into their
/// items, as kubectl does.
#[must_use]
pub fn objects<'a>(file: &'a ParsedFile<'a>) -> Vec<Object<'a>> {
    let mut out = Vec::with_capacity(file.documents.len());
    for document in &file.documents {
        let Some(root) = file.root(document) else {
            continue;
        };
        let Some(object) = Object::from_node(root, document) else {
            continue;
        };
        if is_list(&object) {
            out.extend(
                object
                    .node
                    .get("items")
                    .into_iter()
                    .flat_map(NodeRef::items)
                    .filter_map(|item| Object::from_node(item, document)),
            );
        } else {
            out.push(object);
        }
    }
    out
}

fn is_list(object: &Object<'_>) -> bool {
    object.kind.is_some_and(|kind| kind.ends_with("List"))
        && object.node.get("items").is_some_and(NodeRef::is_sequence)
}

/// `metadata.<map>.<key>`: label and annotation keys contain dots, so they are looked up as one
/// key, not as a path.
pub(crate) fn map_entry<'a>(
    metadata: Option<NodeRef<'a>>,
    map: &str,
    key: &str,
) -> Option<NodeRef<'a>> {
    metadata?.get(map)?.get(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use akslint_syntax::{Limits, yaml};

    #[test]
    fn lists_are_expanded() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- {apiVersion: v1, kind: Service, metadata: {name: b, namespace: x}}\n---\napiVersion: apps/v1\nkind: DeploymentList\nitems:\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: c}}\n---\nkind: Pod\nmetadata: {generateName: web-}\n";
        let file = yaml::parse(text, &Limits::default());
        let found: Vec<_> = objects(&file).iter().map(Object::identity).collect();
        let names: Vec<_> = found
            .iter()
            .map(|id| format!("{}/{}", id.kind, id.name.as_deref().unwrap_or("-")))
            .collect();
        assert_eq!(names, ["Pod/a", "Service/b", "Deployment/c", "Pod/web-*"]);
        assert_eq!(found[1].namespace.as_deref(), Some("x"));
    }

    #[test]
    fn documents_without_kind_are_not_objects() {
        let text = "foo: bar\n---\n- a\n---\nkind: Pod\n";
        let file = yaml::parse(text, &Limits::default());
        assert_eq!(objects(&file).len(), 1);
    }

    #[test]
    fn api_group() {
        let text = "apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: v1\nkind: Pod\n";
        let file = yaml::parse(text, &Limits::default());
        let groups: Vec<_> = objects(&file).iter().map(Object::api_group).collect();
        assert_eq!(groups, ["apps", ""]);
    }
}
