//! Mapping lookups and scalar texts, whichever way a scalar is stored: a slice of the source, or
//! a text the tree owns (unescaped, folded or synthesized), and whatever keys share a
//! fingerprint.

use std::borrow::Cow;

use akslint_syntax::{Entry, Limits, NodeKind, ParsedFile, ScalarStyle, Tree, json, yaml};
use akslint_text::Span;

/// Asserts what each key of the first document's root mapping reads as.
fn assert_lookups(file: &ParsedFile<'_>, expected: &[(&str, Option<&str>)]) {
    let root = file.root(&file.documents[0]).expect("a root");
    for &(key, value) in expected {
        assert_eq!(root.get(key).and_then(|n| n.as_str()), value, "key {key:?}");
    }
}

#[test]
fn keys_with_the_same_length_and_outer_bytes_are_told_apart() {
    // Same length, first, middle and last byte: only the full comparison separates them.
    let file = yaml::parse("abcda: one\nabcea: two\nabc_a: three\n", &Limits::default());
    let expected = [
        ("abcda", Some("one")),
        ("abcea", Some("two")),
        ("abc_a", Some("three")),
        ("abcfa", None),
        ("", None),
    ];
    assert_lookups(&file, &expected);
}

#[test]
fn the_last_of_duplicate_keys_wins() {
    let file = yaml::parse("image: first\nimage: second\n", &Limits::default());
    assert_lookups(&file, &[("image", Some("second"))]);
}

#[test]
fn escaped_keys_and_values_are_found_by_their_unescaped_text() {
    let file = yaml::parse(
        "\"ke\\u0079\": \"v\\u00e9\"\nplain: text\n",
        &Limits::default(),
    );
    assert_lookups(&file, &[("key", Some("vé")), ("plain", Some("text"))]);
    let file = json::parse(r#"{"a\"b": "c\nd", "e": "f"}"#, &Limits::default());
    assert_lookups(&file, &[("a\"b", Some("c\nd")), ("e", Some("f"))]);
}

#[test]
fn values_borrowed_from_elsewhere_are_copied_into_the_tree() {
    let source = String::from("k: v");
    let mut tree = Tree::new(&source);
    let key = tree.push_scalar(
        Cow::Borrowed(&source[0..1]),
        ScalarStyle::Plain,
        Span::new(0, 1),
    );
    // A `'static` text is not a slice of the source: the tree keeps its own copy.
    let value = tree.push_scalar(Cow::Borrowed("other"), ScalarStyle::Plain, Span::new(3, 4));
    let owned = tree.push_scalar(
        Cow::Owned("owned".into()),
        ScalarStyle::DoubleQuoted,
        Span::new(3, 4),
    );
    let map = tree.push_mapping(&[Entry { key, value }], false, Span::new(0, 4));
    let map = tree.node(map);
    assert_eq!(map.get("k").and_then(|n| n.as_str()), Some("other"));
    assert_eq!(
        tree.node(owned).kind(),
        NodeKind::Scalar {
            value: "owned",
            style: ScalarStyle::DoubleQuoted
        }
    );
    assert!(map.get("other").is_none());
}

#[test]
fn dotted_paths_split_at_every_dot_and_empty_keys_are_keys() {
    let text = "a:\n  b: {c: deep}\n  \"\": {d: under-empty}\n  x: null\n";
    let file = yaml::parse(text, &Limits::default());
    let root = file.root(&file.documents[0]).expect("a root");
    let read = |path: &str| root.get_path(path).and_then(|n| n.as_str());
    assert_eq!(read("a.b.c"), Some("deep"));
    assert_eq!(read("a..d"), Some("under-empty"));
    assert_eq!(read("a.b.c."), None);
    assert_eq!(read("a.missing.c"), None);
    // `walk_path` stops at the deepest node that is there and not null.
    let (reached, rest) = root.walk_path("a.x.y");
    assert_eq!(reached.span(), root.get("a").expect("a").span());
    assert_eq!(rest, Some("x.y"));
    let (_, rest) = root.walk_path("a.b.c");
    assert_eq!(rest, None);
}
