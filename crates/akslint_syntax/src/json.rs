//! JSON (with the comments and trailing commas ARM templates allow) into the span tree.

use std::borrow::Cow;

use akslint_text::Span;
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use crate::error::nesting_message;
use crate::tree::{Comment, Document, Entry, NodeId, ParsedFile, Tree};
use crate::{Limits, ScalarStyle, SyntaxError, SyntaxErrorKind};

/// Parses `text` with the JSON parser and the options that [`parse`] uses.
fn parse_ast(
    text: &str,
) -> Result<jsonc_parser::ParseResult<'_>, jsonc_parser::errors::ParseError> {
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Separate,
        tokens: false,
    };
    // ARM accepts comments, trailing commas and raw newlines in strings, nothing looser.
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..ParseOptions::default()
    };
    jsonc_parser::parse_to_ast(text, &collect, &options)
}

/// Reads one JSON document with the parser and the options of [`parse`] and builds no tree:
/// whether it parsed. This is the floor the linter's cost is measured against.
#[must_use]
pub fn scan(text: &str, limits: &Limits) -> bool {
    too_deep(text, limits.max_depth.min(Limits::MAX_DEPTH)).is_none() && parse_ast(text).is_ok()
}

/// Parses one JSON document. Never fails: problems are in [`ParsedFile::errors`].
///
/// Text nested deeper than [`Limits::max_depth`] is refused before it is parsed, because the
/// JSON parser and the conversion into the tree recurse once per level on the native stack.
#[must_use]
pub fn parse<'s>(text: &'s str, limits: &Limits) -> ParsedFile<'s> {
    let max_depth = limits.max_depth.min(Limits::MAX_DEPTH);
    if let Some(offset) = too_deep(text, max_depth) {
        return refused(
            text,
            SyntaxError {
                kind: SyntaxErrorKind::LimitExceeded,
                message: nesting_message(max_depth),
                span: Span::from_range(offset..offset + 1),
                document: Some(0),
            },
        );
    }
    let mut out = ParsedFile::default();
    let whole = Span::from_range(0..text.len());
    match parse_ast(text) {
        Ok(result) => {
            if let Some(comments) = &result.comments {
                let mut all: Vec<Comment<'_>> = comments
                    .values()
                    .flat_map(|list| list.iter())
                    .map(|c| {
                        let range = c.range();
                        Comment {
                            span: Span::from_range(range.start..range.end),
                            text: Cow::Borrowed(c.text()),
                        }
                    })
                    .collect();
                all.sort_by_key(|c| c.span.start);
                all.dedup_by_key(|c| c.span.start);
                out.comments = all;
            }
            out.tree = Tree::new(text);
            // Pretty-printed JSON has about one node per 16 bytes, its indentation included.
            out.tree.reserve_for_text(text.len(), 16);
            let mut builder = Builder {
                tree: &mut out.tree,
                entries: Vec::new(),
                items: Vec::new(),
            };
            let root = result.value.map(|value| builder.build(value));
            out.tree.shrink_to_fit();
            out.documents.push(Document {
                index: 0,
                root,
                span: root.map_or(whole, |id| out.tree.node(id).span()),
                failed: false,
                helm_source: None,
            });
        }
        Err(error) => {
            let range = error.range();
            let limit = matches!(error.kind(), ParseErrorKind::NestingDepthExceeded);
            return refused(
                text,
                SyntaxError {
                    kind: if limit {
                        SyntaxErrorKind::LimitExceeded
                    } else {
                        SyntaxErrorKind::Invalid
                    },
                    message: if limit {
                        nesting_message(Limits::MAX_DEPTH)
                    } else {
                        error.kind().to_string()
                    },
                    span: Span::from_range(range.start..range.end),
                    document: Some(0),
                },
            );
        }
    }
    out
}

/// A file that could not be read: one failed document and the error.
fn refused(text: &str, error: SyntaxError) -> ParsedFile<'_> {
    ParsedFile {
        errors: vec![error],
        documents: vec![Document {
            index: 0,
            root: None,
            span: Span::from_range(0..text.len()),
            failed: true,
            helm_source: None,
        }],
        ..ParsedFile::default()
    }
}

/// The offset of the first `[` or `{` that opens a collection deeper than `max_depth`, found
/// by a scan that knows strings and comments but nothing else of JSON: it only has to agree
/// with the parser on valid input, and on invalid input either error is a true report.
fn too_deep(text: &str, max_depth: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    // An escape hides the next byte, which may be a quote.
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Converts the AST into the tree. The children of the collections being built wait on two
/// stacks, so that each collection is copied into the tree once and needs no vector of its own.
struct Builder<'s, 't> {
    tree: &'t mut Tree<'s>,
    entries: Vec<Entry>,
    items: Vec<NodeId>,
}

impl<'s> Builder<'s, '_> {
    /// Converts one value; its depth is bounded by the pre-scan (and jsonc-parser's own limit).
    fn build(&mut self, value: Value<'s>) -> NodeId {
        match value {
            Value::StringLit(lit) => {
                self.tree
                    .push_scalar(lit.value, ScalarStyle::DoubleQuoted, span(lit.range))
            }
            Value::NumberLit(lit) => self.tree.push_scalar(
                Cow::Borrowed(lit.value),
                ScalarStyle::Plain,
                span(lit.range),
            ),
            Value::BooleanLit(lit) => {
                let text = if lit.value { "true" } else { "false" };
                self.tree
                    .push_scalar(Cow::Borrowed(text), ScalarStyle::Plain, span(lit.range))
            }
            Value::NullKeyword(lit) => {
                self.tree
                    .push_scalar(Cow::Borrowed("null"), ScalarStyle::Plain, span(lit.range))
            }
            Value::Array(array) => {
                let mark = self.items.len();
                for element in array.elements {
                    let item = self.build(element);
                    self.items.push(item);
                }
                let id = self
                    .tree
                    .push_sequence(&self.items[mark..], true, span(array.range));
                self.items.truncate(mark);
                id
            }
            Value::Object(object) => {
                let mark = self.entries.len();
                for property in object.properties {
                    let key = match property.name {
                        ObjectPropName::String(lit) => self.tree.push_scalar(
                            lit.value,
                            ScalarStyle::DoubleQuoted,
                            span(lit.range),
                        ),
                        ObjectPropName::Word(lit) => self.tree.push_scalar(
                            Cow::Borrowed(lit.value),
                            ScalarStyle::Plain,
                            span(lit.range),
                        ),
                    };
                    let value = self.build(property.value);
                    self.entries.push(Entry { key, value });
                }
                let id = self
                    .tree
                    .push_mapping(&self.entries[mark..], true, span(object.range));
                self.entries.truncate(mark);
                id
            }
        }
    }
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::from_range(range.start..range.end)
}
