//! The JSON edit engine on small templates: each test states the text before and after.

use akslint_diagnostics::apply_edits;
use akslint_syntax::{Limits, json};
use akslint_text::SourceFile;

use super::{JsonEditor, NewValue};

/// Sets `path` below the root object of `text`; the edited text (which must parse), or `None`
/// when the editor gave up.
fn set(text: &str, path: &[&str], value: NewValue<'_>) -> Option<String> {
    let file = SourceFile::new("t.json", text.to_owned());
    let parsed = json::parse(file.text(), &Limits::default());
    let root = parsed.root(&parsed.documents[0]).expect("a root");
    let mut editor = JsonEditor::new(&file);
    editor.set(root, path, value)?;
    let fixed = apply_edits(file.text(), &editor.into_edits());
    let reparsed = json::parse(&fixed, &Limits::default());
    assert!(reparsed.errors.is_empty(), "{fixed}\n{:?}", reparsed.errors);
    Some(fixed)
}

const PATH: [&str; 3] = ["properties", "securityProfile", "enabled"];

#[test]
fn a_literal_is_replaced_in_place_and_keys_match_without_case() {
    assert_eq!(
        set(
            "{\"Properties\": {\"ENABLED\": false}}",
            &["properties", "enabled"],
            NewValue::Bool(true)
        )
        .as_deref(),
        Some("{\"Properties\": {\"ENABLED\": true}}")
    );
    assert_eq!(
        set("{\"a\": \"none\"}", &["a"], NewValue::Str("stable")).as_deref(),
        Some("{\"a\": \"stable\"}")
    );
}

#[test]
fn an_expression_is_never_edited() {
    assert_eq!(
        set(
            "{\"a\": \"[parameters('x')]\"}",
            &["a"],
            NewValue::Bool(true)
        ),
        None
    );
    assert_eq!(
        set(
            "{\"properties\": \"[union(variables('p'), json('{}'))]\"}",
            &PATH,
            NewValue::Bool(true)
        ),
        None
    );
    // An escaped `[[` is a literal string.
    assert_eq!(
        set("{\"a\": \"[[x]\"}", &["a"], NewValue::Str("y")).as_deref(),
        Some("{\"a\": \"y\"}")
    );
}

#[test]
fn missing_objects_are_created_multi_line_with_the_files_indentation() {
    let before = "{\n    \"name\": \"aks\",\n    \"properties\": {\n        \"dnsPrefix\": \"aks\" // the prefix\n    }\n}\n";
    let after = "{\n    \"name\": \"aks\",\n    \"properties\": {\n        \"dnsPrefix\": \"aks\", // the prefix\n        \"securityProfile\": {\n            \"enabled\": true\n        }\n    }\n}\n";
    assert_eq!(
        set(before, &PATH, NewValue::Bool(true)).as_deref(),
        Some(after)
    );
    let tabs = "{\r\n\t\"properties\": {\r\n\t\t\"a\": 1,\r\n\t}\r\n}";
    let tabs_after = "{\r\n\t\"properties\": {\r\n\t\t\"a\": 1,\r\n\t\t\"securityProfile\": {\r\n\t\t\t\"enabled\": true\r\n\t\t},\r\n\t}\r\n}";
    assert_eq!(
        set(tabs, &PATH, NewValue::Bool(true)).as_deref(),
        Some(tabs_after)
    );
}

#[test]
fn compact_objects_get_inline_entries() {
    assert_eq!(
        set(
            "{\"properties\":{\"a\":1,\"b\":2}}",
            &PATH,
            NewValue::Bool(true)
        )
        .as_deref(),
        Some("{\"properties\":{\"a\":1,\"b\":2,\"securityProfile\":{\"enabled\":true}}}")
    );
    assert_eq!(
        set(
            "{ \"properties\": { \"a\": 1 } }",
            &PATH,
            NewValue::Bool(true)
        )
        .as_deref(),
        Some("{ \"properties\": { \"a\": 1, \"securityProfile\": { \"enabled\": true } } }")
    );
}

#[test]
fn empty_and_null_objects_are_filled() {
    assert_eq!(
        set("{\n  \"properties\": {}\n}", &PATH, NewValue::Bool(true)).as_deref(),
        Some(
            "{\n  \"properties\": {\n    \"securityProfile\": {\n      \"enabled\": true\n    }\n  }\n}"
        )
    );
    assert_eq!(
        set("{\n  \"properties\": null\n}", &PATH, NewValue::Bool(true)).as_deref(),
        Some(
            "{\n  \"properties\": {\n    \"securityProfile\": {\n      \"enabled\": true\n    }\n  }\n}"
        )
    );
}

