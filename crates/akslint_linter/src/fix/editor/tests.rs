//! The edit engine on small documents: each test states the text before and after.

use akslint_diagnostics::apply_edits;
use akslint_syntax::{Limits, NodeRef, yaml};
use akslint_text::SourceFile;

use super::{NewValue, YamlEditor};

/// Runs `op` on the root of the first document of `text`; the edited text, or `None` when the
/// editor gave up. The result must parse without errors.
fn edit(
    text: &str,
    op: impl FnOnce(&mut YamlEditor<'_>, NodeRef<'_>) -> Option<()>,
) -> Option<String> {
    let file = SourceFile::new("t.yaml", text.to_owned());
    let parsed = yaml::parse(file.text(), &Limits::default());
    let root = parsed.root(&parsed.documents[0]).expect("a root");
    let mut editor = YamlEditor::new(&file);
    op(&mut editor, root)?;
    let fixed = apply_edits(file.text(), &editor.into_edits());
    let reparsed = yaml::parse(&fixed, &Limits::default());
    assert!(reparsed.errors.is_empty(), "{fixed}\n{:?}", reparsed.errors);
    Some(fixed)
}

fn container(root: NodeRef<'_>, index: usize) -> NodeRef<'_> {
    root.get_path("spec.containers")
        .and_then(|list| list.items().nth(index))
        .expect("a container")
}

/// Sets `allowPrivilegeEscalation: false` in the first container.
fn no_escalation(editor: &mut YamlEditor<'_>, root: NodeRef<'_>) -> Option<()> {
    editor.set(
        container(root, 0),
        &["securityContext", "allowPrivilegeEscalation"],
        NewValue::Bool(false),
    )
}

/// Runs `op` on each text before and compares with the text after.
fn check(op: fn(&mut YamlEditor<'_>, NodeRef<'_>) -> Option<()>, cases: &[(&str, &str)]) {
    for (before, after) in cases {
        assert_eq!(edit(before, op).as_deref(), Some(*after), "{before}");
    }
}

#[test]
fn a_missing_mapping_is_created_in_block_style_before_the_next_item() {
    check(
        no_escalation,
        &[(
            "\
spec:
  containers:
    - name: app
      image: nginx # pinned later
    # the sidecar
    - name: sidecar
",
            "\
spec:
  containers:
    - name: app
      image: nginx # pinned later
      securityContext:
        allowPrivilegeEscalation: false
    # the sidecar
    - name: sidecar
",
        )],
    );
}

#[test]
fn a_key_is_added_to_an_existing_block_mapping_at_its_indentation() {
    check(
        no_escalation,
        &[(
            "\
spec:
    containers:
    -   name: app
        securityContext:
            runAsNonRoot: true   # required
        image: app
",
            "\
spec:
    containers:
    -   name: app
        securityContext:
            runAsNonRoot: true   # required
            allowPrivilegeEscalation: false
        image: app
",
        )],
    );
}

#[test]
fn flow_mappings_get_the_entry_inline() {
    check(
        no_escalation,
        &[
            (
                "spec:\n  containers:\n    - {name: app, securityContext: {runAsNonRoot: true}}\n",
                "spec:\n  containers:\n    - {name: app, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}}\n",
            ),
            (
                "spec:\n  containers:\n    - name: app\n      securityContext: {}\n",
                "spec:\n  containers:\n    - name: app\n      securityContext: {allowPrivilegeEscalation: false}\n",
            ),
            (
                "spec:\n  containers: [{name: app}]\n",
                "spec:\n  containers: [{name: app, securityContext: {allowPrivilegeEscalation: false}}]\n",
            ),
        ],
    );
}

#[test]
fn values_are_replaced_in_place_with_their_quotes() {
    let text = "spec:\n  containers:\n    - name: app\n      securityContext:\n        allowPrivilegeEscalation: true # why\n        procMount: \"Unmasked\"\n";
    let fixed = edit(text, |editor, root| {
        let context = container(root, 0).get("securityContext")?;
        editor.replace(
            context.get("allowPrivilegeEscalation")?,
            NewValue::Bool(false),
        )?;
        editor.replace(context.get("procMount")?, NewValue::Str("Default"))
    });
    assert_eq!(
        fixed.as_deref(),
        Some(
            "spec:\n  containers:\n    - name: app\n      securityContext:\n        allowPrivilegeEscalation: false # why\n        procMount: \"Default\"\n"
        )
    );
}

#[test]
fn null_values_are_filled() {
    check(
        no_escalation,
        &[
            (
                "spec:\n  containers:\n  - name: app\n    securityContext:   # to do\n  - name: b\n",
                "spec:\n  containers:\n  - name: app\n    securityContext:   # to do\n      allowPrivilegeEscalation: false\n  - name: b\n",
            ),
            (
                "spec:\n  containers:\n  - name: app\n    securityContext: ~\n",
                "spec:\n  containers:\n  - name: app\n    securityContext: {allowPrivilegeEscalation: false}\n",
            ),
            (
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      allowPrivilegeEscalation:\n",
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      allowPrivilegeEscalation: false\n",
            ),
        ],
    );
}

fn drop_all(editor: &mut YamlEditor<'_>, root: NodeRef<'_>) -> Option<()> {
    editor.add_to_list(
        container(root, 0),
        &["securityContext", "capabilities", "drop"],
        "ALL",
    )
}

#[test]
fn a_new_list_follows_the_sequence_style_of_the_file() {
    check(
        drop_all,
        &[
            (
                "spec:\n  containers:\n  - name: app\n",
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities:\n        drop:\n        - ALL\n",
            ),
            (
                "spec:\n  containers:\n    - name: app\n",
                "spec:\n  containers:\n    - name: app\n      securityContext:\n        capabilities:\n          drop:\n            - ALL\n",
            ),
        ],
    );
}

#[test]
fn an_item_is_appended_to_an_existing_list_in_its_style() {
    check(
        drop_all,
        &[
            (
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities:\n        drop:\n          - NET_RAW # no raw sockets\n        add: [NET_BIND_SERVICE]\n",
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities:\n        drop:\n          - NET_RAW # no raw sockets\n          - ALL\n        add: [NET_BIND_SERVICE]\n",
            ),
            (
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities: {drop: [\"NET_RAW\"]}\n",
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities: {drop: [\"NET_RAW\", \"ALL\"]}\n",
            ),
            (
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities: {drop: []}\n",
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities: {drop: [ALL]}\n",
            ),
            (
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities:\n        drop:\n",
                "spec:\n  containers:\n  - name: app\n    securityContext:\n      capabilities:\n        drop:\n        - ALL\n",
            ),
        ],
    );
}

#[test]
fn crlf_line_endings_and_a_missing_final_newline_are_kept() {
    check(
        no_escalation,
        &[
            (
                "spec:\r\n  containers:\r\n    - name: app\r\n",
                "spec:\r\n  containers:\r\n    - name: app\r\n      securityContext:\r\n        allowPrivilegeEscalation: false\r\n",
            ),
            (
                "spec:\n  containers:\n    - name: app",
                "spec:\n  containers:\n    - name: app\n      securityContext:\n        allowPrivilegeEscalation: false",
            ),
        ],
    );
}

#[test]
fn json_style_mappings_get_quoted_keys_and_their_layout() {
    let text = "{\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"app\",\n        \"image\": \"app\"\n      }\n    ]\n  }\n}\n";
    let fixed = edit(text, drop_all).expect("a fix");
    assert_eq!(
        fixed,
        "{\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"app\",\n        \"image\": \"app\",\n        \"securityContext\": {\"capabilities\": {\"drop\": [\"ALL\"]}}\n      }\n    ]\n  }\n}\n"
    );
    let json = akslint_syntax::json::parse(&fixed, &Limits::default());
    assert!(json.errors.is_empty(), "{:?}", json.errors);
}

#[test]
fn a_block_scalar_at_the_end_is_kept_whole() {
    let text =
        "spec:\n  containers:\n  - name: app\n    args:\n    - |\n      echo hi\n\n  - name: b\n";
    assert_eq!(
        edit(text, no_escalation).as_deref(),
        Some(
            "spec:\n  containers:\n  - name: app\n    args:\n    - |\n      echo hi\n    securityContext:\n      allowPrivilegeEscalation: false\n\n  - name: b\n"
        )
    );
    let kept =
        "spec:\n  containers:\n  - name: app\n    script: |+\n      echo hi\n\n  - name: b\n";
    assert_eq!(edit(kept, no_escalation), None);
}

#[test]
fn a_multi_line_flow_value_at_the_end_is_kept_whole() {
    check(
        no_escalation,
        &[(
            "spec:\n  containers:\n  - name: app\n    command: [\n      sh,\n    ]\n",
            "spec:\n  containers:\n  - name: app\n    command: [\n      sh,\n    ]\n    securityContext:\n      allowPrivilegeEscalation: false\n",
        )],
    );
}

#[test]
fn values_shared_through_aliases_or_merges_are_not_edited() {
    for text in [
        "x: &sc {runAsNonRoot: true}\nspec:\n  containers:\n  - name: app\n    securityContext: *sc\n",
        "x: &base\n  securityContext: {}\nspec:\n  containers:\n  - name: app\n    <<: *base\n",
    ] {
        assert_eq!(edit(text, no_escalation), None, "{text}");
    }
}

#[test]
fn strings_are_quoted_when_plain_would_read_otherwise() {
    let text = "metadata:\n  name: api\nspec:\n  type: LoadBalancer\n";
    let fixed = edit(text, |editor, root| {
        editor.set(
            root,
            &[
                "metadata",
                "annotations",
                "service.beta.kubernetes.io/azure-load-balancer-internal",
            ],
            NewValue::Str("true"),
        )
    });
    assert_eq!(
        fixed.as_deref(),
        Some(
            "metadata:\n  name: api\n  annotations:\n    service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"\nspec:\n  type: LoadBalancer\n"
        )
    );
}

#[test]
fn empty_block_and_tagged_values_are_not_replaced() {
    let text = "a:\nb: |\n  x\nc: !!str yes\n";
    for key in ["a", "b", "c"] {
        let replaced = edit(text, |editor, root| {
            editor.replace(root.get(key)?, NewValue::Str("z"))
        });
        assert_eq!(replaced, None, "{key}");
    }
}

#[test]
fn a_scalar_where_a_mapping_belongs_is_left_alone() {
    let text = "spec:\n  containers:\n  - name: app\n    securityContext: nope\n";
    assert_eq!(edit(text, no_escalation), None);
}
