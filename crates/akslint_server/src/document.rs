//! Open documents: their text, version, and conversions between LSP positions and byte offsets.

use std::path::{Path, PathBuf};

use akslint_text::{LineCol, LineIndex, Span};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// How the client counts columns, negotiated at `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (only when the client offers it).
    Utf8,
    /// UTF-16 code units: the LSP default, the only one VS Code speaks.
    Utf16,
}

/// One document the editor has open.
#[derive(Debug)]
pub struct Document {
    /// The editor's text, byte-order mark included when there is one.
    pub text: String,
    /// The editor's version; every change increases it.
    pub version: i32,
    /// The file the document stands for (or a made-up name for unsaved buffers).
    pub path: PathBuf,
    index: LineIndex,
}

/// The byte-order mark, which the linter strips: its spans start after it.
const BOM: &str = "\u{feff}";

impl Document {
    /// A document opened with `text` at `version`.
    #[must_use]
    pub fn new(path: PathBuf, text: String, version: i32) -> Self {
        let index = LineIndex::new(&text);
        Self {
            text,
            version,
            path,
            index,
        }
    }

    /// Applies the changes of one `didChange`, in order (each range refers to the text left by
    /// the previous change, as the specification says).
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = self.span(range, encoding);
                    self.text
                        .replace_range(span.start as usize..span.end as usize, &change.text);
                }
                None => self.text = change.text,
            }
            self.index = LineIndex::new(&self.text);
        }
        self.version = version;
    }

    /// The byte length of the byte-order mark the linter stripped (0 or 3).
    fn bom_len(&self) -> u32 {
        if self.text.starts_with(BOM) {
            BOM.len() as u32
        } else {
            0
        }
    }

    /// The byte offset of an LSP position, clamped to its line.
    #[must_use]
    pub fn offset(&self, position: Position, encoding: Encoding) -> u32 {
        let lc = LineCol {
            line: position.line,
            col: position.character,
        };
        match encoding {
            Encoding::Utf16 => self.index.offset_of_utf16(lc, &self.text),
            Encoding::Utf8 => {
                let line = self.index.line_span(lc.line, &self.text);
                let mut offset = (line.start + lc.col).min(line.end);
                // A column inside a multi-byte character means its start.
                while !self.text.is_char_boundary(offset as usize) {
                    offset -= 1;
                }
                offset
            }
        }
    }

    /// The byte span of an LSP range (ends before starts are swapped).
    #[must_use]
    pub fn span(&self, range: Range, encoding: Encoding) -> Span {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding);
        Span::new(start.min(end), start.max(end))
    }

    /// The LSP position of a byte offset of the document's text.
    #[must_use]
    pub fn position(&self, offset: u32, encoding: Encoding) -> Position {
        let lc = match encoding {
            Encoding::Utf16 => self.index.utf16_position(offset, &self.text),
            Encoding::Utf8 => self.index.line_col(offset),
        };
        Position::new(lc.line, lc.col)
    }

    /// The LSP range of a span of the *linted* text (without the byte-order mark).
    #[must_use]
    pub fn lint_range(&self, span: Span, encoding: Encoding) -> Range {
        self.range(self.doc_span(span), encoding)
    }

    /// The LSP range of a span of the document's text.
    #[must_use]
    pub fn range(&self, span: Span, encoding: Encoding) -> Range {
        Range::new(
            self.position(span.start, encoding),
            self.position(span.end, encoding),
        )
    }

    /// A span of the linted text as a span of the document's text.
    #[must_use]
    pub fn doc_span(&self, span: Span) -> Span {
        let bom = self.bom_len();
        Span::new(span.start + bom, span.end + bom)
    }

    /// The document's line index.
    #[must_use]
    pub const fn index(&self) -> &LineIndex {
        &self.index
    }

    /// The text of line `line`, without its terminator.
    #[must_use]
    pub fn line_text(&self, line: u32) -> &str {
        let span = self.index.line_span(line, &self.text);
        self.text.get(span.range()).unwrap_or("")
    }

    /// The line break inserted lines get: the document's own, so that a file with CRLF line
    /// endings does not end up with mixed ones.
    #[must_use]
    pub fn line_ending(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// Whether the document is JSON, or Bicep (comments are `//` in both).
    #[must_use]
    pub fn is_json(&self) -> bool {
        has_extension(&self.path, &["json", "jsonc", "bicep", "bicepparam"])
            || self
                .text
                .trim_start_matches(BOM)
                .trim_start()
                .starts_with('{')
    }
}

/// Whether `path` ends in one of `extensions` (case-insensitive).
fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Whether a document of this language (or, failing that, this file name) is one akslint lints.
#[must_use]
pub fn is_lintable(language_id: &str, path: &Path) -> bool {
    matches!(language_id, "yaml" | "json" | "jsonc" | "helm" | "bicep")
        || has_extension(
            path,
            &["yaml", "yml", "json", "jsonc", "bicep", "bicepparam"],
        )
}

/// The file path of a `file:` URI; other schemes (unsaved buffers) get a name in the working
/// directory, so that the configuration found there applies and the format comes from the
/// language.
#[must_use]
pub fn uri_to_path(uri: &Uri, language_id: &str) -> PathBuf {
    let text = uri.as_str();
    if let Some(rest) = text.strip_prefix("file://") {
        // `file://host/path` is rare; the path is what follows the authority.
        let path = rest.find('/').map_or(rest, |i| &rest[i..]);
        return PathBuf::from(percent_decode(path));
    }
    let extension = if language_id.starts_with("json") {
        "json"
    } else if language_id == "bicep" {
        "bicep"
    } else {
        "yaml"
    };
    let name: String = text
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("untitled")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let mut path = PathBuf::from(if name.is_empty() { "untitled" } else { &name });
    if !has_extension(
        &path,
        &["yaml", "yml", "json", "jsonc", "bicep", "bicepparam"],
    ) {
        path.set_extension(extension);
    }
    path
}

/// The `file:` URI of a path (related locations in other files).
#[must_use]
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let mut encoded = String::from("file://");
    for byte in absolute.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded.parse().ok()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_positions_round_trip() {
        let doc = Document::new("a.yaml".into(), "a: é😀x\nb: 1\n".into(), 1);
        let x = doc.text.find('x').unwrap_or_default() as u32;
        assert_eq!(doc.position(x, Encoding::Utf16), Position::new(0, 6));
        assert_eq!(doc.position(x, Encoding::Utf8), Position::new(0, 9));
        assert_eq!(doc.offset(Position::new(0, 6), Encoding::Utf16), x);
        assert_eq!(doc.offset(Position::new(0, 9), Encoding::Utf8), x);
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut doc = Document::new("a.yaml".into(), "ab\ncd\n".into(), 1);
        let change = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        };
        doc.apply_changes(
            vec![change(0, 1, 0, 2, "X"), change(1, 0, 1, 0, "Y")],
            2,
            Encoding::Utf16,
        );
        assert_eq!(doc.text, "aX\nYcd\n");
        assert_eq!(doc.version, 2);
    }

    #[test]
    fn uris_and_paths() {
        let uri: Uri = "file:///tmp/a%20b/x.yaml"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(uri_to_path(&uri, "yaml"), PathBuf::from("/tmp/a b/x.yaml"));
        let back = path_to_uri(Path::new("/tmp/a b/x.yaml")).map(|u| u.as_str().to_owned());
        assert_eq!(back.as_deref(), Some("file:///tmp/a%20b/x.yaml"));
        let untitled: Uri = "untitled:Untitled-1"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(
            uri_to_path(&untitled, "json"),
            PathBuf::from("Untitled-1.json")
        );
    }
}
