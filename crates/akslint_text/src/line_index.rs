use crate::Span;

/// A zero-based line and a zero-based column counted in some unit (bytes, characters or UTF-16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based column.
    pub col: u32,
}

/// Byte offsets of line starts, for converting offsets to positions and back.
///
/// `\n`, `\r\n` and a lone `\r` each end a line, as in the LSP specification and in YAML.
/// Columns never count the line terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 40 + 1);
        line_starts.push(0);
        // Every file is indexed: jumping from break to break (memchr) rather than looking at
        // each byte makes this a small fraction of parsing.
        // Most texts have no `\r` at all: one search for it lets them look for `\n` alone,
        // which costs less per line than looking for both.
        if memchr::memchr(b'\r', bytes).is_none() {
            line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| to_u32(i + 1)));
            return Self {
                line_starts,
                len: to_u32(bytes.len()),
            };
        }
        let mut after_cr = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' && after_cr == Some(i) {
                // The `\n` of a `\r\n`: the line already started after it.
                let last = line_starts.len() - 1;
                line_starts[last] = to_u32(i + 1);
            } else {
                line_starts.push(to_u32(i + 1));
            }
            after_cr = (bytes[i] == b'\r').then_some(i + 1);
        }
        Self {
            line_starts,
            len: to_u32(bytes.len()),
        }
    }

    /// Number of lines (a text ending in a line break has an empty last line).
    #[must_use]
    pub fn line_count(&self) -> u32 {
        to_u32(self.line_starts.len())
    }

    /// Zero-based line containing `offset` (offsets past the end give the last line).
    #[must_use]
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset);
        to_u32(line.saturating_sub(1))
    }

    /// The byte span of line `line` without its terminator; empty at the end for a line past the last.
    #[must_use]
    pub fn line_span(&self, line: u32, text: &str) -> Span {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return Span::empty(self.len);
        };
        let next = self
            .line_starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.len);
        let content = &text.as_bytes()[start as usize..next as usize];
        let trimmed = content
            .strip_suffix(b"\r\n")
            .or_else(|| content.strip_suffix(b"\n"))
            .or_else(|| content.strip_suffix(b"\r"))
            .unwrap_or(content);
        Span::new(start, start + to_u32(trimmed.len()))
    }

    /// Line and column in bytes of `offset`.
    #[must_use]
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        LineCol {
            line,
            col: offset - self.line_starts[line as usize],
        }
    }

    /// Line and column counted in Unicode scalar values (characters), both zero-based.
    ///
    /// An offset inside a line terminator or a multi-byte character is counted as if it were at
    /// the end of that line or at the start of that character.
    #[must_use]
    pub fn char_position(&self, offset: u32, text: &str) -> LineCol {
        self.position_in(offset, text, |s| s.chars().count())
    }

    /// Line and column counted in UTF-16 code units (the LSP default), both zero-based.
    #[must_use]
    pub fn utf16_position(&self, offset: u32, text: &str) -> LineCol {
        self.position_in(offset, text, |s| s.encode_utf16().count())
    }

    fn position_in(&self, offset: u32, text: &str, count: impl Fn(&str) -> usize) -> LineCol {
        let line = self.line_of(offset);
        let span = self.line_span(line, text);
        let end = offset.clamp(span.start, span.end) as usize;
        let line_text = &text[span.start as usize..floor_char_boundary(text, end)];
        LineCol {
            line,
            col: to_u32(count(line_text)),
        }
    }

    /// The byte offset of a zero-based line and UTF-16 column, clamped to the line's end.
    #[must_use]
    pub fn offset_of_utf16(&self, position: LineCol, text: &str) -> u32 {
        self.offset_of(position, text, char::len_utf16)
    }

    /// The byte offset of a zero-based line and character column, clamped to the line's end.
    #[must_use]
    pub fn offset_of_char(&self, position: LineCol, text: &str) -> u32 {
        self.offset_of(position, text, |_| 1)
    }

    fn offset_of(&self, position: LineCol, text: &str, width: impl Fn(char) -> usize) -> u32 {
        let span = self.line_span(position.line, text);
        let mut units = 0usize;
        for (i, ch) in text[span.range()].char_indices() {
            if units >= position.col as usize {
                return span.start + to_u32(i);
            }
            units += width(ch);
        }
        span.end
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = "a\nbc\r\nd\re";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_span(1, text), Span::new(2, 4));
        assert_eq!(index.line_span(2, text), Span::new(6, 7));
        assert_eq!(index.line_col(9), LineCol { line: 3, col: 1 });
    }

    #[test]
    fn texts_without_cr_and_with_it_have_the_same_line_starts() {
        let lf = "a\n\nbc\nd\n";
        let crlf = lf.replace('\n', "\r\n");
        let (lf_index, crlf_index) = (LineIndex::new(lf), LineIndex::new(&crlf));
        assert_eq!(lf_index.line_count(), 5);
        assert_eq!(crlf_index.line_count(), 5);
        for line in 0..5 {
            assert_eq!(
                lf_index.line_span(line, lf).len(),
                crlf_index.line_span(line, &crlf).len()
            );
        }
        assert_eq!(lf_index.line_col(3), LineCol { line: 2, col: 0 });
        assert_eq!(LineIndex::new("").line_count(), 1);
    }

    #[test]
    fn crlf_terminator_is_not_a_column() {
        let text = "key: v\r\nnext: w\r\n";
        let index = LineIndex::new(text);
        // Offset of '\r' and of '\n' both land at the end of line 0.
        assert_eq!(index.char_position(6, text), LineCol { line: 0, col: 6 });
        assert_eq!(index.char_position(7, text), LineCol { line: 0, col: 6 });
        assert_eq!(index.char_position(8, text), LineCol { line: 1, col: 0 });
    }

    #[test]
    fn columns_in_chars_and_utf16() {
        let text = "name: \"héllo 𝄞\" x";
        let index = LineIndex::new(text);
        let x = u32::try_from(text.find('x').unwrap_or_default()).unwrap_or_default();
        assert_eq!(index.char_position(x, text).col, 16);
        // 𝄞 is two UTF-16 code units.
        assert_eq!(index.utf16_position(x, text).col, 17);
        let back = index.offset_of_utf16(LineCol { line: 0, col: 17 }, text);
        assert_eq!(back, x);
        let back = index.offset_of_char(LineCol { line: 0, col: 16 }, text);
        assert_eq!(back, x);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let text = "a\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(99), LineCol { line: 1, col: 0 });
        assert_eq!(index.offset_of_char(LineCol { line: 7, col: 3 }, text), 2);
        assert_eq!(index.offset_of_char(LineCol { line: 0, col: 30 }, text), 1);
    }
}
