//! JSON, with what Azure Resource Manager also reads (`//` and `/* */` comments, trailing
//! commas, raw line breaks in strings), into the span tree.
//!
//! The parser is akslint's own: it writes each value straight into the tree, where a general
//! JSON library builds its own syntax tree first (for ARM templates, converting that tree cost
//! as much again as parsing), and it keeps its open collections on a heap stack instead of
//! recursing, so that only [`Limits::max_depth`] bounds nesting, whatever the thread's stack.

use std::borrow::Cow;

use akslint_text::Span;

use crate::error::nesting_message;
use crate::tree::{Comment, Document, Entry, NodeId, ParsedFile, Tree};
use crate::{Limits, ScalarStyle, SyntaxError, SyntaxErrorKind};

/// Reads one JSON document with the parser of [`parse`] and builds nothing: whether it parsed.
/// This is the floor the linter's cost is measured against.
#[must_use]
pub fn scan(text: &str, limits: &Limits) -> bool {
    Parser::new(text, limits, Discard).document().is_ok()
}

/// Parses one JSON document. Never fails: problems are in [`ParsedFile::errors`].
#[must_use]
pub fn parse<'s>(text: &'s str, limits: &Limits) -> ParsedFile<'s> {
    let mut tree = Tree::new(text);
    // Pretty-printed JSON has about one node per 16 bytes, its indentation included.
    tree.reserve_for_text(text.len(), 16);
    let sink = Build {
        tree,
        entries: Vec::new(),
        items: Vec::new(),
        comments: Vec::new(),
    };
    let mut parser = Parser::new(text, limits, sink);
    let whole = Span::from_range(0..text.len());
    match parser.document() {
        Ok(root) => {
            let Build {
                mut tree, comments, ..
            } = parser.sink;
            tree.shrink_to_fit();
            let span = root.map_or(whole, |id| tree.node(id).span());
            ParsedFile {
                tree,
                comments,
                documents: vec![Document {
                    index: 0,
                    root,
                    span,
                    failed: false,
                    helm_source: None,
                }],
                ..ParsedFile::default()
            }
        }
        Err(error) => ParsedFile {
            errors: vec![error],
            documents: vec![Document {
                index: 0,
                root: None,
                span: whole,
                failed: true,
                helm_source: None,
            }],
            ..ParsedFile::default()
        },
    }
}

/// Where the parser puts what it reads.
trait Sink<'s> {
    type Node: Copy;
    fn scalar(&mut self, value: Cow<'s, str>, style: ScalarStyle, span: Span) -> Self::Node;
    /// Where the members of a collection opened now start.
    fn mark(&self, object: bool) -> usize;
    fn item(&mut self, item: Self::Node);
    fn entry(&mut self, key: Self::Node, value: Self::Node);
    /// Closes the collection whose members start at `mark`.
    fn close(&mut self, object: bool, mark: usize, span: Span) -> Self::Node;
    fn comment(&mut self, span: Span, text: &'s str);
}

/// Builds the tree. The members of open collections wait on two stacks, so that each
/// collection is copied into the tree once and needs no vector of its own.
struct Build<'s> {
    tree: Tree<'s>,
    entries: Vec<Entry>,
    items: Vec<NodeId>,
    comments: Vec<Comment<'s>>,
}

impl<'s> Sink<'s> for Build<'s> {
    type Node = NodeId;

    fn scalar(&mut self, value: Cow<'s, str>, style: ScalarStyle, span: Span) -> NodeId {
        self.tree.push_scalar(value, style, span)
    }

    fn mark(&self, object: bool) -> usize {
        if object {
            self.entries.len()
        } else {
            self.items.len()
        }
    }

    fn item(&mut self, item: NodeId) {
        self.items.push(item);
    }

    fn entry(&mut self, key: NodeId, value: NodeId) {
        self.entries.push(Entry { key, value });
    }

    fn close(&mut self, object: bool, mark: usize, span: Span) -> NodeId {
        if object {
            let id = self.tree.push_mapping(&self.entries[mark..], true, span);
            self.entries.truncate(mark);
            id
        } else {
            let id = self.tree.push_sequence(&self.items[mark..], true, span);
            self.items.truncate(mark);
            id
        }
    }

    fn comment(&mut self, span: Span, text: &'s str) {
        self.comments.push(Comment {
            span,
            text: Cow::Borrowed(text),
        });
    }
}

