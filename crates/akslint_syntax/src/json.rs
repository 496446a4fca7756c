//! JSON (with the comments and trailing commas ARM templates allow) into the span tree.

use std::borrow::Cow;

use akslint_text::Span;
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use crate::tree::{Comment, Document, Entry, NodeId, ParsedFile, Tree};
use crate::{Limits, ScalarStyle, SyntaxError, SyntaxErrorKind};

/// Parses one JSON document. Never fails: problems are in [`ParsedFile::errors`].
#[must_use]
pub fn parse<'s>(text: &'s str, _limits: &Limits) -> ParsedFile<'s> {
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
    let mut out = ParsedFile::default();
    let whole = Span::from_range(0..text.len());
    match jsonc_parser::parse_to_ast(text, &collect, &options) {
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
            let depth_exceeded = error.to_string().contains("nesting depth");
            out.errors.push(SyntaxError {
                kind: if depth_exceeded {
                    SyntaxErrorKind::LimitExceeded
                } else {
                    SyntaxErrorKind::Invalid
                },
                message: error.kind().to_string(),
                span: Span::from_range(range.start..range.end),
                document: Some(0),
            });
            out.documents.push(Document {
                index: 0,
                root: None,
                span: whole,
                failed: true,
                helm_source: None,
            });
        }
    }
    out
}

/// Converts the AST; its depth is bounded by jsonc-parser's own nesting limit (512).
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
