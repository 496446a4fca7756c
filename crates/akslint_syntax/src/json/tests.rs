use proptest::prelude::*;

use super::*;
use crate::{NodeKind, NodeRef};

fn parsed(text: &str) -> ParsedFile<'_> {
    let file = parse(text, &Limits::default());
    assert!(file.errors.is_empty(), "{text:?}: {:?}", file.errors);
    assert!(scan(text, &Limits::default()), "scan refuses {text:?}");
    file
}

fn root<'t>(file: &'t ParsedFile<'_>) -> NodeRef<'t> {
    file.root(&file.documents[0]).expect("a root value")
}

/// The value a node holds, as serde_json reads the same text.
fn to_value(node: NodeRef<'_>) -> serde_json::Value {
    match node.kind() {
        NodeKind::Mapping { .. } => serde_json::Value::Object(
            node.entries()
                .map(|(key, value)| {
                    (
                        key.as_str().expect("string key").to_owned(),
                        to_value(value),
                    )
                })
                .collect(),
        ),
        NodeKind::Sequence { .. } => serde_json::Value::Array(node.items().map(to_value).collect()),
        NodeKind::Scalar {
            value,
            style: ScalarStyle::DoubleQuoted,
        } => serde_json::Value::String(value.to_owned()),
        NodeKind::Scalar { value, .. } => serde_json::from_str(value).expect("a JSON literal"),
    }
}

/// The error of a text that does not parse, after checking that the file is marked failed and
/// that the scan refuses it too.
fn error(text: &str) -> SyntaxError {
    let file = parse(text, &Limits::default());
    assert!(!scan(text, &Limits::default()), "scan accepts {text:?}");
    assert_eq!(file.errors.len(), 1, "{text:?}: {:?}", file.errors);
    assert!(file.documents[0].failed);
    assert!(file.documents[0].root.is_none());
    file.errors[0].clone()
}

#[test]
fn keys_and_values_keep_their_spans_and_styles() {
    let text = r#"{"name": "aks", "count": -1.5e3, "on": true, "off": null, "list": [1, {}]}"#;
    let file = parsed(text);
    let root = root(&file);
    assert_eq!(root.span().range(), 0..text.len());
    let slice = |node: NodeRef<'_>| &text[node.span().range()];
    let (key, value) = root.entry("name").expect("name");
    assert_eq!((slice(key), slice(value)), ("\"name\"", "\"aks\""));
    assert_eq!(value.scalar(), Some(("aks", ScalarStyle::DoubleQuoted)));
    let count = root.get("count").expect("count");
    assert_eq!(count.scalar(), Some(("-1.5e3", ScalarStyle::Plain)));
    assert_eq!(root.get("on").and_then(NodeRef::as_bool), Some(true));
    assert!(root.get("off").is_some_and(NodeRef::is_null));
    let list = root.get("list").expect("list");
    assert_eq!(slice(list), "[1, {}]");
    assert!(list.is_flow());
    let items: Vec<_> = list.items().map(slice).collect();
    assert_eq!(items, ["1", "{}"]);
}

#[test]
fn comments_are_kept_with_their_text_and_read_nothing() {
    let text = "// head\n{\"a\": /* inline */ 1, // tail\n \"b\": [2 /**/]}\n/* end */";
    let file = parsed(text);
    let comments: Vec<_> = file
        .comments
        .iter()
        .map(|c| (&text[c.span.range()], c.text.as_ref()))
        .collect();
    assert_eq!(
        comments,
        [
            ("// head", " head"),
            ("/* inline */", " inline "),
            ("// tail", " tail"),
            ("/**/", ""),
            ("/* end */", " end "),
        ]
    );
    assert_eq!(to_value(root(&file)), serde_json::json!({"a": 1, "b": [2]}));
}

#[test]
fn trailing_commas_line_breaks_in_strings_and_unicode_spaces_are_read() {
    let text = "{\u{a0}\"a\": [1, 2,],\r\n\t\"b\": \"two\nlines\",\u{2028}}";
    let file = parsed(text);
    assert_eq!(
        to_value(root(&file)),
        serde_json::json!({"a": [1, 2], "b": "two\nlines"})
    );
}

#[test]
fn escapes_are_decoded() {
    let text = r#"["\"\\\/\b\f\n\r\t", "caf\u00e9 \ud83d\ude00!", "plain"]"#;
    let file = parsed(text);
    let values: Vec<_> = root(&file).items().filter_map(NodeRef::as_str).collect();
    assert_eq!(values, ["\"\\/\u{8}\u{c}\n\r\t", "café 😀!", "plain"]);
}

