//! Behaviour of the YAML loader on the shapes real manifests take.

use akslint_syntax::{Limits, ParsedFile, SyntaxErrorKind, yaml};

fn parse(text: &str) -> ParsedFile<'_> {
    yaml::parse(text, &Limits::default())
}

fn slice(text: &str, span: akslint_text::Span) -> &str {
    &text[span.range()]
}

#[test]
fn keys_and_values_keep_exact_spans() {
    let text = "metadata:\n  name: \"héllo\"  # akslint: ignore\n  labels: {a: b}\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let root = file.root(&file.documents[0]).expect("root");
    let name = root.get_path("metadata.name").expect("name");
    assert_eq!(slice(text, name.span()), "\"héllo\"");
    assert_eq!(name.as_str(), Some("héllo"));
    let key = name.key().expect("key");
    assert_eq!(slice(text, key.span()), "name");
    let labels = root.get_path("metadata.labels").expect("labels");
    assert!(labels.is_flow());
    assert_eq!(slice(text, labels.span()), "{a: b}");
    assert_eq!(file.comments.len(), 1);
    assert_eq!(slice(text, file.comments[0].span), "# akslint: ignore");
    let metadata = root.get("metadata").expect("metadata");
    assert_eq!(
        slice(text, metadata.span()),
        "name: \"héllo\"  # akslint: ignore\n  labels: {a: b}"
    );
}

#[test]
fn crlf_line_endings() {
    let text = "kind: Pod\r\nspec:\r\n  hostPID: true\r\n";
    let file = parse(text);
    assert!(file.errors.is_empty());
    let root = file.root(&file.documents[0]).expect("root");
    let host_pid = root.get_path("spec.hostPID").expect("hostPID");
    assert_eq!(slice(text, host_pid.span()), "true");
    assert_eq!(host_pid.as_bool(), Some(true));
}

#[test]
fn tabs_inside_values_are_content() {
    let text = "a: x\ty\nb: \"q\t\"\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let root = file.root(&file.documents[0]).expect("root");
    assert_eq!(root.get("a").and_then(|n| n.as_str()), Some("x\ty"));
    assert_eq!(root.get("b").and_then(|n| n.as_str()), Some("q\t"));
}

#[test]
fn flow_style_collections() {
    let text = "spec: {containers: [{name: app, securityContext: {privileged: yes}}]}\n";
    let file = parse(text);
    assert!(file.errors.is_empty());
    let root = file.root(&file.documents[0]).expect("root");
    let container = root
        .get_path("spec.containers")
        .and_then(|c| c.items().next())
        .expect("container");
    let privileged = container
        .get_path("securityContext.privileged")
        .expect("privileged");
    assert_eq!(slice(text, privileged.span()), "yes");
    assert_eq!(privileged.as_bool(), Some(true));
    assert_eq!(slice(text, privileged.entry_span()), "privileged: yes");
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "\
base: &base
  runAsNonRoot: true
  runAsUser: 1000
other: &other
  runAsUser: 5
  readOnlyRootFilesystem: true
pod:
  securityContext:
    <<: [*base, *other]
    runAsUser: 2000
copy: *base
";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let root = file.root(&file.documents[0]).expect("root");
    let context = root.get_path("pod.securityContext").expect("context");
    // Written keys win over merged ones.
    assert_eq!(
        context.get("runAsUser").and_then(|n| n.as_int()),
        Some(2000)
    );
    // Merged keys are visible, and keep the span of their definition.
    let non_root = context.get("runAsNonRoot").expect("merged");
    assert_eq!(non_root.as_bool(), Some(true));
    assert_eq!(text.lines().nth(1), Some("  runAsNonRoot: true"));
    assert!(slice(text, non_root.span()) == "true" && non_root.span().start < 30);
    assert_eq!(
        context
            .get("readOnlyRootFilesystem")
            .and_then(|n| n.as_bool()),
        Some(true)
    );
    assert_eq!(
        context
            .entries()
            .filter(|(k, _)| k.as_str() == Some("<<"))
            .count(),
        0
    );
    // An alias is the anchored node itself.
    assert_eq!(root.get("copy"), root.get("base"));
}

#[test]
fn earlier_merge_sources_win() {
    let text = "a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n";
    let file = parse(text);
    let root = file.root(&file.documents[0]).expect("root");
    let c = root.get("c").expect("c");
    assert_eq!(c.get("x").and_then(|n| n.as_int()), Some(1));
    assert_eq!(c.get("y").and_then(|n| n.as_int()), Some(3));
}