/// Keeps nothing: [`scan`].
struct Discard;

impl<'s> Sink<'s> for Discard {
    type Node = ();
    fn scalar(&mut self, _: Cow<'s, str>, _: ScalarStyle, _: Span) {}
    fn mark(&self, _: bool) -> usize {
        0
    }
    fn item(&mut self, (): ()) {}
    fn entry(&mut self, (): (), (): ()) {}
    fn close(&mut self, _: bool, _: usize, _: Span) {}
    fn comment(&mut self, _: Span, _: &'s str) {}
}

/// A token, with its span beside it.
enum Token<'s> {
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    /// A string's value, its escapes decoded.
    String(Cow<'s, str>),
    /// A number, `true`, `false` or `null`, as written.
    Literal(&'s str),
    End,
}

impl Token<'_> {
    /// How an error message names it.
    fn describe(&self) -> &'static str {
        match self {
            Token::OpenBrace => "`{`",
            Token::CloseBrace => "`}`",
            Token::OpenBracket => "`[`",
            Token::CloseBracket => "`]`",
            Token::Comma => "`,`",
            Token::Colon => "`:`",
            Token::String(_) => "a string",
            Token::Literal(_) => "a value",
            Token::End => "the end of the file",
        }
    }
}

/// A collection being read.
struct Open<N> {
    object: bool,
    /// Its opening bracket.
    start: usize,
    /// Where its members start in the sink.
    mark: usize,
    /// The key read for the value being read, in an object.
    key: Option<N>,
}

struct Parser<'s, S> {
    text: &'s str,
    bytes: &'s [u8],
    at: usize,
    max_depth: usize,
    sink: S,
}

