//! ARM template expressions: the `[...]` strings, their lexer and parser.
//!
//! Written from the ARM template syntax reference: a string whose first character is `[` and
//! whose last is `]` is an expression, unless it starts with `[[`, which escapes the bracket
//! (the string is literal, minus the first `[`). Inside, string literals use single quotes with
//! `''` for a quote; there are integer literals, function calls (`name(args)`, with an optional
//! `namespace.` for user-defined functions), member access (`.name`, `.?name`) and indexing
//! (`[expr]`, `[?expr]`).

use std::fmt;
use std::ops::Range;
use std::rc::Rc;

/// Deepest nesting of calls, members and indexes in one expression: keeps the recursive parser
/// and evaluator on a bounded stack.
const MAX_DEPTH: usize = 64;

/// What a JSON string of a template means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateString<'s> {
    /// A literal string (an escaped `[[...]` has its first bracket removed).
    Literal(std::borrow::Cow<'s, str>),
    /// An expression; the text between the brackets.
    Expression(&'s str),
}

/// Reads a JSON string of a template: literal or expression.
#[must_use]
pub fn classify(text: &str) -> TemplateString<'_> {
    if let Some(rest) = text.strip_prefix("[[") {
        // Only a string that would otherwise be an expression is escaped this way.
        if text.ends_with(']') {
            return TemplateString::Literal(std::borrow::Cow::Owned(format!("[{rest}")));
        }
        return TemplateString::Literal(std::borrow::Cow::Borrowed(text));
    }
    match text
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        Some(inner) if !inner.trim().is_empty() => TemplateString::Expression(inner),
        _ => TemplateString::Literal(std::borrow::Cow::Borrowed(text)),
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `'text'`.
    String(Rc<str>),
    /// `42`, `-1`.
    Int(i64),
    /// `true` / `false` written without parentheses.
    Bool(bool),
    /// `null` written without parentheses.
    Null,
    /// `name(args)` or `namespace.name(args)`.
    Call(Call),
    /// `target.name` or `target.?name`.
    Member {
        /// The object.
        target: Box<Expr>,
        /// The member name.
        name: Rc<str>,
        /// `.?`: null instead of an error when the member is missing.
        optional: bool,
    },
    /// `target[index]` or `target[?index]`.
    Index {
        /// The array or object.
        target: Box<Expr>,
        /// The index or key.
        index: Box<Expr>,
        /// `[?`: null instead of an error when the index is missing.
        optional: bool,
    },
}

/// A function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The user-defined function namespace, if any.
    pub namespace: Option<Rc<str>>,
    /// The function name as written.
    pub name: Rc<str>,
    /// The arguments.
    pub args: Vec<Expr>,
    /// Byte range of the whole call in the expression text, for messages.
    pub range: Range<usize>,
}

impl Call {
    /// Whether the function is `name` (ARM function names ignore case).
    #[must_use]
    pub fn is(&self, name: &str) -> bool {
        self.namespace.is_none() && self.name.eq_ignore_ascii_case(name)
    }
}

impl Expr {
    /// Every call in the expression, outermost first.
    #[must_use]
    pub fn calls(&self) -> Vec<&Call> {
        let mut out = Vec::new();
        self.collect_calls(&mut out);
        out
    }

    fn collect_calls<'e>(&'e self, out: &mut Vec<&'e Call>) {
        match self {
            Self::Call(call) => {
                out.push(call);
                for arg in &call.args {
                    arg.collect_calls(out);
                }
            }
            Self::Member { target, .. } => target.collect_calls(out),
            Self::Index { target, index, .. } => {
                target.collect_calls(out);
                index.collect_calls(out);
            }
            _ => {}
        }
    }

    /// The string literal, when the expression is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }
}

/// Why an expression could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the expression text.
    pub offset: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Question,
    String(Rc<str>),
    Int(i64),
    Ident(Rc<str>),
}

