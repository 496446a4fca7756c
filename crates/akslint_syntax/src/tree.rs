use std::borrow::Cow;
use std::fmt;

use akslint_text::Span;

use crate::{K8sScalar, ScalarStyle, SyntaxError, resolve_k8s_scalar};

/// Index of a node in a [`Tree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    const NONE: u32 = u32::MAX;

    /// The index as `usize`.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// One key and its value in a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The key node.
    pub key: NodeId,
    /// The value node.
    pub value: NodeId,
}

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind<'s> {
    /// A scalar with its text after escape processing and how it was written.
    Scalar {
        /// The text (borrowed from the source when no escape was processed).
        value: Cow<'s, str>,
        /// How it was written.
        style: ScalarStyle,
    },
    /// A mapping; iterate its entries with [`NodeRef::entries`].
    Mapping {
        /// Range into the tree's entry list.
        entries: (u32, u32),
        /// Written in `{flow}` style.
        flow: bool,
    },
    /// A sequence; iterate its items with [`NodeRef::items`].
    Sequence {
        /// Range into the tree's item list.
        items: (u32, u32),
        /// Written in `[flow]` style.
        flow: bool,
    },
}

#[derive(Debug, Clone)]
struct NodeData<'s> {
    kind: NodeKind<'s>,
    span: Span,
    /// Where the node is written: the parent collection and, for a mapping value, the key.
    /// An alias makes a node reachable from several places; these name its definition.
    parent: u32,
    key: u32,
}

/// An arena of nodes for one file; documents are roots inside it.
#[derive(Debug, Clone, Default)]
pub struct Tree<'s> {
    nodes: Vec<NodeData<'s>>,
    entries: Vec<Entry>,
    items: Vec<NodeId>,
}

impl<'s> Tree<'s> {
    /// Adds a scalar node.
    pub fn push_scalar(&mut self, value: Cow<'s, str>, style: ScalarStyle, span: Span) -> NodeId {
        self.push(NodeKind::Scalar { value, style }, span)
    }

    /// Adds a mapping over `entries`, whose nodes must already be in the tree.
    pub fn push_mapping(&mut self, entries: &[Entry], flow: bool, span: Span) -> NodeId {
        let start = to_u32(self.entries.len());
        self.entries.extend_from_slice(entries);
        let end = to_u32(self.entries.len());
        let id = self.push(
            NodeKind::Mapping {
                entries: (start, end),
                flow,
            },
            span,
        );
        for entry in entries {
            self.adopt(entry.key, id, NodeId::NONE);
            self.adopt(entry.value, id, entry.key.0);
        }
        id
    }

    /// Adds a sequence over `items`, whose nodes must already be in the tree.
    pub fn push_sequence(&mut self, items: &[NodeId], flow: bool, span: Span) -> NodeId {
        let start = to_u32(self.items.len());
        self.items.extend_from_slice(items);
        let end = to_u32(self.items.len());
        let id = self.push(
            NodeKind::Sequence {
                items: (start, end),
                flow,
            },
            span,
        );
        for &item in items {
            self.adopt(item, id, NodeId::NONE);
        }
        id
    }

    fn push(&mut self, kind: NodeKind<'s>, span: Span) -> NodeId {
        let id = NodeId(to_u32(self.nodes.len()));
        self.nodes.push(NodeData {
            kind,
            span,
            parent: NodeId::NONE,
            key: NodeId::NONE,
        });
        id
    }

    /// Records the first place a node is written; later places are aliases.
    fn adopt(&mut self, child: NodeId, parent: NodeId, key: u32) {
        let data = &mut self.nodes[child.index()];
        if data.parent == NodeId::NONE {
            data.parent = parent.0;
            data.key = key;
        }
    }

    /// Reserves room for the nodes of a text of `bytes` bytes, so that building the tree of
    /// a file reallocates (and copies) its arrays rarely: Kubernetes YAML has about one node
    /// per dozen bytes (pretty-printed JSON has fewer, and [`Tree::shrink_to_fit`] gives the
    /// rest back).
    pub fn reserve_for_text(&mut self, bytes: usize) {
        self.nodes.reserve(bytes / 12 + 4);
        self.entries.reserve(bytes / 24 + 4);
        self.items.reserve(bytes / 128 + 4);
    }

