//! Bicep tokens.
//!
//! Strings with interpolation are split the way the Bicep grammar does: `'a${x}b${y}c'` is
//! `StringHead('a${`) `x` `StringMiddle(}b${)` `y` `StringTail(}c')`. The lexer keeps a stack of
//! open interpolations with their brace depth, so a `}` closes an interpolation only when it
//! does not close an object written inside it.

use akslint_text::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Identifier,
    Integer,
    /// A whole string without interpolation, quotes included.
    String,
    /// `'''multi-line'''`: no escapes, no interpolation.
    MultilineString,
    /// `'text${`.
    StringHead,
    /// `}text${`.
    StringMiddle,
    /// `}text'`.
    StringTail,
    NewLine,
    LeftBrace,
    RightBrace,
    LeftSquare,
    RightSquare,
    LeftParen,
    RightParen,
    Comma,
    Dot,
    /// `.?`
    DotQuestion,
    Colon,
    DoubleColon,
    Question,
    DoubleQuestion,
    Exclamation,
    At,
    Assign,
    Equals,
    NotEquals,
    EqualsInsensitive,
    NotEqualsInsensitive,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    Plus,
    Minus,
    Asterisk,
    Slash,
    Modulo,
    And,
    Or,
    Pipe,
    Arrow,
    /// `...` (spread).
    Ellipsis,
    /// A character that starts no token, or a string left open at the end of a line.
    Invalid,
    UnterminatedString,
    UnterminatedComment,
    EndOfFile,
}

/// One token and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// A comment: its span (marker included) and where its text after the marker starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawComment {
    pub span: Span,
    pub text_start: u32,
    pub text_end: u32,
}

/// Splits `text` into tokens and comments.
pub(crate) fn tokenize(text: &str) -> (Vec<Token>, Vec<RawComment>) {
    let mut lexer = Lexer {
        text: text.as_bytes(),
        position: 0,
        tokens: Vec::new(),
        comments: Vec::new(),
        interpolations: Vec::new(),
        brace_depth: 0,
    };
    lexer.run();
    (lexer.tokens, lexer.comments)
}

