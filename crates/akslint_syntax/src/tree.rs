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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind<'s> {
    /// A scalar with its text after escape processing and how it was written.
    Scalar {
        /// The text (a slice of the source when no escape was processed).
        value: &'s str,
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

/// Where a node's payload lives: [`NodeData::start`] and [`NodeData::end`] are byte offsets into
/// the source or the tree's own text, or a range of entries or items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    ScalarInSource,
    ScalarInTree,
    Mapping,
    Sequence,
}

/// A node in 28 bytes: a run holds every tree of the project at once, and node size is most of
/// its memory (a `Cow` and an enum tag made it 48).
#[derive(Debug, Clone)]
struct NodeData {
    span: Span,
    /// Where the node is written: the parent collection and, for a mapping value, the key.
    /// An alias makes a node reachable from several places; these name its definition.
    parent: u32,
    key: u32,
    start: u32,
    end: u32,
    shape: Shape,
    style: ScalarStyle,
    flow: bool,
}

const _: () = assert!(std::mem::size_of::<NodeData>() == 28);

/// An arena of nodes for one file; documents are roots inside it.
#[derive(Debug, Clone, Default)]
pub struct Tree<'s> {
    /// The text the tree was parsed from; scalars written without escapes are slices of it.
    source: &'s str,
    /// The scalars that are not slices of the source (unescaped, folded or synthesized), end
    /// to end.
    text: String,
    nodes: Vec<NodeData>,
    entries: Vec<Entry>,
    /// A [`fingerprint`] of each entry's key, so that a lookup reads one array instead of
    /// every key node of a mapping, which are far apart in a tree that has gone cold.
    fingerprints: Vec<u32>,
    items: Vec<NodeId>,
}

impl<'s> Tree<'s> {
    /// An empty tree for nodes parsed from `source`.
    #[must_use]
    pub fn new(source: &'s str) -> Self {
        Self {
            source,
            ..Self::default()
        }
    }

    /// Adds a scalar node; a value borrowed from the tree's source is kept as a slice of it,
    /// any other is copied into the tree.
    pub fn push_scalar(&mut self, value: Cow<'s, str>, style: ScalarStyle, span: Span) -> NodeId {
        let in_source = match &value {
            Cow::Borrowed(text) => self.offset_in_source(text),
            Cow::Owned(_) => None,
        };
        let (shape, start, end) = match in_source {
            Some(start) => (Shape::ScalarInSource, start, start + value.len()),
            None => {
                let start = self.text.len();
                self.text.push_str(&value);
                (Shape::ScalarInTree, start, self.text.len())
            }
        };
        self.push(shape, (to_u32(start), to_u32(end)), span, style, false)
    }

    /// Where `value` starts in the source, when it is a slice of it.
    fn offset_in_source(&self, value: &str) -> Option<usize> {
        let offset = (value.as_ptr() as usize).checked_sub(self.source.as_ptr() as usize)?;
        (offset + value.len() <= self.source.len()).then_some(offset)
    }

    /// Adds a mapping over `entries`, whose nodes must already be in the tree.
    pub fn push_mapping(&mut self, entries: &[Entry], flow: bool, span: Span) -> NodeId {
        let start = to_u32(self.entries.len());
        self.entries.extend_from_slice(entries);
        let end = to_u32(self.entries.len());
        let id = self.push(Shape::Mapping, (start, end), span, ScalarStyle::Plain, flow);
        for entry in entries {
            let key = &self.nodes[entry.key.index()];
            let fingerprint = self.scalar_bytes(key).map_or(0, fingerprint);
            self.fingerprints.push(fingerprint);
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
            Shape::Sequence,
            (start, end),
            span,
            ScalarStyle::Plain,
            flow,
        );
        for &item in items {
            self.adopt(item, id, NodeId::NONE);
        }
        id
    }