    /// Gives back the room reserved beyond the nodes built: trees live until the end of a
    /// run, and with thousands of files the slack adds up.
    pub fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.items.shrink_to_fit();
    }

    /// Number of nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree has no node.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A handle on node `id`.
    #[must_use]
    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { tree: self, id }
    }

    /// How many nodes each node stands for with its aliases expanded, saturating at `u64::MAX`.
    ///
    /// Children are always created before their parents, so one pass in id order suffices.
    #[must_use]
    pub fn expanded_sizes(&self) -> Vec<u64> {
        let mut sizes = Vec::with_capacity(self.nodes.len());
        for data in &self.nodes {
            let size = match data.kind {
                NodeKind::Scalar { .. } => 1,
                NodeKind::Mapping { entries, .. } => self.entries
                    [entries.0 as usize..entries.1 as usize]
                    .iter()
                    .fold(1u64, |acc, e| {
                        acc.saturating_add(sizes[e.key.index()])
                            .saturating_add(sizes[e.value.index()])
                    }),
                NodeKind::Sequence { items, .. } => self.items[items.0 as usize..items.1 as usize]
                    .iter()
                    .fold(1u64, |acc, i| acc.saturating_add(sizes[i.index()])),
            };
            sizes.push(size);
        }
        sizes
    }
}

/// A cheap handle on one node of a [`Tree`], with navigation helpers.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    tree: &'a Tree<'a>,
    id: NodeId,
}

impl fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeRef({:?} @ {:?})", self.id, self.span())
    }
}

impl PartialEq for NodeRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree) && self.id == other.id
    }
}

impl<'a> NodeRef<'a> {
    fn data(self) -> &'a NodeData<'a> {
        &self.tree.nodes[self.id.index()]
    }

    /// The node's id in its tree.
    #[must_use]
    pub const fn id(self) -> NodeId {
        self.id
    }

    /// The tree the node belongs to.
    #[must_use]
    pub const fn tree(self) -> &'a Tree<'a> {
        self.tree
    }

    /// What the node is.
    #[must_use]
    pub fn kind(self) -> &'a NodeKind<'a> {
        &self.data().kind
    }

    /// The node's source range: a scalar's text (with its quotes), a collection from its first
    /// to its last character.
    #[must_use]
    pub fn span(self) -> Span {
        self.data().span
    }

    /// The collection the node is written in.
    #[must_use]
    pub fn parent(self) -> Option<Self> {
        let parent = self.data().parent;
        (parent != NodeId::NONE).then(|| self.tree.node(NodeId(parent)))
    }

    /// The key this node is the value of, when it is written as a mapping value.
    #[must_use]
    pub fn key(self) -> Option<Self> {
        let key = self.data().key;
        (key != NodeId::NONE).then(|| self.tree.node(NodeId(key)))
    }

    /// Whether the node is a mapping.
    #[must_use]
    pub fn is_mapping(self) -> bool {
        matches!(self.kind(), NodeKind::Mapping { .. })
    }

    /// Whether the node is a sequence.
    #[must_use]
    pub fn is_sequence(self) -> bool {
        matches!(self.kind(), NodeKind::Sequence { .. })
    }

    /// Whether the collection is written in flow style (`{}` or `[]`).
    #[must_use]
    pub fn is_flow(self) -> bool {
        matches!(
            self.kind(),
            NodeKind::Mapping { flow: true, .. } | NodeKind::Sequence { flow: true, .. }
        )
    }

    /// The scalar's text and style.
    #[must_use]
    pub fn scalar(self) -> Option<(&'a str, ScalarStyle)> {
        match self.kind() {
            NodeKind::Scalar { value, style } => Some((value.as_ref(), *style)),
            _ => None,
        }
    }

