//! The YAML edit engine: text edits that change one value or add one key or list item, and
//! leave everything else as the user wrote it (comments, key order, quoting, indentation, line
//! endings).
//!
//! Block collections get new lines at the indentation of their neighbours, creating missing
//! intermediate mappings (`securityContext:`, `capabilities:`); flow collections
//! (`{runAsNonRoot: true}`, `[NET_RAW]`) get new entries inline, with the quoting of their
//! siblings, which also keeps JSON manifests JSON. An edit that cannot be made safely (a value
//! shared through an alias or a `<<` merge, a block scalar to replace, a key where a mapping
//! should be) is not made: the operation returns `None` and the rule reports without a fix.

use akslint_diagnostics::Edit;
use akslint_syntax::{K8sScalar, NodeRef, ScalarStyle, resolve_k8s_scalar};
use akslint_text::SourceFile;

use super::layout::{
    after_line, block_end, column, dash_column, ends_with_kept_block_scalar, indent_step,
    line_ending, sequence_indent, written_entry,
};

/// A value a fix writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewValue<'v> {
    /// A boolean, written `true` or `false`, never quoted.
    Bool(bool),
    /// A string: written plain when YAML reads it back as the same string, else quoted (with
    /// the quotes of the value it replaces, or of its siblings in a JSON-style collection).
    Str(&'v str),
}

/// What goes at the end of a path of missing keys.
#[derive(Debug, Clone, Copy)]
enum Leaf<'v> {
    /// `key: value`.
    Value(NewValue<'v>),
    /// `key: [item]`.
    List(&'v str),
}

/// Collects the edits of one fix over one file.
#[derive(Debug)]
pub struct YamlEditor<'a> {
    file: &'a SourceFile,
    edits: Vec<Edit>,
}

impl<'a> YamlEditor<'a> {
    /// An editor of `file`, whose tree the nodes passed in belong to.
    #[must_use]
    pub const fn new(file: &'a SourceFile) -> Self {
        Self {
            file,
            edits: Vec::new(),
        }
    }

    /// The edits made so far.
    #[must_use]
    pub fn into_edits(self) -> Vec<Edit> {
        self.edits
    }

    /// Replaces the scalar `node` with `value`. A quoted string stays quoted the same way; a
    /// boolean is written plain. Block scalars (`|`, `>`), tagged values and empty values (use
    /// [`Self::set`] on their mapping) are left alone.
    pub fn replace(&mut self, node: NodeRef<'_>, value: NewValue<'_>) -> Option<()> {
        let (_, style) = node.scalar()?;
        // An empty value has no text to replace: its span is a point next to its key.
        if node.span().is_empty() {
            return None;
        }
        let quote = match style {
            ScalarStyle::Plain => json_quote(node),
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Some(style),
            ScalarStyle::Literal | ScalarStyle::Folded | ScalarStyle::TaggedString => return None,
        };
        let written = render_value(value, quote);
        if self.file.slice(node.span()) != written {
            self.edits.push(Edit::replace(node.span(), written));
        }
        Some(())
    }

    /// Sets `path` (keys below the mapping `mapping`) to `value`: replaces the value when the
    /// key is there, else inserts the key, creating the missing mappings on the way.
    pub fn set(&mut self, mapping: NodeRef<'_>, path: &[&str], value: NewValue<'_>) -> Option<()> {
        self.walk(mapping, path, Leaf::Value(value))
    }

    /// Makes sure the list at `path` below `mapping` holds `item`: appends it to the list, or
    /// creates the list (and the mappings on the way) when it is missing.
    pub fn add_to_list(&mut self, mapping: NodeRef<'_>, path: &[&str], item: &str) -> Option<()> {
        self.walk(mapping, path, Leaf::List(item))
    }

