//! YAML streams into the span tree, on granit-parser's event stream.
//!
//! The parser splits the stream into documents; a document with a syntax error is recorded as
//! failed and parsing resumes at the next `---`. Aliases share the anchored node instead of
//! copying it, so an alias bomb costs no memory; its expanded size is still measured and a
//! document over [`Limits::max_expanded_nodes`] is rejected, as go-yaml rejects "excessive
//! aliasing". `<<` merge keys are resolved with the YAML merge rules: keys written in the
//! mapping win over merged ones, and earlier merge sources win over later ones.

use std::borrow::Cow;
use std::collections::HashMap;

use akslint_text::Span;
use granit_parser::{ErrorKind, Event, Parser, ScanError};

use crate::tree::{Comment, Document, Entry, NodeId, NodeKind, ParsedFile};
use crate::{Limits, ScalarStyle, SyntaxError, SyntaxErrorKind};

/// Parses a YAML stream. Never fails: problems are in [`ParsedFile::errors`].
#[must_use]
pub fn parse<'s>(text: &'s str, limits: &Limits) -> ParsedFile<'s> {
    let options = granit_parser::options! {
        emit_comments: true,
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut builder = Builder::default();
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                let span = byte_span(&span);
                if !builder.event(event, span, limits) {
                    break;
                }
            }
            Some(Err(error)) => {
                builder.fail_document(&error, text);
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    Ok(false) | Err(_) => break,
                }
            }
        }
    }
    builder.finish(text, limits)
}

fn byte_span(span: &granit_parser::Span) -> Span {
    span.byte_range()
        .map_or_else(Span::default, Span::from_range)
}

enum Frame {
    Mapping {
        start: Span,
        flow: bool,
        anchor: usize,
        entries: Vec<Entry>,
        pending_key: Option<NodeId>,
    },
    Sequence {
        start: Span,
        flow: bool,
        anchor: usize,
        items: Vec<NodeId>,
    },
}

#[derive(Default)]
struct Builder<'s> {
    out: ParsedFile<'s>,
    frames: Vec<Frame>,
    anchors: HashMap<usize, NodeId>,
    document_start: Option<Span>,
    root: Option<NodeId>,
    /// Spare vectors, so that a stream of many small mappings does not allocate per mapping.
    spare_entries: Vec<Vec<Entry>>,
    spare_items: Vec<Vec<NodeId>>,
}

