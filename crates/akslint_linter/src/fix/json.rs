//! The JSON edit engine for ARM templates: replaces a literal value, or inserts a missing
//! property path into an object literal, and leaves everything else as written (comments,
//! key order, CRLF line endings, tabs or spaces).
//!
//! A multi-line object gets its new entry on a line of its own at the indentation of its
//! entries, and new intermediate objects are written multi-line with the same step; a compact
//! object (`{"a":1}` or `{ "a": 1 }`) gets the entry inline with the same spacing. The comma
//! goes right after the previous value, before any `//` comment that ends its line; a trailing
//! comma style is kept. Keys are matched without case, as ARM does.
//!
//! Bicep files are edited by the same engine over their lowered tree (whose nodes carry Bicep
//! spans), writing Bicep: `key: 'value'`, identifiers unquoted, no commas between the lines
//! of a multi-line object. A node the lowering made up (a module's inlined template, placed at
//! the module's path) is never edited: a literal is replaced only where the source holds that
//! literal, and entries are only added inside a written `{ }`.
//!
//! The editor never edits inside an ARM expression: when the value, or an object on the path
//! to it, is a `"[...]"` string (a parameter, a variable, `union()`, `if()`), the operation
//! returns `None` and the rule reports without a fix.

use std::borrow::Cow;

use akslint_diagnostics::Edit;
use akslint_model::azure::is_key;
use akslint_syntax::NodeRef;
use akslint_text::SourceFile;

use super::editor::NewValue;
use super::layout::line_ending;

/// The indentation used when the file gives no multi-line object to learn it from.
const DEFAULT_STEP: &str = "  ";

/// Collects the edits of one fix over one JSON file.
#[derive(Debug)]
pub struct JsonEditor<'a> {
    file: &'a SourceFile,
    edits: Vec<Edit>,
    syntax: Syntax,
}

/// Which language the edited file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Bicep,
}

impl Syntax {
    fn of(file: &SourceFile) -> Self {
        let bicep = file
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| {
                e.eq_ignore_ascii_case("bicep") || e.eq_ignore_ascii_case("bicepparam")
            });
        if bicep { Self::Bicep } else { Self::Json }
    }

    /// A value as this language writes it.
    fn value(self, value: NewValue<'_>) -> String {
        let mut out = String::new();
        self.push_value(&mut out, value);
        out
    }

    /// Appends a value as this language writes it.
    fn push_value(self, out: &mut String, value: NewValue<'_>) {
        match (self, value) {
            (_, NewValue::Bool(value)) => out.push_str(if value { "true" } else { "false" }),
            (Self::Json, NewValue::Str(text)) => akslint_model::azure::write_json_string(text, out),
            (Self::Bicep, NewValue::Str(text)) => push_bicep_string(text, out),
        }
    }

    /// Appends an object key as this language writes it.
    fn push_key(self, out: &mut String, key: &str) {
        let identifier = || {
            key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        match self {
            Self::Bicep if identifier() => out.push_str(key),
            _ => self.push_value(out, NewValue::Str(key)),
        }
    }

    /// Whether the source text at a literal node is that literal as written in this language,
    /// and not a place the lowering of Bicep put a node it made up (a module's nodes sit at
    /// its path).
    fn writes_literal(self, written: &str, node: NodeRef<'_>) -> bool {
        match self {
            Self::Json => true,
            Self::Bicep => node.scalar().is_some_and(|(value, style)| {
                if style == akslint_syntax::ScalarStyle::Plain {
                    written == value
                } else {
                    written == bicep_string(value)
                }
            }),
        }
    }
}

impl<'a> JsonEditor<'a> {
    /// An editor of `file`, whose tree the nodes passed in belong to.
    #[must_use]
    pub fn new(file: &'a SourceFile) -> Self {
        Self {
            file,
            edits: Vec::new(),
            syntax: Syntax::of(file),
        }
    }

    /// The edits made so far.
    #[must_use]
    pub fn into_edits(self) -> Vec<Edit> {
        self.edits
    }