fn lex(text: &str) -> Result<Vec<(Token, usize)>, ParseError> {
    let bytes = text.as_bytes();
    // Tokens are a few bytes long on average (`parameters('x')` is four tokens in fifteen
    // bytes): sized from the text, the vector rarely grows.
    let mut tokens = Vec::with_capacity(text.len() / 3 + 2);
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let token = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => Token::LParen,
            b')' => Token::RParen,
            b'[' => Token::LBracket,
            b']' => Token::RBracket,
            b',' => Token::Comma,
            b'.' => Token::Dot,
            b'?' => Token::Question,
            b'\'' => {
                let mut j = i + 1;
                // Most literals hold no `''`: they are copied once, straight from the text.
                if let Some(quote) = bytes[j..].iter().position(|&b| b == b'\'')
                    && bytes.get(j + quote + 1) != Some(&b'\'')
                {
                    i = j + quote + 1;
                    tokens.push((Token::String(text[j..j + quote].into()), start));
                    continue;
                }
                let mut value = String::new();
                loop {
                    // Quotes are ASCII, so searching bytes keeps UTF-8 boundaries intact.
                    let Some(quote) = bytes[j..].iter().position(|&b| b == b'\'') else {
                        return Err(ParseError {
                            message: "unterminated string".to_owned(),
                            offset: start,
                        });
                    };
                    value.push_str(&text[j..j + quote]);
                    j += quote + 1;
                    if bytes.get(j) == Some(&b'\'') {
                        value.push('\'');
                        j += 1;
                    } else {
                        break;
                    }
                }
                i = j;
                tokens.push((Token::String(value.into()), start));
                continue;
            }
            b'-' | b'0'..=b'9' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                let digits = &text[i..j];
                let value = digits.parse::<i64>().map_err(|_| ParseError {
                    message: format!("invalid integer `{digits}`"),
                    offset: start,
                })?;
                i = j;
                tokens.push((Token::Int(value), start));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let mut j = i + 1;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'$')
                {
                    j += 1;
                }
                let ident = &text[i..j];
                i = j;
                tokens.push((Token::Ident(ident.into()), start));
                continue;
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(ParseError {
                    message: format!("unexpected character `{ch}`"),
                    offset: start,
                });
            }
        };
        tokens.push((token, start));
        i += 1;
    }
    Ok(tokens)
}