#[test]
fn a_file_of_only_whitespace_and_comments_has_no_value_and_no_error() {
    for text in ["", "  \n", "// nothing\n/* here */"] {
        let file = parse(text, &Limits::default());
        assert!(file.errors.is_empty(), "{text:?}");
        assert!(scan(text, &Limits::default()));
        assert_eq!(file.documents.len(), 1);
        assert!(file.documents[0].root.is_none());
        assert!(!file.documents[0].failed);
    }
}

#[test]
fn errors_say_what_is_wrong_where() {
    // (text, the text the error spans, a part of its message)
    let cases = [
        (r#"{"a": 1 "b": 2}"#, r#""b""#, "expected `,` or `}`"),
        ("[1 2]", "2", "expected `,` or `]`"),
        (r#"{"a": 1"#, "{", "has no closing `}`"),
        (r#"{"a": [1, 2"#, "[", "has no closing `]`"),
        (r#"{"a": "#, "{", "has no closing `}`"),
        (r#"{"a" 1}"#, "1", "`:` after the key"),
        ("{a: 1}", "a", "double quotes"),
        ("{'a': 1}", "'", "not single quotes"),
        ("{,}", ",", "a string key or `}`"),
        ("[,]", ",", "expected a value"),
        ("[1,,]", ",", "expected a value"),
        (r#"{"a": }"#, "}", "expected a value"),
        ("]", "]", "expected a value"),
        (r#"{} {}"#, "{", "one value"),
        ("[\"open]", "\"", "closing `\"`"),
        (r#"["\x41"]"#, r"\x", "not a JSON escape"),
        (r#"["\u12"]"#, r"\u12", "four hex digits"),
        (r#"["\ud83d"]"#, r"\ud83d", "surrogate"),
        ("[01]", "01", "not a JSON number"),
        ("[1.]", "1.", "after the decimal point"),
        ("[-]", "-", "a digit after `-`"),
        ("[1e+]", "1e+", "exponent"),
        ("[True]", "True", "`true`, `false` and `null`"),
        ("[1] /* open", "/*", "closing `*/`"),
        ("[1 # 2]", "#", "unexpected `#`"),
        ("[é]", "é", "unexpected `é`"),
    ];
    for (text, at, message) in cases {
        let error = error(text);
        assert_eq!(error.kind, SyntaxErrorKind::Invalid, "{text:?}");
        assert_eq!(&text[error.span.range()], at, "{text:?}: {}", error.message);
        assert!(
            error.message.contains(message),
            "{text:?}: {}",
            error.message
        );
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_at_the_bracket_that_opens_it() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let file = parse(r#"{"a": [[1]], "b": [[[2]]]}"#, &limits);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].kind, SyntaxErrorKind::LimitExceeded);
    assert_eq!(file.errors[0].span.range(), 20..21);
    assert!(!scan(r#"[[[[0]]]]"#, &limits));
    assert!(scan(r#"[[[0]]]"#, &limits));
}

/// JSON values of every kind, strings with any character, nested a few levels.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1.0e12f64..1.0e12).prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn reads_what_serde_json_writes(value in json_value()) {
        for text in [
            serde_json::to_string(&value).expect("serializes"),
            serde_json::to_string_pretty(&value).expect("serializes"),
        ] {
            let file = parse(&text, &Limits::default());
            prop_assert!(file.errors.is_empty(), "{:?}", file.errors);
            prop_assert!(scan(&text, &Limits::default()));
            let root = file.root(&file.documents[0]).expect("a root value");
            prop_assert_eq!(root.span().range(), 0..text.len());
            // Against serde_json's own reading of the text: its float parsing may differ from
            // the value it wrote in the last digit.
            let expected: serde_json::Value = serde_json::from_str(&text).expect("parses");
            prop_assert_eq!(to_value(root), expected);
        }
    }

    #[test]
    fn never_panics_and_errors_point_into_the_text(text in "[\\[\\]{}:,\"\\\\ a-z0-9./*\\n-]{0,40}") {
        let file = parse(&text, &Limits::default());
        prop_assert_eq!(file.errors.is_empty(), scan(&text, &Limits::default()));
        for error in &file.errors {
            prop_assert!(error.span.end as usize <= text.len());
            prop_assert!(text.is_char_boundary(error.span.start as usize));
            prop_assert!(text.is_char_boundary(error.span.end as usize));
        }
    }
}