    /// Replaces the literal `node` (a boolean, number, `null` or a string that is not an
    /// expression) with `value`.
    pub fn replace(&mut self, node: NodeRef<'_>, value: NewValue<'_>) -> Option<()> {
        if !is_literal(node)
            || node.span().is_empty()
            || !self
                .syntax
                .writes_literal(self.file.slice(node.span()), node)
        {
            return None;
        }
        let written = self.syntax.value(value);
        if self.file.slice(node.span()) != written {
            self.edits.push(Edit::replace(node.span(), written));
        }
        Some(())
    }

    /// Sets `path` (keys below the object `object`, matched without case) to `value`: replaces
    /// the literal when the property is there (or `null`), else inserts the missing keys,
    /// creating the objects on the way.
    pub fn set(&mut self, object: NodeRef<'_>, path: &[&str], value: NewValue<'_>) -> Option<()> {
        let mut node = object;
        for (depth, key) in path.iter().enumerate() {
            if !node.is_mapping() {
                return None;
            }
            let Some(next) = member(node, key) else {
                return self.insert(node, &path[depth..], value);
            };
            if depth + 1 == path.len() || next.is_null() {
                if depth + 1 == path.len() {
                    return self.replace(next, value);
                }
                let layout = Layout::of(self.file, node, self.syntax);
                let text = layout.nested(&path[depth + 1..], value);
                self.edits.push(Edit::replace(next.span(), text));
                return Some(());
            }
            node = next;
        }
        None
    }

    /// Inserts `keys` (the first missing from `object`) ending in `value`.
    fn insert(&mut self, object: NodeRef<'_>, keys: &[&str], value: NewValue<'_>) -> Option<()> {
        let text = self.file.text();
        let layout = Layout::of(self.file, object, self.syntax);
        let entry = layout.entry(keys, value);
        let span = object.span();
        if text.as_bytes().get(span.start as usize) != Some(&b'{') {
            return None;
        }
        let Some(last) = written_entries(object)
            .map(|(_, v)| v)
            .max_by_key(|v| v.span().end)
        else {
            // An empty object: only whitespace may stand between its braces.
            let open = span.start as usize + 1;
            let close = (span.end as usize).checked_sub(1)?;
            if text.as_bytes().get(close) != Some(&b'}')
                || !text.get(open..close)?.trim().is_empty()
            {
                return None;
            }
            let content = if layout.multiline {
                let (eol, outer) = (layout.eol, layout.outer);
                [eol, outer, layout.step, &entry, eol, outer].concat()
            } else {
                entry
            };
            let range = akslint_text::Span::from_range(open..close);
            self.edits.push(Edit::replace(range, content));
            return Some(());
        };
        let after = last.span().end as usize;
        if self.syntax == Syntax::Bicep && layout.multiline {
            // Bicep separates the lines of an object by line breaks alone: the entry goes on a
            // line of its own after the last one's line (after its comment), or right after the
            // last value when more follows it on its line (`last: true }`).
            let line_end = text[after..]
                .find(['\n', '\r'])
                .map_or(text.len(), |at| after + at);
            let tail = text[after..line_end].trim();
            let at = if tail.is_empty() || tail.starts_with("//") {
                line_end
            } else {
                after
            };
            self.edits.push(Edit::insert(
                to_u32(at)?,
                [layout.eol, layout.inner, &entry].concat(),
            ));
            return Some(());
        }
        let rest = &text[after..];
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let trailing_comma = rest[spaces..].starts_with(',');
        let anchor = if trailing_comma {
            after + spaces + 1
        } else {
            after
        };
        if layout.multiline {
            let line_end = text[anchor..]
                .find(['\n', '\r'])
                .map_or(text.len(), |at| anchor + at);
            let tail = text[anchor..line_end].trim();
            let indent = layout.inner;
            let comma = if trailing_comma { "," } else { "" };
            if tail.is_empty() || tail.starts_with("//") {
                if !trailing_comma {
                    self.edits.push(Edit::insert(to_u32(after)?, ","));
                }
                self.edits.push(Edit::insert(
                    to_u32(line_end)?,
                    [layout.eol, indent, &entry, comma].concat(),
                ));
            } else {
                let lead = if trailing_comma { "" } else { "," };
                self.edits.push(Edit::insert(
                    to_u32(anchor)?,
                    [lead, layout.eol, indent, &entry, comma].concat(),
                ));
            }
        } else if trailing_comma {
            self.edits.push(Edit::insert(
                to_u32(anchor)?,
                [layout.after_comma, &entry, ","].concat(),
            ));
        } else {
            self.edits.push(Edit::insert(
                to_u32(after)?,
                [",", layout.after_comma, &entry].concat(),
            ));
        }
        Some(())
    }
}

