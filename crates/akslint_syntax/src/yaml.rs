//! YAML streams into the span tree, on granit-parser's event stream.
//!
//! The parser splits the stream into documents; a document with a syntax error is recorded as
//! failed and parsing resumes at the next `---`. Aliases share the anchored node instead of
//! copying it, so an alias bomb costs no memory; its expanded size is still counted as it is
//! read, and the document whose aliases take the file over [`Limits::max_expanded_nodes`] is
//! rejected on the spot, as go-yaml rejects "excessive aliasing". Counting while reading
//! matters: `<<` merge keys copy the entries of the merged mapping, so a chain of merges would
//! otherwise cost quadratic memory before any check after the parse could see it. Merge keys
//! are resolved with the YAML merge rules: keys written in the mapping win over merged ones,
//! and earlier merge sources win over later ones.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use akslint_text::Span;
use granit_parser::{ErrorKind, Event, Parser, ScanError};

use crate::error::nesting_message;
use crate::tree::{Comment, Document, Entry, NodeId, NodeKind, ParsedFile, Tree};
use crate::{Limits, ScalarStyle, SyntaxError, SyntaxErrorKind};

/// Parses a YAML stream. Never fails: problems are in [`ParsedFile::errors`].
#[must_use]
pub fn parse<'s>(text: &'s str, limits: &Limits) -> ParsedFile<'s> {
    parse_reading_comments(text, limits, has_comments_read(text))
}

/// [`parse`], with the parser reading comments or not.
fn parse_reading_comments<'s>(text: &'s str, limits: &Limits, comments: bool) -> ParsedFile<'s> {
    let limits = Limits {
        max_depth: limits.max_depth.min(Limits::MAX_DEPTH),
        ..*limits
    };
    let mut parser = event_parser(text, &limits, comments);
    let mut builder = Builder::default();
    builder.out.tree = Tree::new(text);
    // Kubernetes YAML has about one node per dozen bytes.
    builder.out.tree.reserve_for_text(text.len(), 12);
    loop {
        let step = match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => builder.event(event, byte_span(&span), &limits),
            Some(Err(error)) => {
                builder.scan_error(&error, text, &limits);
                Step::SkipDocument
            }
        };
        match step {
            Step::Continue => {}
            Step::Stop => break,
            Step::SkipDocument => match parser.proceed_next_document() {
                Ok(true) => {}
                Ok(false) | Err(_) => break,
            },
        }
    }
    builder.finish(text)
}

/// The event parser [`parse`] reads, with its options.
fn event_parser<'s>(
    text: &'s str,
    limits: &Limits,
    comments: bool,
) -> Parser<'s, granit_parser::StrInput<'s>> {
    // The parser counts flow and block nesting apart; the builder checks the two together.
    // Comments buffered while the parser looks ahead are not limited: a long commented-out
    // block under a key is ordinary in values files, and every comment ends up in
    // `ParsedFile::comments` anyway, so the buffer never holds more than the file's comments.
    let options = granit_parser::options! {
        emit_comments: comments,
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
        max_buffered_comment_events: usize::MAX,
    };
    Parser::new_from_str_with_options(text, options)
}

/// Whether `text` may hold a comment that akslint reads: a suppression (`# akslint: ...`) or
/// the `# Source: ...` line Helm writes before each document. The parser reads comments only
/// then: telling them apart from content costs it about a tenth of its time, also in files
/// without any.
fn has_comments_read(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find(bytes, b"akslint:").is_some()
        || memchr::memmem::find(bytes, b"Source:").is_some()
}

/// Reads a YAML stream with the parser and the options of [`parse`] and builds nothing: the
/// number of events (and errors) read. This is the floor the linter's cost is measured
/// against; a document with a syntax error is skipped as [`parse`] skips it.
#[must_use]
pub fn scan_events(text: &str, limits: &Limits) -> usize {
    let limits = Limits {
        max_depth: limits.max_depth.min(Limits::MAX_DEPTH),
        ..*limits
    };
    let mut parser = event_parser(text, &limits, has_comments_read(text));
    let mut events = 0;
    while let Some(event) = parser.next_event() {
        events += 1;
        if event.is_err() && !matches!(parser.proceed_next_document(), Ok(true)) {
            break;
        }
    }
    events
}