    /// The scalar's value as Kubernetes reads it (YAML 1.1 rules).
    #[must_use]
    pub fn k8s_value(self) -> Option<K8sScalar<'a>> {
        self.scalar()
            .map(|(value, style)| resolve_k8s_scalar(value, style))
    }

    /// The value as a Kubernetes boolean field reads it: `Some` for `true`/`false` and the YAML
    /// 1.1 spellings, `None` for anything else (a quoted `"true"` is a type error, not a boolean).
    #[must_use]
    pub fn as_bool(self) -> Option<bool> {
        match self.k8s_value()? {
            K8sScalar::Bool(value) => Some(value),
            _ => None,
        }
    }

    /// The value as an integer field reads it.
    #[must_use]
    pub fn as_int(self) -> Option<i64> {
        match self.k8s_value()? {
            K8sScalar::Int(value) => Some(value),
            _ => None,
        }
    }

    /// The scalar's text, whatever its style, unless it resolves to null.
    #[must_use]
    pub fn as_str(self) -> Option<&'a str> {
        match self.k8s_value()? {
            K8sScalar::Null => None,
            _ => self.scalar().map(|(value, _)| value),
        }
    }

    /// Whether the node is a null scalar (`~`, `null`, or an empty value).
    #[must_use]
    pub fn is_null(self) -> bool {
        matches!(self.k8s_value(), Some(K8sScalar::Null))
    }

    /// The entries of a mapping (empty for other nodes), in source order.
    #[must_use]
    pub fn entries(self) -> impl ExactSizeIterator<Item = (Self, Self)> + 'a {
        let slice: &'a [Entry] = match self.kind() {
            NodeKind::Mapping { entries, .. } => {
                &self.tree.entries[entries.0 as usize..entries.1 as usize]
            }
            _ => &[],
        };
        let tree = self.tree;
        slice
            .iter()
            .map(move |e| (tree.node(e.key), tree.node(e.value)))
    }

    /// The items of a sequence (empty for other nodes).
    #[must_use]
    pub fn items(self) -> impl ExactSizeIterator<Item = Self> + 'a {
        let slice: &'a [NodeId] = match self.kind() {
            NodeKind::Sequence { items, .. } => {
                &self.tree.items[items.0 as usize..items.1 as usize]
            }
            _ => &[],
        };
        let tree = self.tree;
        slice.iter().map(move |&id| tree.node(id))
    }

    /// The key and value of `key` in a mapping. With a duplicated key the last one wins, as in
    /// the decoder Kubernetes uses.
    #[must_use]
    pub fn entry(self, key: &str) -> Option<(Self, Self)> {
        let NodeKind::Mapping { entries, .. } = self.kind() else {
            return None;
        };
        // From the end: the last of duplicate keys wins, and a hit stops the scan early.
        let tree = self.tree;
        tree.entries[entries.0 as usize..entries.1 as usize]
            .iter()
            .rev()
            .find(|e| matches!(&tree.nodes[e.key.index()].kind, NodeKind::Scalar { value, .. } if value == key))
            .map(|e| (tree.node(e.key), tree.node(e.value)))
    }

    /// The value of `key` in a mapping.
    #[must_use]
    pub fn get(self, key: &str) -> Option<Self> {
        self.entry(key).map(|(_, value)| value)
    }

    /// Follows a dotted path of mapping keys (`spec.template.spec`).
    #[must_use]
    pub fn get_path(self, path: &str) -> Option<Self> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// Follows `path` as far as it exists: the deepest node reached and the keys left over.
    #[must_use]
    pub fn walk_path(self, path: &str) -> (Self, Option<&str>) {
        let mut node = self;
        let mut rest = Some(path);
        while let Some(remaining) = rest {
            let (key, tail) = match remaining.split_once('.') {
                Some((key, tail)) => (key, Some(tail)),
                None => (remaining, None),
            };
            match node.get(key) {
                Some(next) if !next.is_null() => {
                    node = next;
                    rest = tail;
                }
                _ => break,
            }
        }
        (node, rest)
    }

    /// The span to underline for this node as a place: a mapping value's key and value
    /// (`privileged: true`), otherwise the node itself.
    #[must_use]
    pub fn entry_span(self) -> Span {
        match self.key() {
            Some(key) if self.span().end >= key.span().start => key.span().cover(self.span()),
            _ => self.span(),
        }
    }

    /// Where to point when something is missing inside this node: its key when it is a mapping
    /// value (`securityContext:`), the first key when it is a mapping in a sequence
    /// (`- name: app`), otherwise the node itself.
    #[must_use]
    pub fn anchor_span(self) -> Span {
        if let Some(key) = self.key() {
            return key.span();
        }
        if let Some((first_key, first_value)) = self.entries().next() {
            return first_key.span().cover(first_value.span());
        }
        self.span()
    }
}

/// A comment with its span (from `#` or `//` to the end of the line) and its text after the marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment<'s> {
    /// The whole comment.
    pub span: Span,
    /// The text after `#` (or `//`).
    pub text: Cow<'s, str>,
}

/// One document of a stream (a JSON file is a stream of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Position of the document in the stream, from 0.
    pub index: usize,
    /// The root node; `None` for an empty document or one that failed to parse.
    pub root: Option<NodeId>,
    /// From the document's first to its last character.
    pub span: Span,
    /// Whether the document could not be parsed (its error is in [`ParsedFile::errors`]).
    pub failed: bool,
    /// The Helm `# Source: chart/templates/x.yaml` comment that precedes the document, if any.
    pub helm_source: Option<String>,
}

/// A parsed file: its node arena, documents, comments and syntax errors.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile<'s> {
    /// All nodes of all documents.
    pub tree: Tree<'s>,
    /// The documents, in source order.
    pub documents: Vec<Document>,
    /// Every comment in source order.
    pub comments: Vec<Comment<'s>>,
    /// Syntax errors, duplicate keys and exceeded limits.
    pub errors: Vec<SyntaxError>,
}

impl ParsedFile<'_> {
    /// The root node of `document`, if it has one.
    #[must_use]
    pub fn root(&self, document: &Document) -> Option<NodeRef<'_>> {
        document.root.map(|id| self.tree.node(id))
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