impl<'s> Builder<'s> {
    /// Handles one event; returns false when parsing must stop.
    fn event(&mut self, event: Event<'s>, span: Span, limits: &Limits) -> bool {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => {
                if self.out.documents.len() >= limits.max_documents {
                    self.out.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::LimitExceeded,
                        message: format!(
                            "the stream has more than {} documents; the rest is not read",
                            limits.max_documents
                        ),
                        span: Span::empty(span.start),
                        document: Some(self.out.documents.len()),
                    });
                    return false;
                }
                self.document_start = Some(span);
                self.root = None;
                self.anchors.clear();
            }
            Event::DocumentEnd => self.end_document(span, false),
            Event::Comment(text, _) => self.out.comments.push(Comment { span, text }),
            Event::Scalar(value, style, anchor, tag) => {
                let style = match tag {
                    Some(tag) if tag.is_yaml_core_schema_tag("str") || is_non_specific(&tag) => {
                        ScalarStyle::TaggedString
                    }
                    _ => convert_style(style),
                };
                let id = self.out.tree.push_scalar(value, style, span);
                self.register_anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let id = match self.anchors.get(&anchor) {
                    Some(&id) => id,
                    None => {
                        // An alias to a collection still being built refers to itself.
                        self.error(SyntaxErrorKind::Invalid, "recursive alias", span);
                        self.out
                            .tree
                            .push_scalar(Cow::Borrowed(""), ScalarStyle::Plain, span)
                    }
                };
                self.attach(id);
            }
            Event::UnresolvedAlias(name) => {
                self.error(
                    SyntaxErrorKind::Invalid,
                    &format!("unknown anchor `{name}`"),
                    span,
                );
                let id = self
                    .out
                    .tree
                    .push_scalar(Cow::Borrowed(""), ScalarStyle::Plain, span);
                self.attach(id);
            }
            Event::MappingStart(style, anchor, _) => {
                let entries = self.spare_entries.pop().unwrap_or_default();
                self.frames.push(Frame::Mapping {
                    start: span,
                    flow: style == granit_parser::StructureStyle::Flow,
                    anchor,
                    entries,
                    pending_key: None,
                });
            }
            Event::SequenceStart(style, anchor, _) => {
                let items = self.spare_items.pop().unwrap_or_default();
                self.frames.push(Frame::Sequence {
                    start: span,
                    flow: style == granit_parser::StructureStyle::Flow,
                    anchor,
                    items,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => self.end_collection(span),
            // Events added by later parser versions carry nothing the tree needs.
            #[allow(unreachable_patterns)]
            _ => {}
        }
        true
    }

    fn error(&mut self, kind: SyntaxErrorKind, message: &str, span: Span) {
        self.out.errors.push(SyntaxError {
            kind,
            message: message.to_owned(),
            span,
            document: Some(self.out.documents.len()),
        });
    }

    fn register_anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }

    fn attach(&mut self, id: NodeId) {
        match self.frames.last_mut() {
            None => self.root = Some(id),
            Some(Frame::Sequence { items, .. }) => items.push(id),
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(id),
                Some(key) => entries.push(Entry { key, value: id }),
            },
        }
    }

    fn end_collection(&mut self, end: Span) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let id = match frame {
            Frame::Mapping {
                start,
                flow,
                anchor,
                mut entries,
                pending_key,
            } => {
                if let Some(key) = pending_key {
                    // A key without a value (`? key`) maps to null.
                    let span = Span::empty(self.out.tree.node(key).span().end);
                    let value =
                        self.out
                            .tree
                            .push_scalar(Cow::Borrowed(""), ScalarStyle::Plain, span);
                    entries.push(Entry { key, value });
                }
                self.report_duplicate_keys(&entries);
                let merged = self.resolve_merge_keys(&entries);
                let span = self.collection_span(start, end, flow, entries.last().map(|e| e.value));
                let id =
                    self.out
                        .tree
                        .push_mapping(merged.as_deref().unwrap_or(&entries), flow, span);
                entries.clear();
                self.spare_entries.push(entries);
                self.register_anchor(anchor, id);
                id
            }
            Frame::Sequence {
                start,
                flow,
                anchor,
                mut items,
            } => {
                let span = self.collection_span(start, end, flow, items.last().copied());
                let id = self.out.tree.push_sequence(&items, flow, span);
                items.clear();
                self.spare_items.push(items);
                self.register_anchor(anchor, id);
                id
            }
        };
        self.attach(id);
    }

    /// Flow collections run from the opening to the closing bracket; block collections from
    /// their first to their last character (the end event sits at the next token, often lines
    /// further down past comments).
    fn collection_span(&self, start: Span, end: Span, flow: bool, last: Option<NodeId>) -> Span {
        if flow {
            return Span::new(start.start, end.end);
        }
        let last_end = last.map_or(start.end, |id| self.last_end(id));
        Span::new(start.start, last_end.max(start.end))
    }

    /// The end of a node as written at this place; an alias's own node may be elsewhere.
    fn last_end(&self, id: NodeId) -> u32 {
        self.out.tree.node(id).span().end
    }

    fn report_duplicate_keys(&mut self, entries: &[Entry]) {
        if entries.len() < 2 {
            return;
        }
        let mut seen: HashMap<&str, Span> = HashMap::with_capacity(entries.len());
        let mut duplicates = Vec::new();
        for entry in entries {
            let key = self.out.tree.node(entry.key);
            if let Some((text, style)) = key.scalar() {
                if style.is_plain() && text == "<<" {
                    continue;
                }
                if let Some(first) = seen.insert(text, key.span()) {
                    duplicates.push((text.to_owned(), first, key.span()));
                }
            }
        }
        for (key, _first, span) in duplicates {
            self.error(
                SyntaxErrorKind::DuplicateKey,
                &format!(
                    "duplicate key `{key}`: Kubernetes rejects it under strict field validation, and otherwise keeps only the last value"
                ),
                span,
            );
        }
    }

    /// The mapping's entries with `<<` merges applied, or `None` when it has no merge key.
    fn resolve_merge_keys(&mut self, entries: &[Entry]) -> Option<Vec<Entry>> {
        let tree = &self.out.tree;
        let is_merge = |e: &Entry| {
            tree.node(e.key)
                .scalar()
                .is_some_and(|(text, style)| style.is_plain() && text == "<<")
        };
        if !entries.iter().any(is_merge) {
            return None;
        }
        let mut sources = Vec::new();
        let mut invalid = Vec::new();
        for entry in entries.iter().filter(|e| is_merge(e)) {
            let value = tree.node(entry.value);
            match value.kind() {
                NodeKind::Mapping { .. } => sources.push(entry.value),
                NodeKind::Sequence { .. } => {
                    for item in value.items() {
                        if item.is_mapping() {
                            sources.push(item.id());
                        } else {
                            invalid.push(item.span());
                        }
                    }
                }
                NodeKind::Scalar { .. } => invalid.push(value.span()),
            }
        }
        let key_text = |id: NodeId| tree.node(id).scalar().map(|(text, _)| text);
        let mut result: Vec<Entry> = entries.iter().filter(|e| !is_merge(e)).copied().collect();
        let mut present: std::collections::HashSet<&str> =
            result.iter().filter_map(|e| key_text(e.key)).collect();
        for source in sources {
            for (key, value) in tree.node(source).entries() {
                let Some(text) = key.scalar().map(|(text, _)| text) else {
                    continue;
                };
                if present.insert(text) {
                    result.push(Entry {
                        key: key.id(),
                        value: value.id(),
                    });
                }
            }
        }
        for span in invalid {
            self.error(
                SyntaxErrorKind::Invalid,
                "a `<<` merge key needs a mapping or a list of mappings",
                span,
            );
        }
        Some(result)
    }

    fn end_document(&mut self, end: Span, failed: bool) {
        if self.document_start.is_none() && self.root.is_none() && !failed {
            return;
        }
        let start = self.document_start.take().unwrap_or(end);
        let root = if failed { None } else { self.root.take() };
        let root_end = root.map_or(start.end, |id| self.last_end(id));
        self.out.documents.push(Document {
            index: self.out.documents.len(),
            root,
            span: Span::new(start.start, root_end.max(start.end)),
            failed,
            helm_source: None,
        });
        self.frames.clear();
        self.root = None;
    }

    fn fail_document(&mut self, error: &ScanError, text: &str) {
        let mark = error.marker();
        let offset = mark.byte_offset().unwrap_or_else(|| {
            text.char_indices()
                .nth(mark.index())
                .map_or(text.len(), |(i, _)| i)
        });
        let kind = if matches!(error.kind(), ErrorKind::RecursionLimitExceeded) {
            SyntaxErrorKind::LimitExceeded
        } else {
            SyntaxErrorKind::Invalid
        };
        let message = match kind {
            SyntaxErrorKind::LimitExceeded => {
                "collections are nested deeper than the nesting limit".to_owned()
            }
            _ => error.info(),
        };
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.error(kind, &message, Span::empty(offset));
        if self.document_start.is_none() {
            self.document_start = Some(Span::empty(offset));
        }
        self.end_document(Span::empty(offset), true);
    }

    fn finish(mut self, text: &str, limits: &Limits) -> ParsedFile<'s> {
        if self.root.is_some() || self.document_start.is_some() {
            let end = Span::empty(u32::try_from(text.len()).unwrap_or(u32::MAX));
            self.end_document(end, false);
        }
        self.reject_alias_bombs(limits);
        attach_helm_sources(&mut self.out);
        self.out
    }

    fn reject_alias_bombs(&mut self, limits: &Limits) {
        let sizes = self.out.tree.expanded_sizes();
        for document in &mut self.out.documents {
            let Some(root) = document.root else { continue };
            if sizes[root.index()] > limits.max_expanded_nodes {
                document.root = None;
                document.failed = true;
                self.out.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::LimitExceeded,
                    message: format!(
                        "aliases expand this document to more than {} nodes (an alias bomb?)",
                        limits.max_expanded_nodes
                    ),
                    span: Span::empty(document.span.start),
                    document: Some(document.index),
                });
            }
        }
    }
}

/// Helm writes `# Source: chart/templates/file.yaml` before each rendered document.
fn attach_helm_sources(file: &mut ParsedFile<'_>) {
    let mut previous_end = 0;
    for document in &mut file.documents {
        let content_start = document
            .root
            .map_or(document.span.end, |id| file.tree.node(id).span().start);
        let first = file
            .comments
            .partition_point(|c| c.span.start < previous_end);
        document.helm_source = file.comments[first..]
            .iter()
            .take_while(|c| c.span.start < content_start)
            .filter_map(|c| c.text.trim_start().strip_prefix("Source:"))
            .map(|path| path.trim().to_owned())
            .last();
        previous_end = document.span.end.max(content_start);
    }
}

fn is_non_specific(tag: &granit_parser::Tag) -> bool {
    (tag.handle().is_empty() && tag.suffix() == "!")
        || (tag.handle() == "!" && tag.suffix().is_empty())
}

const fn convert_style(style: granit_parser::ScalarStyle) -> ScalarStyle {
    match style {
        granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
    }
}