    fn walk(&mut self, mapping: NodeRef<'_>, path: &[&str], leaf: Leaf<'_>) -> Option<()> {
        let mut node = mapping;
        for (depth, key) in path.iter().enumerate() {
            if !node.is_mapping() {
                return None;
            }
            let rest = &path[depth + 1..];
            let Some((key_node, value)) = node.entry(key) else {
                return self.insert_entry(node, &path[depth..], leaf);
            };
            // A value from an alias or a `<<` merge is written elsewhere, maybe shared: an edit
            // there would change other objects too.
            if !written_entry(node, key_node, value) {
                return None;
            }
            if value.is_null() {
                return self.fill_null(node, key_node, value, rest, leaf);
            }
            if rest.is_empty() {
                return match leaf {
                    Leaf::Value(new) => self.replace(value, new),
                    Leaf::List(item) => self.append_item(value, item),
                };
            }
            node = value;
        }
        None
    }

    /// Appends `item` to the sequence `list` unless it is already there.
    fn append_item(&mut self, list: NodeRef<'_>, item: &str) -> Option<()> {
        if !list.is_sequence() {
            return None;
        }
        let items: Vec<NodeRef<'_>> = list.items().collect();
        if items.iter().any(|node| node.as_str() == Some(item)) {
            return Some(());
        }
        let quote = items
            .first()
            .and_then(|first| first.scalar())
            .map(|(_, style)| style)
            .filter(|style| matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted))
            .or_else(|| json_quote(list));
        let written = render_value(NewValue::Str(item), quote);
        if list.is_flow() {
            let edit = match items.last() {
                Some(last) => {
                    let separator = self.flow_separator(list, *last);
                    Edit::insert(last.span().end, format!("{separator}{written}"))
                }
                None => Edit::insert(list.span().start + 1, written),
            };
            self.edits.push(edit);
            return Some(());
        }
        let first = items.first()?;
        let dash = dash_column(self.file, *first)?;
        let mut lines = self.lines_after_block(list, first.span().start, dash)?;
        lines.push(dash, |line| {
            line.push_str("- ");
            line.push_str(&written);
        });
        self.edits.push(lines.into_edit());
        Some(())
    }

    /// Inserts `keys` (and what ends them) into `mapping`, where the first key is missing.
    fn insert_entry(&mut self, mapping: NodeRef<'_>, keys: &[&str], leaf: Leaf<'_>) -> Option<()> {
        let written: Vec<(NodeRef<'_>, NodeRef<'_>)> = mapping
            .entries()
            .filter(|(key, value)| written_entry(mapping, *key, *value))
            .collect();
        if mapping.is_flow() {
            let quote = json_quote(mapping);
            let entry = flow_entry(keys, leaf, quote);
            let edit = match written.iter().max_by_key(|(_, value)| value.span().end) {
                Some((_, last)) => {
                    let separator = self.flow_separator(mapping, *last);
                    Edit::insert(last.span().end, format!("{separator}{entry}"))
                }
                None => Edit::insert(mapping.span().start + 1, entry),
            };
            self.edits.push(edit);
            return Some(());
        }
        let last_key = written.iter().map(|(key, _)| key.span().start).max()?;
        let indent = column(self.file, last_key);
        let mut lines = self.lines_after_block(mapping, last_key, indent)?;
        self.block_lines(&mut lines, mapping, keys, leaf, indent);
        self.edits.push(lines.into_edit());
        Some(())
    }

    /// Gives the null value of `key` (`securityContext:` or `securityContext: ~`) the rest of
    /// the path.
    fn fill_null(
        &mut self,
        parent: NodeRef<'_>,
        key: NodeRef<'_>,
        value: NodeRef<'_>,
        rest: &[&str],
        leaf: Leaf<'_>,
    ) -> Option<()> {
        let quote = json_quote(parent);
        let inline = match (rest, leaf) {
            ([], Leaf::Value(new)) => render_value(new, quote),
            ([], Leaf::List(item)) => format!("[{}]", render_value(NewValue::Str(item), quote)),
            (keys, leaf) => format!("{{{}}}", flow_entry(keys, leaf, quote)),
        };
        if !value.span().is_empty() {
            self.edits.push(Edit::replace(value.span(), inline));
            return Some(());
        }
        // An empty value: its span sits at the end of the key, before the colon.
        let text = self.file.text();
        let after_key = text.get(key.span().end as usize..)?;
        let colon = key.span().end
            + u32::try_from(after_key.len() - after_key.trim_start_matches(' ').len()).ok()?;
        if text.as_bytes().get(colon as usize) != Some(&b':') {
            return None;
        }
        if parent.is_flow() || (rest.is_empty() && matches!(leaf, Leaf::Value(_))) {
            self.edits
                .push(Edit::insert(colon + 1, format!(" {inline}")));
            return Some(());
        }
        // Only a comment may follow the colon on a key line whose value is empty.
        let line_end = text[colon as usize..]
            .find(['\n', '\r'])
            .map_or(text.len(), |at| colon as usize + at);
        let tail = text[colon as usize + 1..line_end].trim_start();
        if !(tail.is_empty() || tail.starts_with('#')) {
            return None;
        }
        let key_column = column(self.file, key.span().start);
        let step = indent_step(self.file, parent);
        let mut lines = NewLines::after_line(self.file, colon);
        match (rest, leaf) {
            ([], Leaf::List(item)) => {
                let dash = key_column + sequence_indent(self.file, parent, step);
                lines.push(dash, |line| {
                    line.push_str("- ");
                    write_value(line, NewValue::Str(item), None);
                });
            }
            (keys, leaf) => self.block_lines(&mut lines, parent, keys, leaf, key_column + step),
        }
        self.edits.push(lines.into_edit());
        Some(())
    }

    /// Adds the lines of `keys` in block style to `lines`, the first at `indent`.
    fn block_lines(
        &self,
        lines: &mut NewLines,
        near: NodeRef<'_>,
        keys: &[&str],
        leaf: Leaf<'_>,
        indent: usize,
    ) {
        let step = indent_step(self.file, near);
        let mut column = indent;
        for (depth, key) in keys.iter().enumerate() {
            let last = depth + 1 == keys.len();
            lines.push(column, |line| {
                write_value(line, NewValue::Str(key), None);
                line.push(':');
                if let (Leaf::Value(value), true) = (leaf, last) {
                    line.push(' ');
                    write_value(line, value, None);
                }
            });
            if let (Leaf::List(item), true) = (leaf, last) {
                let dash = column + sequence_indent(self.file, near, step);
                lines.push(dash, |line| {
                    line.push_str("- ");
                    write_value(line, NewValue::Str(item), None);
                });
            }
            column += step;
        }
    }

    /// Where whole lines go after the last line of the block collection `node`, whose last
    /// entry starts at `from` and whose keys or `-` markers are at `column`; `None` when lines
    /// cannot go there.
    fn lines_after_block(&self, node: NodeRef<'_>, from: u32, column: usize) -> Option<NewLines> {
        if ends_with_kept_block_scalar(self.file, node) {
            return None;
        }
        let end = block_end(self.file, from, column);
        Some(NewLines::after_line(self.file, end))
    }

    /// `, ` between flow entries, or a line break and the indentation of `last` when the
    /// collection puts each entry on its own line (pretty-printed JSON).
    fn flow_separator(&self, collection: NodeRef<'_>, last: NodeRef<'_>) -> String {
        let index = self.file.line_index();
        let last_start = last.key().map_or(last.span().start, |key| key.span().start);
        if index.line_of(collection.span().start) == index.line_of(last_start) {
            return ", ".to_owned();
        }
        let eol = line_ending(self.file, last_start);
        format!(",{eol}{}", " ".repeat(column(self.file, last_start)))
    }
}

