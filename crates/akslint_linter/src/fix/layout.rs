//! How a file is laid out where an edit goes: columns, line endings, the indentation step and
//! the sequence style, read from the nodes around the edit so that inserted lines look like
//! their neighbours (a Helm stream may mix charts indented differently).

use akslint_syntax::{NodeRef, ScalarStyle};
use akslint_text::SourceFile;

/// The indentation step when nothing around the edit shows one.
const DEFAULT_STEP: usize = 2;

/// How far up the tree to look for examples of the file's style.
const MAX_ANCESTORS: usize = 64;

/// The column of byte `offset` in characters (indentation is spaces, so this is the number of
/// spaces to write to start a line there).
pub(super) fn column(file: &SourceFile, offset: u32) -> usize {
    file.line_index().char_position(offset, file.text()).col as usize
}

/// The line terminator of the line holding `offset`, else the file's first, else `\n`: CRLF
/// files stay CRLF.
pub(super) fn line_ending(file: &SourceFile, offset: u32) -> &'static str {
    let text = file.text();
    let index = file.line_index();
    let line = index.line_of(offset);
    let end = index.line_span(line, text).end as usize;
    let terminator = |at: usize| {
        let rest = &text.as_bytes()[at..];
        match rest {
            [b'\r', b'\n', ..] => Some("\r\n"),
            [b'\n', ..] => Some("\n"),
            [b'\r', ..] => Some("\r"),
            _ => None,
        }
    };
    terminator(end)
        .or_else(|| text.find(['\n', '\r']).and_then(terminator))
        .unwrap_or("\n")
}

/// Where a new line goes after the line holding `offset`: the start of the next line, and
/// whether a line break must be written first (the line is the last and has none).
pub(super) fn after_line(file: &SourceFile, offset: u32) -> (u32, bool) {
    let text = file.text();
    let index = file.line_index();
    let line = index.line_of(offset);
    let end = index.line_span(line, text).end;
    if line + 1 < index.line_count() {
        (index.line_span(line + 1, text).start, false)
    } else {
        (end, true)
    }
}

/// An offset on the last line of a block collection whose last entry starts on the line of
/// `from` and whose keys (or `-` markers) are at `column`.
///
/// The block goes on over blank lines, comments, lines indented deeper than `column` (nested
/// values, block scalars, continued scalars) and `-` items at `column` (more items of a
/// sequence, or a sequence that is the value of the last key, written without indentation), and
/// the closing bracket of a multi-line flow value. Reading the text rather than node spans keeps aliases (whose nodes are written
/// elsewhere) and block scalars (whose spans run on over the following indentation) from
/// misplacing the end. A comment after the last entry is left below the inserted lines.
pub(super) fn block_end(file: &SourceFile, from: u32, column: usize) -> u32 {
    let text = file.text();
    let index = file.line_index();
    let first = index.line_of(from);
    let mut last = first;
    for line in first + 1..index.line_count() {
        let span = index.line_span(line, text);
        let content = &text[span.range()];
        let body = content.trim_start_matches(' ');
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = content.len() - body.len();
        let item = indent == column && (body == "-" || body.starts_with("- "));
        // The closing bracket of a multi-line flow value may sit at the key's column.
        let closing = indent == column && body.starts_with([']', '}']);
        if indent > column || item || closing {
            last = line;
        } else {
            break;
        }
    }
    index.line_span(last, text).start
}

/// Whether the last scalar written inside `node` is a block scalar that keeps its trailing
/// blank lines (`|+`, `>+`): a line inserted after it would cut them off its value.
pub(super) fn ends_with_kept_block_scalar(file: &SourceFile, node: NodeRef<'_>) -> bool {
    let mut last = node;
    for _ in 0..MAX_ANCESTORS {
        let next = if last.is_mapping() {
            last.entries()
                .filter(|(key, value)| written_entry(last, *key, *value))
                .max_by_key(|(key, _)| key.span().start)
                .map(|(_, value)| value)
        } else if last.is_sequence() {
            last.items().filter(|item| written_item(last, *item)).last()
        } else {
            None
        };
        match next {
            Some(next) => last = next,
            None => break,
        }
    }
    let Some((_, style)) = last.scalar() else {
        return false;
    };
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
        return false;
    }
    // The header (`|`, `>-`, `|+2`) is on the line before the content.
    let text = file.text();
    let before = &text[..(last.span().start as usize).min(text.len())];
    let Some(indicator) = before.rfind(['|', '>']) else {
        return true;
    };
    let header_end = before[indicator..]
        .find(['\n', '\r', '#'])
        .map_or(before.len(), |end| indicator + end);
    before[indicator..header_end].contains('+')
}