    fn push(
        &mut self,
        shape: Shape,
        (start, end): (u32, u32),
        span: Span,
        style: ScalarStyle,
        flow: bool,
    ) -> NodeId {
        let id = NodeId(to_u32(self.nodes.len()));
        self.nodes.push(NodeData {
            span,
            parent: NodeId::NONE,
            key: NodeId::NONE,
            start,
            end,
            shape,
            style,
            flow,
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

    /// The text of a scalar node, `None` for a collection.
    fn scalar_text(&self, data: &NodeData) -> Option<&str> {
        self.scalar_buffer(data)?
            .get(data.start as usize..data.end as usize)
    }

    /// The bytes of a scalar node's text: comparing keys needs no check of char boundaries.
    fn scalar_bytes(&self, data: &NodeData) -> Option<&[u8]> {
        self.scalar_buffer(data)?
            .as_bytes()
            .get(data.start as usize..data.end as usize)
    }

    /// The text a scalar node's range points into.
    fn scalar_buffer(&self, data: &NodeData) -> Option<&str> {
        match data.shape {
            Shape::ScalarInSource => Some(self.source),
            Shape::ScalarInTree => Some(&self.text),
            Shape::Mapping | Shape::Sequence => None,
        }
    }

    /// Reserves room for the nodes of a text of `bytes` bytes that has about one node per
    /// `bytes_per_node` bytes, so that building the tree of a file reallocates (and copies)
    /// its arrays rarely ([`Tree::shrink_to_fit`] gives the rest back).
    pub fn reserve_for_text(&mut self, bytes: usize, bytes_per_node: usize) {
        let nodes = bytes / bytes_per_node.max(1);
        self.nodes.reserve(nodes + 4);
        self.entries.reserve(nodes / 2 + 4);
        self.fingerprints.reserve(nodes / 2 + 4);
        self.items.reserve(nodes / 10 + 4);
    }

    /// Gives back the room reserved beyond the nodes built: trees live until the end of a
    /// run, and with thousands of files the slack adds up.
    pub fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.text.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.fingerprints.shrink_to_fit();
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
            let range = data.start as usize..data.end as usize;
            let size = match data.shape {
                Shape::ScalarInSource | Shape::ScalarInTree => 1,
                Shape::Mapping => self.entries[range].iter().fold(1u64, |acc, e| {
                    acc.saturating_add(sizes[e.key.index()])
                        .saturating_add(sizes[e.value.index()])
                }),
                Shape::Sequence => self.items[range]
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
    fn data(self) -> &'a NodeData {
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
    pub fn kind(self) -> NodeKind<'a> {
        let data = self.data();
        let range = (data.start, data.end);
        match data.shape {
            Shape::Mapping => NodeKind::Mapping {
                entries: range,
                flow: data.flow,
            },
            Shape::Sequence => NodeKind::Sequence {
                items: range,
                flow: data.flow,
            },
            Shape::ScalarInSource | Shape::ScalarInTree => NodeKind::Scalar {
                value: self.tree.scalar_text(data).unwrap_or_default(),
                style: data.style,
            },
        }
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
        self.data().shape == Shape::Mapping
    }

    /// Whether the node is a sequence.
    #[must_use]
    pub fn is_sequence(self) -> bool {
        self.data().shape == Shape::Sequence
    }

    /// Whether the collection is written in flow style (`{}` or `[]`).
    #[must_use]
    pub fn is_flow(self) -> bool {
        self.data().flow
    }

    /// The scalar's text and style.
    #[must_use]
    pub fn scalar(self) -> Option<(&'a str, ScalarStyle)> {
        let data = self.data();
        Some((self.tree.scalar_text(data)?, data.style))
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
        let slice: &'a [Entry] = self.entry_slice();
        let tree = self.tree;
        slice
            .iter()
            .map(move |e| (tree.node(e.key), tree.node(e.value)))
    }

    /// The items of a sequence (empty for other nodes).
    #[must_use]
    pub fn items(self) -> impl ExactSizeIterator<Item = Self> + 'a {
        let data = self.data();
        let slice: &'a [NodeId] = match data.shape {
            Shape::Sequence => &self.tree.items[data.start as usize..data.end as usize],
            _ => &[],
        };
        let tree = self.tree;
        slice.iter().map(move |&id| tree.node(id))
    }

    /// The key and value of `key` in a mapping. With a duplicated key the last one wins, as in
    /// the decoder Kubernetes uses.
    #[must_use]
    pub fn entry(self, key: &str) -> Option<(Self, Self)> {
        let data = self.data();
        if data.shape != Shape::Mapping {
            return None;
        }
        let tree = self.tree;
        let range = data.start as usize..data.end as usize;
        let sought = fingerprint(key.as_bytes());
        // From the end: the last of duplicate keys wins, and a hit stops the scan early.
        tree.fingerprints[range.clone()]
            .iter()
            .zip(&tree.entries[range])
            .rev()
            .find(|&(&print, e)| {
                print == sought
                    && tree.scalar_bytes(&tree.nodes[e.key.index()]) == Some(key.as_bytes())
            })
            .map(|(_, e)| (tree.node(e.key), tree.node(e.value)))
    }

    /// The entries of a mapping (empty for other nodes).
    fn entry_slice(self) -> &'a [Entry] {
        let data = self.data();
        match data.shape {
            Shape::Mapping => &self.tree.entries[data.start as usize..data.end as usize],
            _ => &[],
        }
    }

    /// The value of `key` in a mapping.
    #[must_use]
    pub fn get(self, key: &str) -> Option<Self> {
        self.entry(key).map(|(_, value)| value)
    }

    /// Follows a dotted path of mapping keys (`spec.template.spec`).
    #[must_use]
    pub fn get_path(self, path: &str) -> Option<Self> {
        let mut node = self;
        let mut rest = path;
        loop {
            let (key, tail) = split_first_key(rest);
            node = node.get(key)?;
            match tail {
                Some(tail) => rest = tail,
                None => return Some(node),
            }
        }
    }

    /// Follows `path` as far as it exists: the deepest node reached and the keys left over.
    #[must_use]
    pub fn walk_path(self, path: &str) -> (Self, Option<&str>) {
        let mut node = self;
        let mut rest = Some(path);
        while let Some(remaining) = rest {
            let (key, tail) = split_first_key(remaining);
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
    /// The comments in source order: every one in JSON and Bicep; in YAML, every one when the
    /// file holds one that akslint reads (`akslint:`, or Helm's `Source:`), and none otherwise.
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

/// A key's length and three of its bytes: different keys of one mapping rarely share it.
/// The first key of a dotted path and the path after its dot. Paths are a few short keys, and
/// rules follow them for every object: a scan of the bytes costs less than a string search.
fn split_first_key(path: &str) -> (&str, Option<&str>) {
    match path.bytes().position(|byte| byte == b'.') {
        Some(dot) => (&path[..dot], Some(&path[dot + 1..])),
        None => (path, None),
    }
}

fn fingerprint(bytes: &[u8]) -> u32 {
    let byte = |index: usize| u32::from(bytes.get(index).copied().unwrap_or(0));
    let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX) & 0xff;
    length << 24 | byte(0) << 16 | byte(bytes.len() / 2) << 8 | byte(bytes.len().wrapping_sub(1))
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
