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
            let root = result.value.map(|value| build(&mut out.tree, value));
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

/// Converts the AST; its depth is bounded by the pre-scan (and jsonc-parser's own limit).
fn build<'s>(tree: &mut Tree<'s>, value: Value<'s>) -> NodeId {
    match value {
        Value::StringLit(lit) => {
            tree.push_scalar(lit.value, ScalarStyle::DoubleQuoted, span(lit.range))
        }
        Value::NumberLit(lit) => tree.push_scalar(
            Cow::Borrowed(lit.value),
            ScalarStyle::Plain,
            span(lit.range),
        ),
        Value::BooleanLit(lit) => {
            let text = if lit.value { "true" } else { "false" };
            tree.push_scalar(Cow::Borrowed(text), ScalarStyle::Plain, span(lit.range))
        }
        Value::NullKeyword(lit) => {
            tree.push_scalar(Cow::Borrowed("null"), ScalarStyle::Plain, span(lit.range))
        }
        Value::Array(array) => {
            let items: Vec<NodeId> = array
                .elements
                .into_iter()
                .map(|element| build(tree, element))
                .collect();
            tree.push_sequence(&items, true, span(array.range))
        }
        Value::Object(object) => {
            let entries: Vec<Entry> = object
                .properties
                .into_iter()
                .map(|property| {
                    let key = match property.name {
                        ObjectPropName::String(lit) => {
                            tree.push_scalar(lit.value, ScalarStyle::DoubleQuoted, span(lit.range))
                        }
                        ObjectPropName::Word(lit) => tree.push_scalar(
                            Cow::Borrowed(lit.value),
                            ScalarStyle::Plain,
                            span(lit.range),
                        ),
                    };
                    let value = build(tree, property.value);
                    Entry { key, value }
                })
                .collect();
            tree.push_mapping(&entries, true, span(object.range))
        }
    }
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::from_range(range.start..range.end)
}
