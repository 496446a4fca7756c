use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{LineIndex, Span};

const BOM: char = '\u{feff}';

/// Text of one input with its byte-order mark removed and the fact remembered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    text: String,
    had_bom: bool,
}

impl SourceText {
    /// Takes ownership of `text`, removing one leading byte-order mark.
    #[must_use]
    pub fn new(mut text: String) -> Self {
        let had_bom = text.starts_with(BOM);
        if had_bom {
            text.drain(..BOM.len_utf8());
        }
        Self { text, had_bom }
    }

    /// The text without the byte-order mark.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the original input began with a byte-order mark (a fix writes it back).
    #[must_use]
    pub const fn had_bom(&self) -> bool {
        self.had_bom
    }
}

/// One input file (or buffer, or stdin) with its line index, shared cheaply between threads.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    source: SourceText,
    line_index: LineIndex,
}

impl SourceFile {
    /// Builds the file from its path (as it should be displayed) and decoded text.
    #[must_use]
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<Self> {
        let source = SourceText::new(text.into());
        let line_index = LineIndex::new(source.as_str());
        Arc::new(Self {
            path: path.into(),
            source,
            line_index,
        })
    }

    /// The path as given by the user or the walker.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text (without a byte-order mark).
    #[must_use]
    pub fn text(&self) -> &str {
        self.source.as_str()
    }

    /// Whether the file began with a byte-order mark.
    #[must_use]
    pub const fn had_bom(&self) -> bool {
        self.source.had_bom()
    }

    /// Line starts of the text.
    #[must_use]
    pub const fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    /// The text covered by `span`, or `""` when the span does not fall on character boundaries.
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text().get(span.range()).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_removed_once_and_remembered() {
        let file = SourceFile::new("a.yaml", "\u{feff}kind: Pod\n");
        assert!(file.had_bom());
        assert_eq!(file.text(), "kind: Pod\n");
        let plain = SourceFile::new("b.yaml", "kind: Pod\n");
        assert!(!plain.had_bom());
    }
}