fn to_u32(offset: usize) -> Option<u32> {
    u32::try_from(offset).ok()
}

/// The member `key` of the object `object`, compared without case as ARM does.
#[must_use]
pub fn member<'a>(object: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
    object
        .entries()
        .find(|(k, _)| is_key(*k, key))
        .map(|(_, value)| value)
}

/// The entries of `object` written inside its braces: a resource lowered from Bicep also has
/// entries made from its declaration line (`type`, `apiVersion`), which sit before them.
fn written_entries<'a>(object: NodeRef<'a>) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> {
    let span = object.span();
    object
        .entries()
        .filter(move |(key, value)| key.span().start >= span.start && value.span().end <= span.end)
}

/// Whether `node` is a literal: not an object or array, and not an ARM expression string
/// (`"[...]"`; `"[[...]"` is an escaped literal).
#[must_use]
pub fn is_literal(node: NodeRef<'_>) -> bool {
    if node.is_mapping() || node.is_sequence() {
        return false;
    }
    match node.as_str() {
        Some(text) => !is_expression(text),
        None => node.scalar().is_some(),
    }
}

/// Whether a JSON string is an ARM template expression.
#[must_use]
pub fn is_expression(text: &str) -> bool {
    text.starts_with('[') && !text.starts_with("[[") && text.ends_with(']')
}

/// How an object is written, to write new entries the same way. The indentations are slices
/// of the file's text.
#[derive(Debug)]
struct Layout<'t> {
    /// Entries on lines of their own.
    multiline: bool,
    /// Indentation of the line holding the object's `{`.
    outer: &'t str,
    /// Indentation of the object's entries (multi-line).
    inner: &'t str,
    /// One indentation step.
    step: &'t str,
    /// Between a key and its value: `": "` or `":"`.
    colon: &'static str,
    /// After the comma between inline entries: `" "` or `""`.
    after_comma: &'static str,
    /// Inside the braces of an inline object: `" "` or `""`.
    pad: &'static str,
    /// The file's line ending.
    eol: &'static str,
    syntax: Syntax,
}

impl<'t> Layout<'t> {
    fn of(file: &'t SourceFile, object: NodeRef<'_>, syntax: Syntax) -> Self {
        let text = file.text();
        let span = object.span();
        let start = span.start as usize;
        let outer = line_indent(text, start);
        let mut layout = Self {
            multiline: false,
            outer,
            inner: "",
            step: DEFAULT_STEP,
            colon: ": ",
            after_comma: " ",
            pad: "",
            eol: line_ending(file, span.start),
            syntax,
        };
        // The object's own step, when its entries show one; the file's is looked for only
        // otherwise, as it reads the indentation of the objects around.
        let mut own_step = None;
        let mut entries = written_entries(object);
        match entries.next() {
            Some((key, value)) => {
                let key_start = key.span().start as usize;
                let between = text.get(start..key_start).unwrap_or("");
                layout.multiline = between.contains('\n');
                if layout.multiline {
                    layout.inner = line_indent(text, key_start);
                    own_step = layout
                        .inner
                        .strip_prefix(outer)
                        .filter(|step| !step.is_empty());
                } else if between.len() > 1 && between[1..].starts_with([' ', '\t']) {
                    layout.pad = " ";
                }
                let colon = text
                    .get(key.span().end as usize..value.span().start as usize)
                    .unwrap_or(": ");
                if colon.trim() == ":" {
                    layout.colon = if colon.ends_with([' ', '\t']) {
                        ": "
                    } else {
                        ":"
                    };
                }
                // A compact object without a second entry: spaced like its colon.
                if layout.colon == ":" {
                    layout.after_comma = "";
                }
                if let Some((next_key, _)) = entries.next() {
                    let gap = text
                        .get(value.span().end as usize..next_key.span().start as usize)
                        .unwrap_or(", ");
                    if gap.trim() == "," && !gap.contains('\n') {
                        layout.after_comma = if gap.ends_with([' ', '\t']) { " " } else { "" };
                    }
                }
            }
            None => {
                // An empty object is opened multi-line when its parent is multi-line.
                layout.multiline = object.parent().is_some_and(|parent| {
                    let parent_start = parent.span().start as usize;
                    text.get(parent_start..start)
                        .is_some_and(|t| t.contains('\n'))
                });
            }
        }
        layout.step = own_step
            .or_else(|| file_step(text, object))
            .unwrap_or(DEFAULT_STEP);
        layout
    }

