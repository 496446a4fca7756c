//! Every limit of [`Limits`] holds on hostile input, is reported as `LimitExceeded` with its
//! position and its value, and costs time and memory in proportion to the input only.

use akslint_syntax::{Limits, ParsedFile, SyntaxError, SyntaxErrorKind, json, yaml};

fn limit_errors<'a>(file: &'a ParsedFile<'_>) -> Vec<&'a SyntaxError> {
    file.errors
        .iter()
        .filter(|e| e.kind == SyntaxErrorKind::LimitExceeded)
        .collect()
}

fn small(max_depth: usize) -> Limits {
    Limits {
        max_depth,
        ..Limits::default()
    }
}

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!("{}0{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn json_nesting_up_to_the_limit_is_read_and_one_more_level_is_refused_where_it_opens() {
    let limits = small(8);
    let text = nested("[", "]", 8);
    let file = json::parse(&text, &limits);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert!(file.documents[0].root.is_some());

    let text = format!("{{\"a\": {}}}", nested("[", "]", 8));
    let file = json::parse(&text, &limits);
    let errors = limit_errors(&file);
    assert_eq!(errors.len(), 1, "{:?}", file.errors);
    // The ninth level is the eighth `[`, after `{"a": ` and seven brackets.
    assert_eq!(errors[0].span.start, 13);
    assert_eq!(&text[errors[0].span.range()], "[");
    assert!(
        errors[0].message.contains("more than 8 levels"),
        "{}",
        errors[0].message
    );
    assert!(file.documents[0].failed);
    assert!(file.documents[0].root.is_none());
}

#[test]
fn json_brackets_in_strings_and_comments_do_not_nest() {
    let text = "// [[[[[[[[[[\n/* {{{{{{{{{{ */\n{\"a\": \"[[[[[[[[[[\\\"[[[[\", \"b\": [1]}\n";
    let file = json::parse(text, &small(2));
    assert!(file.errors.is_empty(), "{:?}", file.errors);
}

#[test]
fn deep_json_is_refused_without_recursing() {
    // Far deeper than the limit, on a thread with a small stack: the parser keeps its open
    // collections on the heap, and stops at the level that goes over.
    let depth = 100_000;
    let text = format!(
        "{{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"x\": {}}}",
        nested("[", "]", depth)
    );
    let file = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let file = json::parse(&text, &Limits::default());
            (file.errors.clone(), file.documents.len())
        })
        .expect("thread starts")
        .join()
        .expect("no stack overflow");
    assert_eq!(file.1, 1);
    assert_eq!(file.0.len(), 1);
    assert_eq!(file.0[0].kind, SyntaxErrorKind::LimitExceeded);
    assert!(file.0[0].message.contains("more than 256 levels"));
}

#[test]
fn json_at_the_hard_maximum_depth_parses_on_a_small_stack() {
    // Rayon's worker threads have 2 MiB stacks; code that walks the tree may recurse once per
    // level, so the deepest accepted input must fit with room to spare.
    let depth = Limits::MAX_DEPTH;
    let text = format!("{}0{}", "{\"a\": ".repeat(depth), "}".repeat(depth));
    let errors = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || json::parse(&text, &small(Limits::MAX_DEPTH)).errors)
        .expect("thread starts")
        .join()
        .expect("no stack overflow");
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_configured_depth_above_the_hard_maximum_is_capped() {
    let limits = small(100_000);
    let text = nested("[", "]", Limits::MAX_DEPTH + 1);
    let file = json::parse(&text, &limits);
    let errors = limit_errors(&file);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .contains(&format!("more than {} levels", Limits::MAX_DEPTH))
    );
    let file = yaml::parse(&text, &limits);
    assert_eq!(limit_errors(&file).len(), 1);
}

#[test]
fn yaml_flow_and_block_nesting_count_together() {
    let limits = small(6);
    // Three block levels holding three flow levels: six, the limit.
    let ok = "a:\n  b:\n    c: [[[x]]]\n";
    let file = yaml::parse(ok, &limits);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    // Four block levels holding three flow levels: seven.
    let deep = "a:\n  b:\n    c:\n      d: [[[x]]]\n";
    let file = yaml::parse(deep, &limits);
    let errors = limit_errors(&file);
    assert_eq!(errors.len(), 1, "{:?}", file.errors);
    assert_eq!(&deep[errors[0].span.start as usize..][..3], "[x]");
    assert!(errors[0].message.contains("more than 6 levels"));
    assert!(file.documents[0].failed);
}

