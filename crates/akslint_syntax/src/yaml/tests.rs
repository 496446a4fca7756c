use super::*;
use crate::NodeRef;

/// Everything a parse gives but its comments (and the Helm sources read from them).
fn without_comments(text: &str, comments: bool) -> String {
    let file = parse_reading_comments(text, &Limits::default(), comments);
    let mut out = format!("{} nodes\n", file.tree.len());
    for document in &file.documents {
        out += &format!(
            "document {} {:?} {}\n",
            document.index, document.span, document.failed
        );
        if let Some(root) = file.root(document) {
            render(root, 1, &mut out);
        }
    }
    out + &format!("{:#?}", file.errors)
}

fn render(node: NodeRef<'_>, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    *out += &format!(
        "{indent}{:?} {:?} {}\n",
        node.kind(),
        node.span(),
        node.is_flow()
    );
    for (key, value) in node.entries() {
        render(key, depth + 1, out);
        render(value, depth + 1, out);
    }
    for item in node.items() {
        render(item, depth + 1, out);
    }
}

fn assert_same_either_way(name: &str, text: &str) {
    assert_eq!(
        without_comments(text, true),
        without_comments(text, false),
        "{name}: the parse depends on whether comments are read"
    );
}

/// The parser reads comments only in files that hold one akslint reads; everything else it
/// gives must not depend on that.
#[test]
fn reading_comments_changes_nothing_but_the_comments() {
    let cases = [
        ("plain", "a: 1\nb: [x, y]\n"),
        (
            "comments everywhere",
            "# head\na: 1 # tail\n# between\nb:\n  # inside\n  - x # item\n",
        ),
        (
            "hash in scalars",
            "a: 'x # y'\nb: \"#z\"\nc: x#y\nd: |\n  # not a comment\n  text\n",
        ),
        (
            "block scalar header comment",
            "a: > # folded\n  text\nb: |- # kept\n  x\n",
        ),
        (
            "flow with comments",
            "a: {x: 1, # one\n  y: 2}\nb: [1, # first\n  2]\n",
        ),
        (
            "documents",
            "# first\n---\na: 1\n--- # second\nb: 2\n...\n# after\n",
        ),
        (
            "anchors",
            "base: &b {x: 1} # anchored\nuse: *b\nmerged:\n  <<: *b # merge\n  y: 2\n",
        ),
        ("comment without space", "a: 1#not\nb: 2 #yes\n"),
        (
            "error after comment",
            "a: 1 # fine\nb: [unclosed\n---\nc: 3\n",
        ),
        (
            "error in comment line",
            "a:\n  - x\n # odd indent comment\n  - y\n  bad: [\n",
        ),
        ("tabs", "a:\t1 # tab before\n"),
        ("only comments", "# nothing\n# here\n"),
    ];
    for (name, text) in cases {
        assert_same_either_way(name, text);
    }
}

/// The same over every YAML file of the shared corpus, when it is beside the repository.
#[test]
fn reading_comments_changes_nothing_but_the_comments_in_the_shared_corpus() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut pending = vec![corpus];
    let mut read = 0;
    while let Some(directory) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                assert_same_either_way(&path.display().to_string(), &text);
                read += 1;
            }
        }
    }
    // Nothing to compare outside the workplace; there, the corpus has hundreds of files.
    assert!(read == 0 || read > 100, "{read} files");
}

#[test]
fn comments_are_read_in_files_with_a_suppression_or_a_helm_source() {
    let limits = Limits::default();
    let suppressed = parse("a: 1 # akslint: ignore[K8S101]\n", &limits);
    assert_eq!(suppressed.comments.len(), 1);
    let rendered = parse("# Source: chart/templates/a.yaml\na: 1\n", &limits);
    assert_eq!(rendered.comments.len(), 1);
    assert_eq!(
        rendered.documents[0].helm_source.as_deref(),
        Some("chart/templates/a.yaml")
    );
    assert!(parse("a: 1 # other\n", &limits).comments.is_empty());
}