#[test]
fn commas_go_before_comments_and_closing_braces_on_the_same_line_stay() {
    assert_eq!(
        set("{\n  \"a\": 1 /* one */ }", &["b"], NewValue::Bool(true)).as_deref(),
        Some("{\n  \"a\": 1,\n  \"b\": true /* one */ }")
    );
    assert_eq!(
        set(
            "{\n  \"a\": 1, // one\n  \"c\": [\n    2\n  ]\n}",
            &["b"],
            NewValue::Str("x\"y")
        )
        .as_deref(),
        Some("{\n  \"a\": 1, // one\n  \"c\": [\n    2\n  ],\n  \"b\": \"x\\\"y\"\n}")
    );
}

#[test]
fn a_scalar_where_an_object_belongs_is_left_alone() {
    assert_eq!(
        set("{\"properties\": 3}", &PATH, NewValue::Bool(true)),
        None
    );
    assert_eq!(
        set("{\"properties\": [1]}", &PATH, NewValue::Bool(true)),
        None
    );
}

/// Sets `path` below the resource `aks` of a Bicep text; the edited text (which must parse), or
/// `None` when the editor gave up.
fn set_bicep(text: &str, path: &[&str], value: NewValue<'_>) -> Option<String> {
    use akslint_syntax::bicep;
    let file = SourceFile::new("main.bicep", text.to_owned());
    let mut loader = |_: &std::path::Path| {
        Some("resource m 'Microsoft.ContainerService/managedClusters@2024-05-01' = {\n  name: 'm'\n  properties: {\n    enableRBAC: false\n  }\n}\n".to_owned())
    };
    let parsed = bicep::parse_with_modules(
        file.text(),
        &Limits::default(),
        std::path::Path::new("main.bicep"),
        &mut loader,
    );
    let root = parsed.root(&parsed.documents[0]).expect("a root");
    let resource = root.get_path("resources.aks").expect("the resource");
    let mut editor = JsonEditor::new(&file);
    editor.set(resource, path, value)?;
    let fixed = apply_edits(file.text(), &editor.into_edits());
    let reparsed = bicep::parse(&fixed, &Limits::default());
    assert!(reparsed.errors.is_empty(), "{fixed}\n{:?}", reparsed.errors);
    Some(fixed)
}

#[test]
fn bicep_is_edited_in_bicep() {
    let text = "resource aks 'T@1' = {\n  name: 'aks'\n  properties: {\n    enableRBAC: false // lab\n    inline: { a: 1 }\n    last: {\n      b: true }\n  }\n}\n";
    assert_eq!(
        set_bicep(text, &["properties", "enableRBAC"], NewValue::Bool(true)).as_deref(),
        Some(
            "resource aks 'T@1' = {\n  name: 'aks'\n  properties: {\n    enableRBAC: true // lab\n    inline: { a: 1 }\n    last: {\n      b: true }\n  }\n}\n"
        )
    );
    assert_eq!(
        set_bicep(text, &["properties", "inline", "c"], NewValue::Str("it's")).as_deref(),
        Some(
            "resource aks 'T@1' = {\n  name: 'aks'\n  properties: {\n    enableRBAC: false // lab\n    inline: { a: 1, c: 'it\\'s' }\n    last: {\n      b: true }\n  }\n}\n"
        )
    );
    // The closing brace shares the last entry's line: the entry goes before it.
    assert_eq!(
        set_bicep(text, &["properties", "last", "c"], NewValue::Bool(true)).as_deref(),
        Some(
            "resource aks 'T@1' = {\n  name: 'aks'\n  properties: {\n    enableRBAC: false // lab\n    inline: { a: 1 }\n    last: {\n      b: true\n      c: true }\n  }\n}\n"
        )
    );
    assert_eq!(
        set_bicep(text, &["properties", "new", "key-1"], NewValue::Bool(true)).as_deref(),
        Some(
            "resource aks 'T@1' = {\n  name: 'aks'\n  properties: {\n    enableRBAC: false // lab\n    inline: { a: 1 }\n    last: {\n      b: true }\n    new: {\n      'key-1': true\n    }\n  }\n}\n"
        )
    );
}

#[test]
fn nodes_of_a_bicep_module_are_never_edited() {
    // Inside the module, every node sits at the module's path in this file.
    let text = "module aks './m.bicep' = {\n  name: 'x'\n}\n";
    assert_eq!(
        set_bicep(
            text,
            &[
                "properties",
                "template",
                "resources",
                "m",
                "properties",
                "enableRBAC"
            ],
            NewValue::Bool(true)
        ),
        None
    );
    assert_eq!(
        set_bicep(
            text,
            &[
                "properties",
                "template",
                "resources",
                "m",
                "properties",
                "new"
            ],
            NewValue::Bool(true)
        ),
        None
    );
}