    /// Where the keys of a new entry of this object go: its entries' indentation, or one step
    /// in from its line for an object without entries on lines of their own.
    fn entry_indent(&self) -> Cow<'t, str> {
        if self.inner.is_empty() {
            Cow::Owned([self.outer, self.step].concat())
        } else {
            Cow::Borrowed(self.inner)
        }
    }

    /// `"k1": {"k2": value}` for the missing `keys`, written as this object writes entries;
    /// the first key sits at `inner`.
    fn entry(&self, keys: &[&str], value: NewValue<'_>) -> String {
        let mut out = String::new();
        match keys.split_first() {
            Some((first, rest)) => {
                self.syntax.push_key(&mut out, first);
                out.push_str(self.colon);
                self.push_nested(&mut out, rest, value, &self.entry_indent());
            }
            None => self.syntax.push_value(&mut out, value),
        }
        out
    }

    /// Appends the value of an entry whose key is at `indent`: `value`, or objects holding
    /// `keys`. The text is written into one buffer, as fixes insert many of these.
    fn push_nested(&self, out: &mut String, keys: &[&str], value: NewValue<'_>, indent: &str) {
        let Some((first, rest)) = keys.split_first() else {
            self.syntax.push_value(out, value);
            return;
        };
        out.push('{');
        if self.multiline {
            let deeper = [indent, self.step].concat();
            out.push_str(self.eol);
            out.push_str(&deeper);
            self.syntax.push_key(out, first);
            out.push_str(self.colon);
            self.push_nested(out, rest, value, &deeper);
            out.push_str(self.eol);
            out.push_str(indent);
        } else {
            out.push_str(self.pad);
            self.syntax.push_key(out, first);
            out.push_str(self.colon);
            self.push_nested(out, rest, value, indent);
            out.push_str(self.pad);
        }
        out.push('}');
    }

    /// The value replacing a `null` member of this object: objects holding `keys`.
    fn nested(&self, keys: &[&str], value: NewValue<'_>) -> String {
        let mut out = String::new();
        self.push_nested(&mut out, keys, value, &self.entry_indent());
        out
    }
}

/// The leading whitespace of the line holding `offset`.
fn line_indent(text: &str, offset: usize) -> &str {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |at| at + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The indentation step of the nearest multi-line object around `node`.
fn file_step<'t>(text: &'t str, node: NodeRef<'_>) -> Option<&'t str> {
    std::iter::successors(Some(node), |n| n.parent())
        .take(64)
        .filter(|n| n.is_mapping())
        .find_map(|object| {
            let start = object.span().start as usize;
            let (key, _) = object.entries().next()?;
            let key_start = key.span().start as usize;
            if !text.get(start..key_start)?.contains('\n') {
                return None;
            }
            let outer = line_indent(text, start);
            let step = line_indent(text, key_start).strip_prefix(outer)?;
            (!step.is_empty()).then_some(step)
        })
}

/// A Bicep string literal.
fn bicep_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_bicep_string(text, &mut out);
    out
}

/// Appends a Bicep string literal.
fn push_bicep_string(text: &str, out: &mut String) {
    out.push('\'');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

#[cfg(test)]
mod tests;
