//! Linting never panics, and every finding points at real text, on any small mutation of real
//! manifests: random byte and line edits, and the YAML tokens that change structure most
//! (anchors, aliases, merge keys, flow brackets, document markers, tags).

use akslint_linter::{FileFormat, LintSettings, Linter, RuleSelection, Selector};
use akslint_text::SourceFile;
use proptest::prelude::*;
use proptest::sample::Index;

const MANIFESTS: &[(&str, FileFormat)] = &[
    (
        include_str!("../../../testdata/examples/insecure-deployment.yaml"),
        FileFormat::Yaml,
    ),
    (
        include_str!("../../../testdata/examples/hardened-pod.yaml"),
        FileFormat::Yaml,
    ),
    (
        include_str!("../../../fuzz/seeds/yaml_lint/anchors-and-lists.yaml"),
        FileFormat::Yaml,
    ),
    (
        include_str!("../../../fuzz/seeds/json_lint/pod.json"),
        FileFormat::Json,
    ),
    (
        include_str!("../../../fuzz/seeds/json_lint/arm-template.json"),
        FileFormat::Json,
    ),
];

const TOKENS: &[&str] = &[
    "&a ", "*a", "<<: *a", "<<: ", "- ", "? ", ": ", "{", "}", "[", "]", ",", "\"", "'", "---\n",
    "...\n", "!!str ", "! ", "~", "null", "true", "yes", "0", "-1", "1e999", "# ", "|\n", ">-\n",
    "\t", "\r", "\r\n", "\u{feff}", "é", "𝄞", "//", "/*", "\\u0000",
];

#[derive(Debug, Clone)]
enum Edit {
    InsertByte(Index, u8),
    DeleteByte(Index),
    ReplaceByte(Index, u8),
    InsertToken(Index, &'static str),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Indent(Index, usize),
    Dedent(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Edit::InsertByte(at, byte)),
        any::<Index>().prop_map(Edit::DeleteByte),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Edit::ReplaceByte(at, byte)),
        (any::<Index>(), prop::sample::select(TOKENS))
            .prop_map(|(at, token)| Edit::InsertToken(at, token)),
        any::<Index>().prop_map(Edit::DeleteLine),
        any::<Index>().prop_map(Edit::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<Index>(), 1usize..5).prop_map(|(line, width)| Edit::Indent(line, width)),
        any::<Index>().prop_map(Edit::Dedent),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let at = |index: &Index, len: usize| index.index(len + 1);
    match edit {
        Edit::InsertByte(i, byte) => bytes.insert(at(i, bytes.len()), *byte),
        Edit::DeleteByte(i) if !bytes.is_empty() => {
            bytes.remove(i.index(bytes.len()));
        }
        Edit::ReplaceByte(i, byte) if !bytes.is_empty() => {
            let i = i.index(bytes.len());
            bytes[i] = *byte;
        }
        Edit::InsertToken(i, token) => {
            let i = at(i, bytes.len());
            bytes.splice(i..i, token.bytes());
        }
        Edit::DeleteByte(_) | Edit::ReplaceByte(..) => {}
        Edit::DeleteLine(_)
        | Edit::DuplicateLine(_)
        | Edit::SwapLines(..)
        | Edit::Indent(..)
        | Edit::Dedent(_) => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let n = lines.len();
            match edit {
                Edit::DeleteLine(i) => {
                    lines.remove(i.index(n));
                }
                Edit::DuplicateLine(i) => {
                    let i = i.index(n);
                    lines.insert(i, lines[i].clone());
                }
                Edit::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
                Edit::Indent(i, width) => {
                    lines[i.index(n)].splice(0..0, std::iter::repeat_n(b' ', *width));
                }
                Edit::Dedent(i) => {
                    let line = &mut lines[i.index(n)];
                    let spaces = line.iter().take(2).take_while(|&&b| b == b' ').count();
                    line.drain(..spaces);
                }
                _ => {}
            }
            *bytes = lines.join(&b'\n');
        }
    }
}

fn linter() -> Linter {
    let all = Selector::parse("all").expect("the `all` profile");
    Linter::new(LintSettings {
        rules: RuleSelection::new(&[all], &[]),
        ..LintSettings::default()
    })
}

proptest! {
    // Failures print their minimal input; a fixed one becomes a plain regression test.
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn lint_never_panics_and_spans_stay_on_the_text(
        manifest in 0..MANIFESTS.len(),
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let (text, format) = MANIFESTS[manifest];
        let mut bytes = text.as_bytes().to_vec();
        for edit in &edits {
            apply(&mut bytes, edit);
        }
        // Files that are not UTF-8 are reported before linting; keep the rest of the text.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = SourceFile::new(if format == FileFormat::Json { "m.json" } else { "m.yaml" }, text);
        thread_local!(static LINTER: Linter = linter());
        let diagnostics = LINTER.with(|linter| linter.lint(&file, format));
        for diagnostic in &diagnostics {
            prop_assert!(
                file.text().get(diagnostic.span.range()).is_some(),
                "{} at {:?} is not on the text ({} bytes)",
                diagnostic.code,
                diagnostic.span,
                file.text().len()
            );
            // Positions for people and editors are computed from the span without panicking.
            let _ = diagnostic.range();
        }
    }
}