#[test]
fn yaml_block_nesting_over_the_limit_fails_only_its_document() {
    let depth = 5_000;
    let mut text = String::from("kind: ConfigMap\n---\n");
    // `- - - x` nests block sequences on one line: 5,000 levels in 10 kB.
    text.push_str(&"- ".repeat(depth));
    text.push_str("x\n---\nkind: Pod\n");
    let file = yaml::parse(&text, &Limits::default());
    let errors = limit_errors(&file);
    assert_eq!(errors.len(), 1, "{:?}", file.errors);
    assert_eq!(errors[0].document, Some(1));
    assert_eq!(file.documents.len(), 3);
    assert!(file.documents[1].failed);
    assert!(file.documents[2].root.is_some());
}

#[test]
fn yaml_deep_flow_nesting_is_refused_at_the_limit() {
    let depth = 200_000;
    let text = format!("a: {}", nested("[", "]", depth));
    let file = yaml::parse(&text, &Limits::default());
    let errors = limit_errors(&file);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("more than 256 levels"));
}

/// Ten levels of ten aliases each: 10^10 nodes expanded, from a few hundred bytes.
fn alias_bomb() -> String {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    text
}

#[test]
fn an_alias_bomb_is_stopped_at_the_alias_that_goes_over() {
    let text = alias_bomb();
    let file = yaml::parse(&text, &Limits::default());
    let errors = limit_errors(&file);
    assert_eq!(errors.len(), 1, "{:?}", file.errors);
    assert!(
        errors[0].message.contains("more than 1000000 extra nodes"),
        "{}",
        errors[0].message
    );
    assert!(text[errors[0].span.range()].starts_with("*a"));
    assert!(file.documents[0].root.is_none());
    assert!(file.tree.len() < 1_000);
}

#[test]
fn merge_key_chains_are_stopped_before_they_cost_quadratic_memory() {
    // Each mapping merges the previous one: n mappings hold n^2/2 merged entries in total.
    let n = 20_000;
    let mut text = String::from("m0: &m0 {k0: v}\n");
    for i in 1..n {
        text.push_str(&format!("m{i}: &m{i} {{<<: *m{}, k{i}: v}}\n", i - 1));
    }
    let start = std::time::Instant::now();
    let file = yaml::parse(&text, &Limits::default());
    assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    assert_eq!(limit_errors(&file).len(), 1, "{:?}", file.errors);
    assert!(file.tree.len() < 200_000, "{} nodes", file.tree.len());
}

#[test]
fn the_alias_limit_is_for_the_whole_file_not_each_document() {
    // Each document repeats a mapping of 11 nodes ten times: 110 nodes from aliases.
    let document =
        "a: &a {k1: v, k2: v, k3: v, k4: v, k5: v}\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n";
    let text = vec![document; 30].join("---\n");
    let limits = Limits {
        max_expanded_nodes: 1_100,
        ..Limits::default()
    };
    let file = yaml::parse(&text, &limits);
    let errors = limit_errors(&file);
    assert_eq!(errors.len(), 20, "{:?}", file.errors);
    assert_eq!(errors[0].document, Some(10));
    assert!(file.documents[..10].iter().all(|d| d.root.is_some()));
    assert!(file.documents[10..].iter().all(|d| d.failed));
}

#[test]
fn large_documents_without_aliases_are_not_alias_bombs() {
    let items = vec!["x"; 5_000].join(", ");
    let text = format!("a: [{items}]\n");
    let limits = Limits {
        max_expanded_nodes: 100,
        ..Limits::default()
    };
    let file = yaml::parse(&text, &limits);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
}

#[test]
fn the_document_limit_holds_for_every_way_of_separating_documents() {
    let limits = Limits {
        max_documents: 3,
        ..Limits::default()
    };
    for text in [
        "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n---\ne: 5\n",
        "a: 1\n...\nb: 2\n...\nc: 3\n...\nd: 4\n...\ne: 5\n",
        "---\n---\n---\n---\n---\n",
        "a: [\n---\nb: [\n---\nc: [\n---\nd: [\n---\ne: [\n",
    ] {
        let file = yaml::parse(text, &limits);
        let errors = limit_errors(&file);
        assert_eq!(errors.len(), 1, "{text:?}: {:?}", file.errors);
        assert!(
            errors[0].message.contains("more than 3 documents"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[0].document, Some(3));
        assert_eq!(file.documents.len(), 3, "{text:?}");
    }
}