impl<'s, S: Sink<'s>> Parser<'s, S> {
    fn new(text: &'s str, limits: &Limits, sink: S) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            at: 0,
            max_depth: limits.max_depth.min(Limits::MAX_DEPTH),
            sink,
        }
    }

    /// Reads the document: one value (or none, in a file of only comments and whitespace).
    fn document(&mut self) -> Result<Option<S::Node>, SyntaxError> {
        let mut open: Vec<Open<S::Node>> = Vec::new();
        let mut token = self.token()?;
        if matches!(token.0, Token::End) {
            return Ok(None);
        }
        'value: loop {
            // `token` starts a value.
            let (first, span) = token;
            let mut node = match first {
                Token::OpenBrace | Token::OpenBracket => {
                    let object = matches!(first, Token::OpenBrace);
                    if open.len() >= self.max_depth {
                        return Err(SyntaxError {
                            kind: SyntaxErrorKind::LimitExceeded,
                            message: nesting_message(self.max_depth),
                            span,
                            document: Some(0),
                        });
                    }
                    open.push(Open {
                        object,
                        start: span.start as usize,
                        mark: self.sink.mark(object),
                        key: None,
                    });
                    let next = self.token()?;
                    if closes(object, &next.0) {
                        self.close(&mut open, &next.1)
                    } else {
                        token = self.member_start(&mut open, next)?;
                        continue 'value;
                    }
                }
                Token::String(value) => self.sink.scalar(value, ScalarStyle::DoubleQuoted, span),
                Token::Literal(text) => {
                    self.sink
                        .scalar(Cow::Borrowed(text), ScalarStyle::Plain, span)
                }
                other => return Err(unexpected(&other, span, "a value")),
            };
            // `node` is complete: it goes to the collection it is in, which may end with it.
            loop {
                let Some(collection) = open.last_mut() else {
                    let (rest, span) = self.token()?;
                    if matches!(rest, Token::End) {
                        return Ok(Some(node));
                    }
                    return Err(invalid(
                        span,
                        format!(
                            "{} after the document's value: a JSON file holds one value",
                            rest.describe()
                        ),
                    ));
                };
                match collection.key.take() {
                    Some(key) => self.sink.entry(key, node),
                    None => self.sink.item(node),
                }
                let object = collection.object;
                let (separator, span) = self.token()?;
                match separator {
                    Token::Comma => {
                        let next = self.token()?;
                        // A trailing comma, which ARM accepts.
                        if closes(object, &next.0) {
                            node = self.close(&mut open, &next.1);
                            continue;
                        }
                        token = self.member_start(&mut open, next)?;
                        continue 'value;
                    }
                    ref other if closes(object, other) => node = self.close(&mut open, &span),
                    Token::End => return Err(self.unclosed(&open)),
                    other => {
                        let expected = if object {
                            "`,` or `}` after an object member"
                        } else {
                            "`,` or `]` after an array item"
                        };
                        return Err(unexpected(&other, span, expected));
                    }
                }
            }
        }
    }

    /// Reads the start of a member of the innermost collection from `next`, its first token:
    /// in an object, the key and its colon. Returns the token that starts the value.
    fn member_start(
        &mut self,
        open: &mut [Open<S::Node>],
        next: (Token<'s>, Span),
    ) -> Result<(Token<'s>, Span), SyntaxError> {
        if matches!(next.0, Token::End) {
            return Err(self.unclosed(open));
        }
        if !open.last().is_some_and(|collection| collection.object) {
            return Ok(next);
        }
        let key = match next {
            (Token::String(key), span) => self.sink.scalar(key, ScalarStyle::DoubleQuoted, span),
            (other, span) => return Err(unexpected(&other, span, "a string key or `}`")),
        };
        match self.token()? {
            (Token::Colon, _) => {}
            (Token::End, _) => return Err(self.unclosed(open)),
            (other, span) => return Err(unexpected(&other, span, "`:` after the key")),
        }
        if let Some(collection) = open.last_mut() {
            collection.key = Some(key);
        }
        let value = self.token()?;
        if matches!(value.0, Token::End) {
            return Err(self.unclosed(open));
        }
        Ok(value)
    }

    /// Closes the innermost collection at the bracket spanning `end`.
    fn close(&mut self, open: &mut Vec<Open<S::Node>>, end: &Span) -> S::Node {
        let collection = open.pop().expect("a collection is open");
        let span = Span::from_range(collection.start..end.end as usize);
        self.sink.close(collection.object, collection.mark, span)
    }

    /// The error for a file that ends inside a collection: at its opening bracket, the place
    /// to look for the missing close.
    fn unclosed(&self, open: &[Open<S::Node>]) -> SyntaxError {
        let innermost = open.last().expect("a collection is open");
        let (what, close) = if innermost.object {
            ("object", '}')
        } else {
            ("array", ']')
        };
        invalid(
            Span::from_range(innermost.start..innermost.start + 1),
            format!("the file ends inside this {what}: it has no closing `{close}`"),
        )
    }

    /// The next token, after whitespace and comments.
    fn token(&mut self) -> Result<(Token<'s>, Span), SyntaxError> {
        self.skip_trivia()?;
        let start = self.at;
        let Some(&byte) = self.bytes.get(start) else {
            return Ok((Token::End, Span::from_range(start..start)));
        };
        let token = match byte {
            b'{' => self.punctuation(Token::OpenBrace),
            b'}' => self.punctuation(Token::CloseBrace),
            b'[' => self.punctuation(Token::OpenBracket),
            b']' => self.punctuation(Token::CloseBracket),
            b',' => self.punctuation(Token::Comma),
            b':' => self.punctuation(Token::Colon),
            b'"' => Token::String(self.string()?),
            b'-' | b'0'..=b'9' => Token::Literal(self.number()?),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => Token::Literal(self.word()?),
            _ => {
                let span = Span::from_range(start..self.char_end(start));
                let message = if byte == b'\'' {
                    "JSON strings are written in double quotes, not single quotes".to_owned()
                } else {
                    format!("unexpected `{}`", &self.text[span.range()])
                };
                return Err(invalid(span, message));
            }
        };
        Ok((token, Span::from_range(start..self.at)))
    }

    /// The end of the character that starts at `at`.
    fn char_end(&self, at: usize) -> usize {
        at + self.text[at..].chars().next().map_or(1, char::len_utf8)
    }

    fn punctuation(&mut self, token: Token<'s>) -> Token<'s> {
        self.at += 1;
        token
    }

    /// Skips whitespace (JSON's, and any other Unicode whitespace) and comments, keeping the
    /// comments.
    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            // ASCII whitespace (space, and tab to carriage return) in a tight loop: a
            // pretty-printed file is a third indentation.
            let mut at = self.at;
            while at < self.bytes.len() && matches!(self.bytes[at], b' ' | b'\t'..=b'\r') {
                at += 1;
            }
            self.at = at;
            let Some(&byte) = self.bytes.get(at) else {
                return Ok(());
            };
            match byte {
                b'/' => match self.bytes.get(self.at + 1) {
                    Some(b'/') => {
                        let start = self.at;
                        let body = start + 2;
                        let end = memchr::memchr2(b'\n', b'\r', &self.bytes[body..])
                            .map_or(self.bytes.len(), |i| body + i);
                        self.sink
                            .comment(Span::from_range(start..end), &self.text[body..end]);
                        self.at = end;
                    }
                    Some(b'*') => {
                        let start = self.at;
                        let body = start + 2;
                        let Some(length) = memchr::memmem::find(&self.bytes[body..], b"*/") else {
                            return Err(invalid(
                                Span::from_range(start..body),
                                "a comment without its closing `*/`".to_owned(),
                            ));
                        };
                        let end = body + length + 2;
                        self.sink.comment(
                            Span::from_range(start..end),
                            &self.text[body..body + length],
                        );
                        self.at = end;
                    }
                    _ => return Ok(()),
                },
                0x80.. => match self.text[self.at..].chars().next() {
                    Some(c) if c.is_whitespace() => self.at += c.len_utf8(),
                    _ => return Ok(()),
                },
                _ => return Ok(()),
            }
        }
    }

    /// Reads a string at its opening quote.
    fn string(&mut self) -> Result<Cow<'s, str>, SyntaxError> {
        let quote = self.at;
        let body = quote + 1;
        match memchr::memchr2(b'"', b'\\', &self.bytes[body..]) {
            Some(length) if self.bytes[body + length] == b'"' => {
                self.at = body + length + 1;
                Ok(Cow::Borrowed(&self.text[body..body + length]))
            }
            Some(length) => self.escaped_string(quote, body + length).map(Cow::Owned),
            None => Err(unterminated_string(quote)),
        }
    }

    /// Reads the rest of a string whose first escape is at `escape`.
    fn escaped_string(&mut self, quote: usize, mut escape: usize) -> Result<String, SyntaxError> {
        let mut value = String::with_capacity(escape - quote + 16);
        value.push_str(&self.text[quote + 1..escape]);
        loop {
            let (decoded, next) = self.escape(escape)?;
            value.push(decoded);
            match memchr::memchr2(b'"', b'\\', &self.bytes[next..]) {
                Some(length) => {
                    value.push_str(&self.text[next..next + length]);
                    if self.bytes[next + length] == b'"' {
                        self.at = next + length + 1;
                        return Ok(value);
                    }
                    escape = next + length;
                }
                None => return Err(unterminated_string(quote)),
            }
        }
    }

    /// Decodes the escape at `at` (a backslash): the character, and where the text goes on.
    fn escape(&self, at: usize) -> Result<(char, usize), SyntaxError> {
        let simple = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(at),
            Some(_) => {
                let span = Span::from_range(at..self.char_end(at + 1));
                return Err(invalid(
                    span,
                    format!(
                        "`{}` is not a JSON escape (those are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`)",
                        &self.text[span.range()]
                    ),
                ));
            }
            None => return Err(unterminated_string(at)),
        };
        Ok((simple, at + 2))
    }

    /// Decodes `\uXXXX` at `at`, with the low half that must follow a high surrogate.
    fn unicode_escape(&self, at: usize) -> Result<(char, usize), SyntaxError> {
        let unit = self.hex4(at)?;
        if (0xD800..0xDC00).contains(&unit) {
            let low = if self.bytes.get(at + 6..at + 8) == Some(b"\\u") {
                Some(self.hex4(at + 6)?)
            } else {
                None
            };
            if let Some(low @ 0xDC00..0xE000) = low {
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                if let Some(c) = char::from_u32(code) {
                    return Ok((c, at + 12));
                }
            }
        }
        match char::from_u32(unit) {
            Some(c) => Ok((c, at + 6)),
            None => Err(invalid(
                Span::from_range(at..at + 6),
                format!(
                    "`{}` is half of a UTF-16 surrogate pair without its other half",
                    &self.text[at..at + 6]
                ),
            )),
        }
    }

    /// The four hex digits of the `\u` escape at `at`.
    fn hex4(&self, at: usize) -> Result<u32, SyntaxError> {
        let digits = self
            .bytes
            .get(at + 2..at + 6)
            .filter(|digits| digits.iter().all(u8::is_ascii_hexdigit));
        let Some(digits) = digits else {
            // The escape as far as it goes: `\u` and the hex digits there are.
            let given = self.bytes[at + 2..]
                .iter()
                .take(4)
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            let end = at + 2 + given;
            return Err(invalid(
                Span::from_range(at..end),
                "`\\u` takes four hex digits".to_owned(),
            ));
        };
        Ok(digits
            .iter()
            .fold(0, |code, &digit| code * 16 + hex_value(digit)))
    }

    /// Reads a number: JSON's grammar, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Result<&'s str, SyntaxError> {
        let start = self.at;
        let digits = |from: usize| {
            self.bytes[from..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(self.bytes.len(), |i| from + i)
        };
        let mut at = start + usize::from(self.bytes[start] == b'-');
        let problem = 'grammar: {
            match self.bytes.get(at) {
                Some(b'0') => at += 1,
                Some(b'1'..=b'9') => at = digits(at + 1),
                _ => break 'grammar Some("a digit after `-`"),
            }
            if self.bytes.get(at) == Some(&b'.') {
                if !self.bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
                    break 'grammar Some("a digit after the decimal point");
                }
                at = digits(at + 1);
            }
            if matches!(self.bytes.get(at), Some(b'e' | b'E')) {
                at += 1;
                if matches!(self.bytes.get(at), Some(b'+' | b'-')) {
                    at += 1;
                }
                if !self.bytes.get(at).is_some_and(u8::is_ascii_digit) {
                    break 'grammar Some("a digit in the exponent");
                }
                at = digits(at);
            }
            // `01`, `1x`, `1.2.3`: a number runs into more of one.
            if self
                .bytes
                .get(at)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_'))
            {
                break 'grammar Some("the end of the number");
            }
            None
        };
        if let Some(expected) = problem {
            // The word characters from the start are the number as its author meant it.
            let end = self.word_end(at).max(start + 1);
            return Err(invalid(
                Span::from_range(start..end),
                format!(
                    "`{}` is not a JSON number: expected {expected}",
                    &self.text[start..end]
                ),
            ));
        }
        self.at = at;
        Ok(&self.text[start..at])
    }

    /// Reads `true`, `false` or `null`; any other word is an error.
    fn word(&mut self) -> Result<&'s str, SyntaxError> {
        let start = self.at;
        let end = self.word_end(start);
        let word = &self.text[start..end];
        if matches!(word, "true" | "false" | "null") {
            self.at = end;
            return Ok(word);
        }
        Err(invalid(
            Span::from_range(start..end),
            format!(
                "unexpected `{word}`: JSON strings are written in double quotes, and its literals are `true`, `false` and `null`"
            ),
        ))
    }

    /// The end of the run of word characters (ASCII letters, digits, `_`, `$`, `-`, `.`, `+`)
    /// from `from`.
    fn word_end(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|b| {
                !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'-' | b'.' | b'+'))
            })
            .map_or(self.bytes.len(), |i| from + i)
    }
}

/// Whether `token` closes a collection of this kind.
const fn closes(object: bool, token: &Token<'_>) -> bool {
    matches!(
        (object, token),
        (true, Token::CloseBrace) | (false, Token::CloseBracket)
    )
}

const fn hex_value(digit: u8) -> u32 {
    match digit {
        b'0'..=b'9' => (digit - b'0') as u32,
        b'a'..=b'f' => (digit - b'a' + 10) as u32,
        _ => (digit - b'A' + 10) as u32,
    }
}

fn invalid(span: Span, message: String) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Invalid,
        message,
        span,
        document: Some(0),
    }
}

fn unexpected(found: &Token<'_>, span: Span, expected: &str) -> SyntaxError {
    invalid(
        span,
        format!("expected {expected}, found {}", found.describe()),
    )
}

fn unterminated_string(quote: usize) -> SyntaxError {
    invalid(
        Span::from_range(quote..quote + 1),
        "a string without its closing `\"`".to_owned(),
    )
}

#[cfg(test)]
mod tests;