/// Whole lines inserted after one line of the file, with that line's line endings, written
/// straight into the text of the edit.
struct NewLines {
    at: u32,
    /// The line is the last of the file and has no line break: each new line then starts with
    /// one instead of ending with one.
    break_first: bool,
    eol: &'static str,
    text: String,
}

impl NewLines {
    /// Lines to go after the line holding `offset`.
    fn after_line(file: &SourceFile, offset: u32) -> Self {
        let (at, break_first) = after_line(file, offset);
        Self {
            at,
            break_first,
            eol: line_ending(file, offset),
            text: String::new(),
        }
    }

    /// Adds a line indented by `indent` spaces, whose content `write` appends.
    fn push(&mut self, indent: usize, write: impl FnOnce(&mut String)) {
        if self.break_first {
            self.text.push_str(self.eol);
        }
        self.text.extend(std::iter::repeat_n(' ', indent));
        write(&mut self.text);
        if !self.break_first {
            self.text.push_str(self.eol);
        }
    }

    fn into_edit(self) -> Edit {
        Edit::insert(self.at, self.text)
    }
}

/// `"` when `node`'s collection is written JSON-style (a flow mapping with double-quoted keys,
/// or a flow sequence inside one): new strings and keys must then be double-quoted too.
fn json_quote(node: NodeRef<'_>) -> Option<ScalarStyle> {
    let mapping = std::iter::successors(Some(node), |n| n.parent())
        .take(2)
        .find(|n| n.is_mapping())?;
    let (first_key, _) = mapping.entries().next()?;
    let double = mapping.is_flow()
        && first_key
            .scalar()
            .is_some_and(|(_, style)| style == ScalarStyle::DoubleQuoted);
    double.then_some(ScalarStyle::DoubleQuoted)
}