/// What the parse loop does after an event.
enum Step {
    Continue,
    /// The current document is failed (and recorded so): skip to the next one.
    SkipDocument,
    /// Nothing more is read.
    Stop,
}

/// Mappings with at most this many entries are checked for duplicate keys without hashing.
const SMALL_MAPPING: usize = 16;

fn byte_span(span: &granit_parser::Span) -> Span {
    span.byte_range()
        .map_or_else(Span::default, Span::from_range)
}

/// A collection being read, with the expanded size of what it holds so far.
struct Open {
    frame: Frame,
    size: u64,
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
    /// Nodes that aliases have added to the file so far.
    aliased: u64,
    frames: Vec<Open>,
    /// The anchored nodes of the document, with their expanded sizes (the nodes an alias to
    /// them stands for).
    anchors: HashMap<usize, (NodeId, u64)>,
    document_start: Option<Span>,
    root: Option<NodeId>,
    /// Spare vectors, so that a stream of many small mappings does not allocate per mapping.
    spare_entries: Vec<Vec<Entry>>,
    spare_items: Vec<Vec<NodeId>>,
}

impl<'s> Builder<'s> {
    /// Handles one event.
    fn event(&mut self, event: Event<'s>, span: Span, limits: &Limits) -> Step {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => {
                if self.out.documents.len() >= limits.max_documents {
                    self.out.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::LimitExceeded,
                        message: format!(
                            "the stream has more than {} documents (the document limit); the rest is not read",
                            limits.max_documents
                        ),
                        span: Span::empty(span.start),
                        document: Some(self.out.documents.len()),
                    });
                    return Step::Stop;
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
                self.register_anchor(anchor, id, 1);
                self.attach(id, 1);
            }
            Event::Alias(anchor) => {
                let (id, size) = match self.anchors.get(&anchor) {
                    Some(&anchored) => anchored,
                    None => {
                        // An alias to a collection still being built refers to itself.
                        self.error(SyntaxErrorKind::Invalid, "recursive alias", span);
                        let empty = Cow::Borrowed("");
                        (
                            self.out.tree.push_scalar(empty, ScalarStyle::Plain, span),
                            1,
                        )
                    }
                };
                self.aliased = self.aliased.saturating_add(size);
                if self.aliased > limits.max_expanded_nodes {
                    let message = format!(
                        "aliases expand this file to more than {} extra nodes (the alias limit; an alias bomb?); the document is not linted",
                        limits.max_expanded_nodes
                    );
                    self.fail_document(SyntaxErrorKind::LimitExceeded, message, span);
                    return Step::SkipDocument;
                }
                self.attach(id, size);
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
                self.attach(id, 1);
            }
            Event::MappingStart(..) | Event::SequenceStart(..)
                if self.frames.len() >= limits.max_depth =>
            {
                let message = nesting_message(limits.max_depth);
                self.fail_document(SyntaxErrorKind::LimitExceeded, message, span);
                return Step::SkipDocument;
            }
            Event::MappingStart(style, anchor, _) => {
                let entries = self.spare_entries.pop().unwrap_or_default();
                self.frames.push(Open {
                    frame: Frame::Mapping {
                        start: span,
                        flow: style == granit_parser::StructureStyle::Flow,
                        anchor,
                        entries,
                        pending_key: None,
                    },
                    size: 1,
                });
            }
            Event::SequenceStart(style, anchor, _) => {
                let items = self.spare_items.pop().unwrap_or_default();
                self.frames.push(Open {
                    frame: Frame::Sequence {
                        start: span,
                        flow: style == granit_parser::StructureStyle::Flow,
                        anchor,
                        items,
                    },
                    size: 1,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => self.end_collection(span),
            // Events added by later parser versions carry nothing the tree needs.
            #[allow(unreachable_patterns)]
            _ => {}
        }
        Step::Continue
    }

    fn error(&mut self, kind: SyntaxErrorKind, message: &str, span: Span) {
        self.out.errors.push(SyntaxError {
            kind,
            message: message.to_owned(),
            span,
            document: Some(self.out.documents.len()),
        });
    }

    fn register_anchor(&mut self, anchor: usize, id: NodeId, size: u64) {
        if anchor != 0 {
            self.anchors.insert(anchor, (id, size));
        }
    }

    /// Adds a node that stands for `size` nodes to the collection being read, or makes it the
    /// document's root.
    fn attach(&mut self, id: NodeId, size: u64) {
        let Some(open) = self.frames.last_mut() else {
            self.root = Some(id);
            return;
        };
        open.size = open.size.saturating_add(size);
        match &mut open.frame {
            Frame::Sequence { items, .. } => items.push(id),
            Frame::Mapping {
                entries,
                pending_key,
                ..
            } => match pending_key.take() {
                None => *pending_key = Some(id),
                Some(key) => entries.push(Entry { key, value: id }),
            },
        }
    }

    fn end_collection(&mut self, end: Span) {
        let Some(Open { frame, size }) = self.frames.pop() else {
            return;
        };
        // Merged entries are counted as the `<<` alias that brought them: near enough for a
        // limit, and it needs no second pass.
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
                let written = merged.as_deref().unwrap_or(&entries);
                let id = self.out.tree.push_mapping(written, flow, span);
                entries.clear();
                self.spare_entries.push(entries);
                self.register_anchor(anchor, id, size);
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
                self.register_anchor(anchor, id, size);
                id
            }
        };
        self.attach(id, size);
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
        let tree = &self.out.tree;
        let keys = entries.iter().filter_map(|entry| {
            let key = tree.node(entry.key);
            let (text, style) = key.scalar()?;
            (!(style.is_plain() && text == "<<")).then(|| (text, key.span()))
        });
        let mut duplicates = Vec::new();
        // Most mappings have a handful of keys: comparing each with those before it is
        // cheaper than hashing them all.
        if entries.len() <= SMALL_MAPPING {
            let mut seen: Vec<&str> = Vec::with_capacity(entries.len());
            for (text, span) in keys {
                if seen.contains(&text) {
                    duplicates.push((text.to_owned(), span));
                }
                seen.push(text);
            }
        } else {
            let mut seen: HashSet<&str> = HashSet::with_capacity(entries.len());
            for (text, span) in keys {
                if !seen.insert(text) {
                    duplicates.push((text.to_owned(), span));
                }
            }
        }
        for (key, span) in duplicates {
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
        let mut present: HashSet<&str> = result.iter().filter_map(|e| key_text(e.key)).collect();
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

    /// Records a syntax error of the parser and fails its document.
    fn scan_error(&mut self, error: &ScanError, text: &str, limits: &Limits) {
        let mark = error.marker();
        let offset = mark.byte_offset().unwrap_or_else(|| {
            text.char_indices()
                .nth(mark.index())
                .map_or(text.len(), |(i, _)| i)
        });
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        // The parser's own nesting limits are the builder's: report them the same way.
        let (kind, message) = if matches!(error.kind(), ErrorKind::RecursionLimitExceeded) {
            (
                SyntaxErrorKind::LimitExceeded,
                nesting_message(limits.max_depth),
            )
        } else {
            (SyntaxErrorKind::Invalid, error.info())
        };
        self.fail_document(kind, message, Span::empty(offset));
    }

    /// Records an error and ends the current document as failed.
    fn fail_document(&mut self, kind: SyntaxErrorKind, message: String, span: Span) {
        self.out.errors.push(SyntaxError {
            kind,
            message,
            span,
            document: Some(self.out.documents.len()),
        });
        if self.document_start.is_none() {
            self.document_start = Some(Span::empty(span.start));
        }
        self.end_document(Span::empty(span.start), true);
    }

    fn finish(mut self, text: &str) -> ParsedFile<'s> {
        if self.root.is_some() || self.document_start.is_some() {
            let end = Span::empty(u32::try_from(text.len()).unwrap_or(u32::MAX));
            self.end_document(end, false);
        }
        attach_helm_sources(&mut self.out);
        self.out.tree.shrink_to_fit();
        self.out
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

#[cfg(test)]
mod tests;