#[test]
fn multi_document_stream_with_a_broken_middle_document() {
    let text = "kind: One\n---\nkind: Two\nbad: [1, 2\n  c: 3\n---\nkind: Three # still read\n---\nkind: Four\n";
    let file = parse(text);
    let invalid: Vec<_> = file
        .errors
        .iter()
        .filter(|e| e.kind == SyntaxErrorKind::Invalid)
        .collect();
    assert_eq!(invalid.len(), 1, "{:?}", file.errors);
    assert_eq!(invalid[0].document, Some(1));
    let kinds: Vec<_> = file
        .documents
        .iter()
        .map(|d| {
            file.root(d)
                .and_then(|r| r.get("kind"))
                .and_then(|k| k.as_str())
        })
        .collect();
    assert_eq!(kinds, [Some("One"), None, Some("Three"), Some("Four")]);
    assert!(file.documents[1].failed);
    // The error points into the broken document.
    let offset = invalid[0].span.start as usize;
    assert!(offset > text.find("kind: Two").unwrap_or(0));
    assert!(offset < text.find("kind: Three").unwrap_or(0));
}

#[test]
fn duplicate_keys_are_reported_and_the_last_wins() {
    let text = "spec:\n  hostPID: false\n  hostPID: true\n";
    let file = parse(text);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].kind, SyntaxErrorKind::DuplicateKey);
    assert_eq!(
        slice(text, file.errors[0].span),
        "hostPID",
        "points at the second key"
    );
    assert_eq!(file.errors[0].span.start, 25);
    let root = file.root(&file.documents[0]).expect("root");
    assert_eq!(
        root.get_path("spec.hostPID").and_then(|n| n.as_bool()),
        Some(true)
    );
}

#[test]
fn helm_source_comments_belong_to_their_document() {
    let text = "---\n# Source: web/templates/sa.yaml\nkind: ServiceAccount\n---\n# Source: web/templates/deploy.yaml\nkind: Deployment\n---\nkind: NoSource\n";
    let file = parse(text);
    let sources: Vec<_> = file
        .documents
        .iter()
        .map(|d| d.helm_source.as_deref())
        .collect();
    assert_eq!(
        sources,
        [
            Some("web/templates/sa.yaml"),
            Some("web/templates/deploy.yaml"),
            None
        ]
    );
}

#[test]
fn alias_bomb_is_rejected_without_expanding_it() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let prev = level - 1;
        let refs = vec![format!("*a{prev}"); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let file = parse(&text);
    assert!(file.tree.len() < 1_000);
    assert!(
        file.errors
            .iter()
            .any(|e| e.kind == SyntaxErrorKind::LimitExceeded),
        "{:?}",
        file.errors
    );
    assert!(file.documents[0].root.is_none());
}

#[test]
fn deep_flow_nesting_is_an_error_not_a_crash() {
    let depth = 200_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let file = parse(&text);
    assert!(
        file.errors
            .iter()
            .any(|e| e.kind == SyntaxErrorKind::LimitExceeded)
    );
}

#[test]
fn empty_and_comment_only_streams_have_no_errors() {
    for text in ["", "\n", "# just a comment\n", "---\n", "---\n...\n"] {
        let file = parse(text);
        assert!(file.errors.is_empty(), "{text:?}: {:?}", file.errors);
        assert!(
            file.documents
                .iter()
                .all(|d| d.root.is_none() || file.root(d).is_some_and(|r| r.is_null()))
        );
    }
}

#[test]
fn tagged_strings_are_strings() {
    let text = "a: !!str yes\nb: ! on\nc: yes\n";
    let file = parse(text);
    let root = file.root(&file.documents[0]).expect("root");
    assert_eq!(root.get("a").and_then(|n| n.as_bool()), None);
    assert_eq!(root.get("b").and_then(|n| n.as_bool()), None);
    assert_eq!(root.get("c").and_then(|n| n.as_bool()), Some(true));
}

#[test]
fn long_comment_blocks_anywhere_are_comments_not_errors() {
    // Comments are read in files that hold one akslint reads, such as a suppression.
    let block: String = (0..500)
        .map(|i| format!("# akslint: commented out {i}\n"))
        .collect();
    let indented = block.replace('#', "    #");
    for text in [
        format!("metadata:\n{block}  name: x\n"),
        format!("data:\n  k:\n{indented}    v\n"),
        format!("a:\n{block}  - x\n{block}  - y\n"),
        format!("? a\n{block}: b\n"),
        format!("a: [\n{block} x\n]\n"),
    ] {
        let file = parse(&text);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(file.comments.len(), text.matches('#').count());
    }
}