struct Lexer<'t> {
    text: &'t [u8],
    position: usize,
    tokens: Vec<Token>,
    comments: Vec<RawComment>,
    /// The brace depth at which each open interpolation started.
    interpolations: Vec<u32>,
    brace_depth: u32,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.text.get(self.position + ahead).copied().unwrap_or(0)
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: Span::from_range(start..self.position),
        });
    }

    fn run(&mut self) {
        // A byte-order mark is not part of the program.
        if self.text.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.position = 3;
        }
        while self.position < self.text.len() {
            self.next_token();
        }
        let end = self.text.len();
        self.tokens.push(Token {
            kind: TokenKind::EndOfFile,
            span: Span::from_range(end..end),
        });
    }

    fn next_token(&mut self) {
        let start = self.position;
        let byte = self.peek(0);
        let two = (byte, self.peek(1));
        use TokenKind as K;
        let single = |kind| (kind, 1);
        let (kind, length) = match two {
            (b' ' | b'\t', _) => {
                self.position += 1;
                return;
            }
            (b'\r', b'\n') => (K::NewLine, 2),
            (b'\n' | b'\r', _) => single(K::NewLine),
            (b'/', b'/') => return self.line_comment(2),
            // `#disable-next-line rule` and other pragmas: nothing to evaluate.
            (b'#', _) => return self.line_comment(1),
            (b'/', b'*') => return self.block_comment(),
            (b'\'', _) => return self.string(start),
            (b'{', _) => {
                self.brace_depth += 1;
                single(K::LeftBrace)
            }
            (b'}', _) => {
                if self.interpolations.last() == Some(&self.brace_depth) {
                    self.interpolations.pop();
                    return self.string_continuation(start);
                }
                self.brace_depth = self.brace_depth.saturating_sub(1);
                single(K::RightBrace)
            }
            (b'[', _) => single(K::LeftSquare),
            (b']', _) => single(K::RightSquare),
            (b'(', _) => single(K::LeftParen),
            (b')', _) => single(K::RightParen),
            (b',', _) => single(K::Comma),
            (b'.', b'?') => (K::DotQuestion, 2),
            (b'.', b'.') if self.peek(2) == b'.' => (K::Ellipsis, 3),
            (b'.', _) => single(K::Dot),
            (b':', b':') => (K::DoubleColon, 2),
            (b':', _) => single(K::Colon),
            (b'?', b'?') => (K::DoubleQuestion, 2),
            (b'?', _) => single(K::Question),
            (b'!', b'=') => (K::NotEquals, 2),
            (b'!', b'~') => (K::NotEqualsInsensitive, 2),
            (b'!', _) => single(K::Exclamation),
            (b'@', _) => single(K::At),
            (b'=', b'=') => (K::Equals, 2),
            (b'=', b'~') => (K::EqualsInsensitive, 2),
            (b'=', b'>') => (K::Arrow, 2),
            (b'=', _) => single(K::Assign),
            (b'<', b'=') => (K::LessOrEquals, 2),
            (b'<', _) => single(K::Less),
            (b'>', b'=') => (K::GreaterOrEquals, 2),
            (b'>', _) => single(K::Greater),
            (b'+', _) => single(K::Plus),
            (b'-', _) => single(K::Minus),
            (b'*', _) => single(K::Asterisk),
            (b'/', _) => single(K::Slash),
            (b'%', _) => single(K::Modulo),
            (b'&', b'&') => (K::And, 2),
            (b'|', b'|') => (K::Or, 2),
            (b'|', _) => single(K::Pipe),
            (b'0'..=b'9', _) => {
                while self.peek(0).is_ascii_digit() {
                    self.position += 1;
                }
                return self.push(K::Integer, start);
            }
            (b'a'..=b'z' | b'A'..=b'Z' | b'_', _) => {
                while matches!(self.peek(0), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') {
                    self.position += 1;
                }
                return self.push(K::Identifier, start);
            }
            _ => {
                // One whole character, so that spans stay on character boundaries.
                self.position += 1;
                while self.position < self.text.len() && (self.peek(0) & 0xC0) == 0x80 {
                    self.position += 1;
                }
                return self.push(K::Invalid, start);
            }
        };
        self.position += length;
        self.push(kind, start);
    }

    fn line_comment(&mut self, marker: usize) {
        let start = self.position;
        self.position += marker;
        while self.position < self.text.len() && !matches!(self.peek(0), b'\n' | b'\r') {
            self.position += 1;
        }
        self.comments.push(RawComment {
            span: Span::from_range(start..self.position),
            text_start: to_u32(start + marker),
            text_end: to_u32(self.position),
        });
    }

    fn block_comment(&mut self) {
        let start = self.position;
        self.position += 2;
        loop {
            if self.position >= self.text.len() {
                self.push(TokenKind::UnterminatedComment, start);
                return;
            }
            if self.peek(0) == b'*' && self.peek(1) == b'/' {
                self.position += 2;
                break;
            }
            self.position += 1;
        }
        self.comments.push(RawComment {
            span: Span::from_range(start..self.position),
            text_start: to_u32(start + 2),
            text_end: to_u32(self.position - 2),
        });
    }

    fn string(&mut self, start: usize) {
        if self.peek(1) == b'\'' && self.peek(2) == b'\'' {
            self.position += 3;
            loop {
                if self.position >= self.text.len() {
                    return self.push(TokenKind::UnterminatedString, start);
                }
                if self.text[self.position..].starts_with(b"'''") {
                    // A closing run may be longer than three quotes: the extra ones are text.
                    while self.peek(3) == b'\'' {
                        self.position += 1;
                    }
                    self.position += 3;
                    return self.push(TokenKind::MultilineString, start);
                }
                self.position += 1;
            }
        }
        self.position += 1;
        self.string_body(start, TokenKind::String, TokenKind::StringHead);
    }

    fn string_continuation(&mut self, start: usize) {
        self.position += 1;
        self.string_body(start, TokenKind::StringTail, TokenKind::StringMiddle);
    }

    /// Reads string text up to the closing quote (`closed`) or an interpolation (`open`).
    fn string_body(&mut self, start: usize, closed: TokenKind, open: TokenKind) {
        loop {
            match self.peek(0) {
                b'\'' => {
                    self.position += 1;
                    return self.push(closed, start);
                }
                b'\\' if self.position + 1 < self.text.len() => self.position += 2,
                b'$' if self.peek(1) == b'{' => {
                    self.position += 2;
                    self.interpolations.push(self.brace_depth);
                    return self.push(open, start);
                }
                b'\n' | b'\r' => return self.push(TokenKind::UnterminatedString, start),
                _ if self.position >= self.text.len() => {
                    return self.push(TokenKind::UnterminatedString, start);
                }
                _ => self.position += 1,
            }
        }
    }
}

pub(crate) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text).0.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn interpolation_nests_objects_and_strings() {
        use TokenKind as K;
        assert_eq!(
            kinds("'a${ {x: 'b${y}'}.x }c'"),
            [
                K::StringHead,
                K::LeftBrace,
                K::Identifier,
                K::Colon,
                K::StringHead,
                K::Identifier,
                K::StringTail,
                K::RightBrace,
                K::Dot,
                K::Identifier,
                K::StringTail,
                K::EndOfFile
            ]
        );
    }

    #[test]
    fn multiline_strings_and_comments() {
        let (tokens, comments) = tokenize("x = '''\na ${b}\n''' // c\n/* d */");
        let kinds: Vec<_> = tokens.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                TokenKind::Identifier,
                TokenKind::Assign,
                TokenKind::MultilineString,
                TokenKind::NewLine,
                TokenKind::EndOfFile
            ]
        );
        assert_eq!(comments.len(), 2);
    }

    #[test]
    fn unterminated_strings_end_at_the_line() {
        let kinds = kinds("x = 'abc\ny");
        assert_eq!(kinds[2], TokenKind::UnterminatedString);
        assert_eq!(kinds[3], TokenKind::NewLine);
    }

    #[test]
    fn operators() {
        use TokenKind as K;
        assert_eq!(
            kinds("a.?b ?? c =~ d != e => f"),
            [
                K::Identifier,
                K::DotQuestion,
                K::Identifier,
                K::DoubleQuestion,
                K::Identifier,
                K::EqualsInsensitive,
                K::Identifier,
                K::NotEquals,
                K::Identifier,
                K::Arrow,
                K::Identifier,
                K::EndOfFile
            ]
        );
    }
}