/// Whether `value`, the value of `key` in `mapping`, is written there, and not reached through an
/// alias or a `<<` merge: an anchored node is written before its aliases, so its text lies
/// before the key (an alias) or before the mapping (a merged entry).
pub(super) fn written_entry(mapping: NodeRef<'_>, key: NodeRef<'_>, value: NodeRef<'_>) -> bool {
    key.span().start >= mapping.span().start && value.span().start >= key.span().end
}

/// Whether `item` is written in `list`, and not reached through an alias.
pub(super) fn written_item(list: NodeRef<'_>, item: NodeRef<'_>) -> bool {
    item.span().start >= list.span().start
}

/// The collections `node` is written in, itself first.
fn ancestors(node: NodeRef<'_>) -> impl Iterator<Item = NodeRef<'_>> {
    std::iter::successors(Some(node), |node| node.parent()).take(MAX_ANCESTORS)
}

/// The block mappings written as values of `mapping`, with their keys.
fn block_children<'a>(
    mapping: NodeRef<'a>,
) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
    mapping.entries().filter(move |(key, value)| {
        written_entry(mapping, *key, *value) && !value.is_flow() && value.entries().len() > 0
    })
}

/// How many columns a nested block mapping is indented under its key, as written around
/// `node` (the closest example wins).
pub(super) fn indent_step(file: &SourceFile, node: NodeRef<'_>) -> usize {
    for ancestor in ancestors(node).filter(|n| n.is_mapping() && !n.is_flow()) {
        for (key, value) in block_children(ancestor) {
            let Some((first_key, _)) = value.entries().next() else {
                continue;
            };
            let step =
                column(file, first_key.span().start).saturating_sub(column(file, key.span().start));
            if step > 0 {
                return step;
            }
        }
    }
    DEFAULT_STEP
}

/// How many columns the `-` of a block sequence is indented under its key (`0` for
/// `containers:\n- name: app`), as written around `node`; the indentation step when no block
/// sequence is in sight.
pub(super) fn sequence_indent(file: &SourceFile, node: NodeRef<'_>, step: usize) -> usize {
    for ancestor in ancestors(node).filter(|n| n.is_mapping() && !n.is_flow()) {
        for (key, value) in ancestor.entries() {
            if !written_entry(ancestor, key, value) || !value.is_sequence() || value.is_flow() {
                continue;
            }
            if let Some(dash) = value
                .items()
                .next()
                .and_then(|item| dash_column(file, item))
            {
                return dash.saturating_sub(column(file, key.span().start));
            }
        }
    }
    step
}

/// The column of the `-` that introduces a block sequence item.
pub(super) fn dash_column(file: &SourceFile, item: NodeRef<'_>) -> Option<usize> {
    let text = file.text();
    let start = item.span().start as usize;
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let before = text[line_start..start].trim_end_matches(' ');
    before.ends_with('-').then(|| before.chars().count() - 1)
}

#[cfg(test)]
mod tests {
    use akslint_syntax::{Limits, yaml};

    use super::*;

    fn with_root<T>(text: &str, check: impl FnOnce(&SourceFile, NodeRef<'_>) -> T) -> T {
        let file = SourceFile::new("t.yaml", text.to_owned());
        let parsed = yaml::parse(file.text(), &Limits::default());
        let root = parsed.root(&parsed.documents[0]).expect("a root");
        check(&file, root)
    }

    #[test]
    fn step_and_sequence_style_come_from_the_neighbourhood() {
        let text = "spec:\n    containers:\n    - name: a\n      image: b\n";
        with_root(text, |file, root| {
            let container = root
                .get_path("spec.containers")
                .and_then(|c| c.items().next())
                .expect("container");
            assert_eq!(indent_step(file, container), 4);
            assert_eq!(sequence_indent(file, container, 4), 0);
        });
        let text = "spec:\n  containers:\n    - name: a\n";
        with_root(text, |file, root| {
            let container = root
                .get_path("spec.containers")
                .and_then(|c| c.items().next())
                .expect("container");
            assert_eq!(indent_step(file, container), 2);
            assert_eq!(sequence_indent(file, container, 2), 2);
        });
    }

    #[test]
    fn line_endings_and_the_line_after() {
        let file = SourceFile::new("t.yaml", "a: 1\r\nb: 2".to_owned());
        assert_eq!(line_ending(&file, 8), "\r\n");
        assert_eq!(after_line(&file, 2), (6, false));
        assert_eq!(after_line(&file, 8), (10, true));
    }

    #[test]
    fn kept_block_scalars_are_detected() {
        with_root("a:\n  b: |+\n    x\n\n", |file, root| {
            assert!(ends_with_kept_block_scalar(file, root));
        });
        with_root("a:\n  b: |-\n    x\n\n", |file, root| {
            assert!(!ends_with_kept_block_scalar(file, root));
        });
    }
}