/// Parses the text between the brackets of an expression string.
///
/// # Errors
/// When the text is not a valid expression, or nests deeper than the parser allows.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        len: text.len(),
    };
    let expr = parser.expression(0)?;
    if let Some((_, offset)) = parser.tokens.get(parser.pos) {
        return Err(ParseError {
            message: "unexpected text after the expression".to_owned(),
            offset: *offset,
        });
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.len, |(_, o)| *o)
    }

    /// The end offset of a call whose `)` was just consumed.
    fn end_of_previous(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|previous| self.tokens.get(previous))
            .map_or(self.len, |(_, offset)| offset + 1)
    }

    fn error<T>(&self, message: &str) -> Result<T, ParseError> {
        Err(ParseError {
            message: message.to_owned(),
            offset: self.offset(),
        })
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &Token, what: &str) -> Result<(), ParseError> {
        if self.eat(token) {
            Ok(())
        } else {
            self.error(&format!("expected {what}"))
        }
    }

    fn expression(&mut self, depth: usize) -> Result<Expr, ParseError> {
        if depth > MAX_DEPTH {
            return self.error("expression nests too deeply");
        }
        let mut expr = self.primary(depth)?;
        // Postfix chains count towards the depth too: each wraps the previous expression.
        let mut chain = depth;
        loop {
            chain += 1;
            if chain > MAX_DEPTH {
                return self.error("expression nests too deeply");
            }
            if self.eat(&Token::Dot) {
                let optional = self.eat(&Token::Question);
                let Some(Token::Ident(name)) = self.peek().cloned() else {
                    return self.error("expected a member name after `.`");
                };
                self.pos += 1;
                expr = Expr::Member {
                    target: Box::new(expr),
                    name,
                    optional,
                };
            } else if self.eat(&Token::LBracket) {
                let optional = self.eat(&Token::Question);
                let index = self.expression(chain)?;
                self.expect(&Token::RBracket, "`]`")?;
                expr = Expr::Index {
                    target: Box::new(expr),
                    index: Box::new(index),
                    optional,
                };
            } else {
                return Ok(expr);
            }
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let start = self.offset();
        match self.peek().cloned() {
            Some(Token::String(text)) => {
                self.pos += 1;
                Ok(Expr::String(text))
            }
            Some(Token::Int(value)) => {
                self.pos += 1;
                Ok(Expr::Int(value))
            }
            Some(Token::Ident(first)) => {
                self.pos += 1;
                let (namespace, name) = if self.peek() == Some(&Token::Dot)
                    && matches!(self.tokens.get(self.pos + 1), Some((Token::Ident(_), _)))
                    && matches!(self.tokens.get(self.pos + 2), Some((Token::LParen, _)))
                {
                    let Some((Token::Ident(name), _)) = self.tokens.get(self.pos + 1).cloned()
                    else {
                        return self.error("expected a function name");
                    };
                    self.pos += 2;
                    (Some(first), name)
                } else {
                    (None, first)
                };
                if self.eat(&Token::LParen) {
                    let mut args = Vec::new();
                    if !self.eat(&Token::RParen) {
                        loop {
                            args.push(self.expression(depth + 1)?);
                            if self.eat(&Token::RParen) {
                                break;
                            }
                            self.expect(&Token::Comma, "`,` or `)`")?;
                        }
                    }
                    let end = self.end_of_previous();
                    return Ok(Expr::Call(Call {
                        namespace,
                        name,
                        args,
                        range: start..end,
                    }));
                }
                if namespace.is_some() {
                    return self.error("expected `(`");
                }
                match name.to_ascii_lowercase().as_str() {
                    "true" => Ok(Expr::Bool(true)),
                    "false" => Ok(Expr::Bool(false)),
                    "null" => Ok(Expr::Null),
                    _ => self.error("expected `(` after a function name"),
                }
            }
            Some(Token::LParen) => {
                self.pos += 1;
                let inner = self.expression(depth + 1)?;
                self.expect(&Token::RParen, "`)`")?;
                Ok(inner)
            }
            _ => self.error("expected an expression"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(expr: &Expr) -> &Call {
        match expr {
            Expr::Call(call) => call,
            other => panic!("not a call: {other:?}"),
        }
    }

    #[test]
    fn classifies_literals_escapes_and_expressions() {
        assert_eq!(classify("plain"), TemplateString::Literal("plain".into()));
        assert_eq!(
            classify("[parameters('a')]"),
            TemplateString::Expression("parameters('a')")
        );
        assert_eq!(
            classify("[[not an expression]"),
            TemplateString::Literal("[not an expression]".into())
        );
        assert_eq!(classify("[[x"), TemplateString::Literal("[[x".into()));
        assert_eq!(classify("[x"), TemplateString::Literal("[x".into()));
        assert_eq!(classify("[]"), TemplateString::Literal("[]".into()));
        assert_eq!(classify("[ ]"), TemplateString::Literal("[ ]".into()));
    }

    #[test]
    fn parses_calls_members_indexes_and_literals() {
        let expr = parse("concat('a''b', parameters('p').x[0], -3, true)").expect("parses");
        let outer = call(&expr);
        assert!(outer.is("CONCAT"));
        assert_eq!(outer.args[0], Expr::String("a'b".into()));
        assert_eq!(outer.args[2], Expr::Int(-3));
        assert_eq!(outer.args[3], Expr::Bool(true));
        let Expr::Index { target, index, .. } = &outer.args[1] else {
            panic!("index expected");
        };
        assert_eq!(**index, Expr::Int(0));
        let Expr::Member { name, target, .. } = &**target else {
            panic!("member expected");
        };
        assert_eq!(&**name, "x");
        assert!(call(target).is("parameters"));
        assert_eq!(expr.calls().len(), 2);
    }

    #[test]
    fn parses_optional_access_namespaces_and_call_ranges() {
        let text = "ns.fn(a.?b[?'c'])";
        // `a` alone is not valid, so use a call for the target.
        assert!(parse(text).is_err());
        let expr = parse("ns.fn(x().?b[?'c'])").expect("parses");
        let outer = call(&expr);
        assert_eq!(outer.namespace.as_deref(), Some("ns"));
        assert_eq!(outer.range, 0..19);
        let Expr::Index {
            optional, target, ..
        } = &outer.args[0]
        else {
            panic!("index");
        };
        assert!(optional);
        assert!(matches!(**target, Expr::Member { optional: true, .. }));
    }

    #[test]
    fn reports_errors_without_panicking() {
        for bad in [
            "concat(",
            "concat('a'",
            "'unterminated",
            "a b",
            "concat('a',)",
            "f(x)]",
            "99999999999999999999",
            "é",
            ".",
            "x.",
            "x()[1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}1{}", "f(".repeat(200), ")".repeat(200));
        assert!(parse(&deep).is_err());
        let chain = format!("f(){}", ".a".repeat(500));
        assert!(parse(&chain).is_err());
    }

    #[test]
    fn keeps_unicode_in_strings() {
        let expr = parse("concat('ä''ö', 'ü')").expect("parses");
        assert_eq!(call(&expr).args[0], Expr::String("ä'ö".into()));
    }
}