/// `k1: {k2: value}` (or `k: [item]`) for a flow collection.
fn flow_entry(keys: &[&str], leaf: Leaf<'_>, quote: Option<ScalarStyle>) -> String {
    let mut out = String::new();
    for (depth, key) in keys.iter().enumerate() {
        write_value(&mut out, NewValue::Str(key), quote);
        out.push_str(": ");
        if depth + 1 < keys.len() {
            out.push('{');
        }
    }
    match leaf {
        Leaf::Value(value) => write_value(&mut out, value, quote),
        Leaf::List(item) => {
            out.push('[');
            write_value(&mut out, NewValue::Str(item), quote);
            out.push(']');
        }
    }
    out.push_str(&"}".repeat(keys.len().saturating_sub(1)));
    out
}

/// The text of a scalar, in `quote` style when given.
fn render_value(value: NewValue<'_>, quote: Option<ScalarStyle>) -> String {
    let mut out = String::new();
    write_value(&mut out, value, quote);
    out
}

/// Appends the text of a scalar, in `quote` style when given.
fn write_value(out: &mut String, value: NewValue<'_>, quote: Option<ScalarStyle>) {
    match value {
        NewValue::Bool(true) => out.push_str("true"),
        NewValue::Bool(false) => out.push_str("false"),
        NewValue::Str(text) => match quote {
            Some(ScalarStyle::SingleQuoted) => write_quoted(out, text, '\'', &[('\'', "''")]),
            Some(ScalarStyle::DoubleQuoted) => write_double_quoted(out, text),
            _ if plain_is_string(text) => out.push_str(text),
            _ => write_double_quoted(out, text),
        },
    }
}

fn write_double_quoted(out: &mut String, text: &str) {
    write_quoted(out, text, '"', &[('\\', "\\\\"), ('"', "\\\"")]);
}

/// Appends `text` between `quote`s, with each character of `escapes` written as its escape.
fn write_quoted(out: &mut String, text: &str, quote: char, escapes: &[(char, &str)]) {
    out.push(quote);
    for c in text.chars() {
        match escapes.iter().find(|(escaped, _)| *escaped == c) {
            Some((_, escape)) => out.push_str(escape),
            None => out.push(c),
        }
    }
    out.push(quote);
}

/// Whether `text` written without quotes reads back as the same string, in YAML 1.1 (as
/// Kubernetes reads it) and in YAML 1.2: simple words only, and none that is a boolean, a
/// number or null.
fn plain_is_string(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && matches!(
            resolve_k8s_scalar(text, ScalarStyle::Plain),
            K8sScalar::Str(_)
        )
}

#[cfg(test)]
mod tests;
