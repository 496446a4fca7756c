//! The generated pages under `rules/` must match the rules' doc comments.
//! Regenerate with `UPDATE_RULE_DOCS=1 cargo test -p akslint_linter --test docs`.

use std::path::{Path, PathBuf};

use akslint_linter::{all_rules, docs};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

#[test]
fn generated_rule_pages_are_current() {
    let dir = rules_dir();
    let mut expected = vec![("README.md".to_owned(), docs::index_page())];
    for rule in all_rules() {
        let meta = rule.meta();
        expected.push((format!("{}.md", meta.code), docs::rule_page(meta)));
    }
    if std::env::var_os("UPDATE_RULE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).expect("create rules/");
        for entry in std::fs::read_dir(&dir).expect("read rules/") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                std::fs::remove_file(path).expect("remove stale page");
            }
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).expect("write page");
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if &on_disk != text {
            stale.push(name.clone());
        }
    }
    let known: Vec<&String> = expected.iter().map(|(name, _)| name).collect();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && !known.contains(&&name) {
            stale.push(format!("{name} (no such rule)"));
        }
    }
    assert!(
        stale.is_empty(),
        "rules/ is stale: {stale:?}; run `UPDATE_RULE_DOCS=1 cargo test -p akslint_linter --test docs`"
    );
}
