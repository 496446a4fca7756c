//! A recursive-descent parser for Bicep templates and `.bicepparam` files.
//!
//! It never fails: a syntax error is recorded with its position, the parser skips to the next
//! line it can make sense of (the next member of the object it is in, or the next declaration),
//! and the rest of the file is still read. Nesting is bounded by [`Limits::max_depth`] so that
//! hostile input cannot exhaust the native stack.

use akslint_text::Span;

use super::ast::{
    BinaryOp, Expr, ExprKind, Name, ObjectItem, Program, Resource, ResourceDecl, Statement,
    StatementKind, TypeExpr, UnaryOp,
};
use super::lexer::RawComment;
use super::lexer::{Token, TokenKind, tokenize};
use crate::error::nesting_message;
use crate::{Limits, SyntaxError, SyntaxErrorKind};

/// The result of parsing one file.
pub(crate) struct Parsed {
    pub program: Program,
    pub comments: Vec<RawComment>,
    pub errors: Vec<SyntaxError>,
}

/// Parses `text`.
pub(crate) fn parse(text: &str, limits: &Limits) -> Parsed {
    let (tokens, comments) = tokenize(text);
    let mut parser = Parser {
        text,
        tokens,
        position: 0,
        errors: Vec::new(),
        depth: 0,
        max_depth: limits.max_depth.min(Limits::MAX_DEPTH),
        abandoned: false,
    };
    let program = parser.program();
    Parsed {
        program,
        comments,
        errors: parser.errors,
    }
}

/// Keywords that start a declaration; one at the start of a line ends whatever was left open
/// above it (the user is still typing there).
const DECLARATION_KEYWORDS: &[&str] = &[
    "param",
    "var",
    "resource",
    "module",
    "output",
    "targetScope",
    "type",
    "func",
    "import",
    "metadata",
    "using",
    "extension",
    "provider",
    "assert",
    "extends",
];

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    position: usize,
    errors: Vec<SyntaxError>,
    depth: usize,
    max_depth: usize,
    /// Set when nesting went over the limit: every loop stops and the statement is skipped.
    abandoned: bool,
}

type K = TokenKind;

impl<'t> Parser<'t> {
    // ----- tokens -----

    fn token(&self) -> Token {
        self.tokens[self.position.min(self.tokens.len() - 1)]
    }

    fn peek_kind(&self, ahead: usize) -> TokenKind {
        self.tokens
            .get(self.position + ahead)
            .map_or(K::EndOfFile, |t| t.kind)
    }

    fn kind(&self) -> TokenKind {
        self.token().kind
    }

    fn text_of(&self, span: Span) -> &'t str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    fn token_text(&self) -> &'t str {
        self.text_of(self.token().span)
    }

    fn at_identifier(&self, word: &str) -> bool {
        self.kind() == K::Identifier && self.token_text() == word
    }

    fn advance(&mut self) -> Token {
        let token = self.token();
        if token.kind != K::EndOfFile {
            self.position += 1;
        }
        token
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.kind() == kind {
            self.advance();
            true
        } else {
            false
        }
    }

    /// The first token after the line breaks at the current position.
    fn next_after_newlines(&self) -> TokenKind {
        let mut ahead = 0;
        while self.peek_kind(ahead) == K::NewLine {
            ahead += 1;
        }
        self.peek_kind(ahead)
    }

    fn skip_newlines(&mut self) {
        while self.kind() == K::NewLine {
            self.advance();
        }
    }

    /// The span of the previous token's end, for spans of whole constructs.
    fn previous_end(&self) -> u32 {
        self.position
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.span.end)
    }

    fn since(&self, start: u32) -> Span {
        Span::from_range(start as usize..self.previous_end().max(start) as usize)
    }

    /// Whether the current token starts its line (only blanks before it).
    fn at_line_start(&self) -> bool {
        let start = self.token().span.start as usize;
        let before = &self.text.as_bytes()[..start.min(self.text.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1);
        // A declaration written at column 0: objects' members are indented in practice.
        line_start == start
    }

    fn at_declaration_start(&self) -> bool {
        self.kind() == K::Identifier
            && DECLARATION_KEYWORDS.contains(&self.token_text())
            && self.at_line_start()
            && !matches!(self.peek_kind(1), K::Colon | K::Dot | K::LeftParen)
    }

    // ----- errors -----

    fn error(&mut self, span: Span, message: impl Into<String>) {
        if self.abandoned {
            return;
        }
        self.errors.push(SyntaxError {
            kind: SyntaxErrorKind::Invalid,
            message: message.into(),
            span,
            document: Some(0),
        });
    }

    fn describe_current(&self) -> String {
        match self.kind() {
            K::EndOfFile => "the end of the file".to_owned(),
            K::NewLine => "the end of the line".to_owned(),
            K::UnterminatedString => "a string without its closing `'`".to_owned(),
            K::UnterminatedComment => "a comment without its closing `*/`".to_owned(),
            _ => format!("`{}`", shorten(self.token_text())),
        }
    }

    fn expected(&mut self, what: &str) {
        let message = format!("expected {what}, found {}", self.describe_current());
        let span = self.token().span;
        self.error(span, message);
    }

    fn expect(&mut self, kind: TokenKind, what: &str) -> bool {
        if self.eat(kind) {
            true
        } else {
            self.expected(what);
            false
        }
    }

    /// Skips to the end of the current line, over whatever brackets open on the way; stops
    /// early at a declaration that starts a line.
    fn skip_line(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                K::EndOfFile => return,
                K::NewLine if depth == 0 => return,
                K::NewLine => {
                    self.advance();
                    if self.at_declaration_start() {
                        return;
                    }
                    continue;
                }
                K::LeftBrace | K::LeftSquare | K::LeftParen | K::StringHead => depth += 1,
                K::RightBrace | K::RightSquare | K::RightParen | K::StringTail => {
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
            self.advance();
        }
    }

    /// Skips a member of an object or array that could not be read: up to the next separator
    /// or the closing bracket at this level.
    fn skip_member(&mut self, close: TokenKind) {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                K::EndOfFile => return,
                K::NewLine | K::Comma if depth == 0 => return,
                kind if kind == close && depth == 0 => return,
                K::LeftBrace | K::LeftSquare | K::LeftParen | K::StringHead => depth += 1,
                K::RightBrace | K::RightSquare | K::RightParen | K::StringTail => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.advance();
        }
    }

    /// Moves past the current token when an iteration of a loop that started at `before` read
    /// nothing: whatever went wrong, no token is read twice, so every loop ends.
    fn ensure_progress(&mut self, before: usize) {
        if self.position == before {
            self.advance();
        }
    }

    fn enter(&mut self) -> bool {
        if self.abandoned {
            return false;
        }
        self.depth += 1;
        if self.depth > self.max_depth {
            let span = self.token().span;
            self.errors.push(SyntaxError {
                kind: SyntaxErrorKind::LimitExceeded,
                message: nesting_message(self.max_depth),
                span,
                document: Some(0),
            });
            self.abandoned = true;
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----- declarations -----

    fn program(&mut self) -> Program {
        let mut program = Program::default();
        loop {
            self.skip_newlines();
            if self.kind() == K::EndOfFile {
                break;
            }
            let before = self.position;
            let start = self.token().span.start;
            let decorators = self.decorators();
            let kind = self.statement();
            if self.abandoned {
                // Nesting went over the limit: what follows cannot be read safely.
                break;
            }
            program.statements.push(Statement {
                decorators,
                kind,
                span: self.since(start),
            });
            if !matches!(self.kind(), K::NewLine | K::EndOfFile) && !self.at_declaration_start() {
                self.expected("a new line after the declaration");
                self.skip_line();
            }
            self.ensure_progress(before);
        }
        program
    }

    fn decorators(&mut self) -> Vec<Expr> {
        let mut decorators = Vec::new();
        while self.eat(K::At) {
            decorators.push(self.postfix_expression());
            self.skip_newlines();
        }
        decorators
    }

    fn statement(&mut self) -> StatementKind {
        if self.kind() != K::Identifier {
            self.expected("a declaration");
            self.skip_line();
            return StatementKind::Other;
        }
        let keyword = self.token_text().to_owned();
        let keyword_span = self.advance().span;
        match keyword.as_str() {
            "param" => self.param(),
            "var" => {
                let name = self.name("a variable name");
                if self.kind() != K::Assign {
                    self.type_expression();
                }
                self.expect(K::Assign, "`=`");
                let value = self.expression();
                StatementKind::Var { name, value }
            }
            "output" => {
                let name = self.name("an output name");
                let ty = self.type_expression();
                self.expect(K::Assign, "`=`");
                let value = self.expression();
                StatementKind::Output {
                    name,
                    ty: Some(ty),
                    value,
                }
            }
            "resource" => StatementKind::Resource(self.resource()),
            "module" => {
                let name = self.name("a module name");
                let path = self.string_expression("the module's path");
                self.expect(K::Assign, "`=`");
                let value = self.declaration_value();
                StatementKind::Module { name, path, value }
            }
            "using" => {
                let path = if self.at_identifier("none") {
                    let span = self.advance().span;
                    Expr::error(span)
                } else {
                    self.string_expression("the path of the template")
                };
                StatementKind::Using { path }
            }
            "func" => {
                let name = self.name("a function name");
                self.skip_line();
                StatementKind::Function { name }
            }
            "import" => self.import(),
            "targetScope" | "metadata" | "assert" => {
                if keyword != "targetScope" {
                    self.name("a name");
                }
                self.expect(K::Assign, "`=`");
                self.expression();
                StatementKind::Other
            }
            "type" => {
                self.name("a type name");
                self.expect(K::Assign, "`=`");
                if self.next_after_newlines() != K::Pipe {
                    self.skip_newlines();
                }
                self.type_expression();
                StatementKind::Other
            }
            "extension" | "provider" | "extends" => {
                self.skip_line();
                StatementKind::Other
            }
            _ => {
                self.error(
                    keyword_span,
                    format!("expected a declaration, found `{}`", shorten(&keyword)),
                );
                self.skip_line();
                StatementKind::Other
            }
        }
    }

    fn name(&mut self, what: &str) -> Name {
        let token = self.token();
        if token.kind == K::Identifier {
            self.advance();
            Name {
                text: self.text_of(token.span).to_owned(),
                span: token.span,
            }
        } else {
            self.expected(what);
            Name {
                text: String::new(),
                span: Span::from_range(token.span.start as usize..token.span.start as usize),
            }
        }
    }

    fn param(&mut self) -> StatementKind {
        let name = self.name("a parameter name");
        // `param x = value` in a .bicepparam file has no type.
        let ty = (self.kind() != K::Assign).then(|| self.type_expression());
        let value = self.eat(K::Assign).then(|| self.expression());
        StatementKind::Param { name, ty, value }
    }

    fn resource(&mut self) -> Resource {
        let name = self.name("a resource name");
        let type_string = self.string_expression("the resource type");
        let existing = self.at_identifier("existing");
        if existing {
            self.advance();
        }
        self.expect(K::Assign, "`=`");
        let value = self.declaration_value();
        Resource {
            name,
            type_string,
            existing,
            value,
        }
    }

    /// The value of a resource or module: an object, `if (...) {...}`, or a `for` loop.
    fn declaration_value(&mut self) -> Expr {
        if self.at_identifier("if") {
            return self.if_expression();
        }
        self.expression()
    }

    fn if_expression(&mut self) -> Expr {
        let start = self.advance().span.start;
        let condition = self.parenthesized();
        self.skip_newlines();
        let body = self.expression();
        Expr {
            kind: ExprKind::If {
                condition: Box::new(condition),
                body: Box::new(body),
            },
            span: self.since(start),
        }
    }

    fn parenthesized(&mut self) -> Expr {
        if !self.expect(K::LeftParen, "`(`") {
            return Expr::error(self.token().span);
        }
        self.skip_newlines();
        let inner = self.expression();
        self.skip_newlines();
        self.expect(K::RightParen, "`)`");
        inner
    }

    fn string_expression(&mut self, what: &str) -> Expr {
        match self.kind() {
            K::String | K::StringHead | K::MultilineString => self.primary(),
            _ => {
                self.expected(what);
                Expr::error(self.token().span)
            }
        }
    }

    fn import(&mut self) -> StatementKind {
        let mut names = Vec::new();
        if self.eat(K::LeftBrace) {
            loop {
                self.skip_newlines();
                if self.eat(K::RightBrace) || self.kind() == K::EndOfFile {
                    break;
                }
                if self.eat(K::Comma) {
                    continue;
                }
                let mut name = if self.kind() == K::String {
                    let expr = self.primary();
                    Name {
                        text: expr.as_plain_string().unwrap_or_default().to_owned(),
                        span: expr.span,
                    }
                } else {
                    self.name("an imported name")
                };
                if self.at_identifier("as") {
                    self.advance();
                    name = self.name("a name");
                }
                names.push(name);
            }
        } else if self.eat(K::Asterisk) && self.at_identifier("as") {
            self.advance();
            names.push(self.name("a namespace name"));
        }
        // `from 'path'`, or the old `import 'provider@version' with {...} as alias`.
        self.skip_line();
        StatementKind::Import { names }
    }

    /// A type: enough of it to give a parameter its ARM type, the rest is skipped.
    fn type_expression(&mut self) -> TypeExpr {
        let start = self.token().span.start;
        let mut ty = TypeExpr {
            primitive: None,
            nullable: false,
            allowed: Vec::new(),
            span: Span::from_range(start as usize..start as usize),
        };
        let mut alternatives = 0;
        // A union may be written one member per line, each after a `|`.
        if self.kind() == K::NewLine && self.next_after_newlines() == K::Pipe {
            self.skip_newlines();
        }
        self.eat(K::Pipe);
        loop {
            alternatives += 1;
            let mut primitive = None;
            match self.kind() {
                K::Identifier if self.token_text() == "resource" => {
                    self.advance();
                    self.string_expression("the resource type");
                    primitive = Some("string".to_owned());
                }
                K::Identifier => {
                    let text = self.token_text().to_owned();
                    self.advance();
                    if matches!(
                        text.as_str(),
                        "string" | "int" | "bool" | "object" | "array"
                    ) {
                        primitive = Some(text);
                    } else if matches!(text.as_str(), "true" | "false") {
                        primitive = Some("bool".to_owned());
                    }
                    while self.kind() == K::Dot && self.peek_kind(1) == K::Identifier {
                        self.advance();
                        self.advance();
                        primitive = None;
                    }
                }
                K::String | K::MultilineString => {
                    let literal = self.primary();
                    ty.allowed.push(literal);
                    primitive = Some("string".to_owned());
                }
                K::Integer | K::Minus => {
                    self.eat(K::Minus);
                    self.advance();
                    primitive = Some("int".to_owned());
                }
                K::LeftBrace => {
                    self.skip_balanced();
                    primitive = Some("object".to_owned());
                }
                K::LeftSquare => {
                    self.skip_balanced();
                    primitive = Some("array".to_owned());
                }
                K::LeftParen => self.skip_balanced(),
                _ => {
                    self.expected("a type");
                    return ty;
                }
            }
            loop {
                match self.kind() {
                    K::LeftSquare => {
                        self.skip_balanced();
                        primitive = Some("array".to_owned());
                    }
                    K::Question => {
                        self.advance();
                        ty.nullable = true;
                    }
                    K::Exclamation => {
                        self.advance();
                    }
                    K::Dot if self.peek_kind(1) == K::Identifier => {
                        self.advance();
                        self.advance();
                        primitive = None;
                    }
                    _ => break,
                }
            }
            if alternatives == 1 || ty.primitive == primitive {
                ty.primitive = primitive;
            } else {
                ty.primitive = None;
            }
            if self.kind() == K::NewLine && self.next_after_newlines() == K::Pipe {
                self.skip_newlines();
            }
            if !self.eat(K::Pipe) {
                break;
            }
            self.skip_newlines();
        }
        ty.span = self.since(start);
        ty
    }

    /// Skips a bracketed group (`{...}`, `[...]`, `(...)`) with everything nested in it.
    fn skip_balanced(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                K::EndOfFile => return,
                K::LeftBrace | K::LeftSquare | K::LeftParen | K::StringHead => depth += 1,
                K::RightBrace | K::RightSquare | K::RightParen | K::StringTail => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.advance();
                        return;
                    }
                }
                _ => {}
            }
            self.advance();
        }
    }

    // ----- expressions -----

    /// An expression: a ternary, or a lambda.
    fn expression(&mut self) -> Expr {
        if !self.enter() {
            return Expr::error(self.token().span);
        }
        let expr = self.ternary();
        self.leave();
        expr
    }

    fn ternary(&mut self) -> Expr {
        let start = self.token().span.start;
        let condition = self.binary(0);
        // The `?` may start the next line.
        if self.next_after_newlines() != K::Question {
            return condition;
        }
        self.skip_newlines();
        self.advance();
        self.skip_newlines();
        let then = self.expression();
        self.skip_newlines();
        self.expect(K::Colon, "`:` of the conditional expression");
        self.skip_newlines();
        let otherwise = self.expression();
        Expr {
            kind: ExprKind::Ternary {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
            span: self.since(start),
        }
    }

    /// Binary operators by precedence climbing (one frame per operator, not per level).
    fn binary(&mut self, min_precedence: u8) -> Expr {
        let start = self.token().span.start;
        let mut left = self.unary();
        while let Some((op, precedence)) = binary_operator(self.kind()) {
            if precedence < min_precedence || self.abandoned {
                break;
            }
            self.advance();
            self.skip_newlines();
            if !self.enter() {
                break;
            }
            let right = self.binary(precedence + 1);
            self.leave();
            left = Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                span: self.since(start),
            };
        }
        left
    }

    fn unary(&mut self) -> Expr {
        let start = self.token().span.start;
        let op = match self.kind() {
            K::Exclamation => UnaryOp::Not,
            K::Minus => UnaryOp::Minus,
            _ => return self.postfix_expression(),
        };
        self.advance();
        if !self.enter() {
            return Expr::error(self.token().span);
        }
        let operand = self.unary();
        self.leave();
        if let (UnaryOp::Minus, ExprKind::Integer(value)) = (op, &operand.kind) {
            return Expr {
                kind: ExprKind::Integer(value.wrapping_neg()),
                span: self.since(start),
            };
        }
        Expr {
            kind: ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
            span: self.since(start),
        }
    }

    fn postfix_expression(&mut self) -> Expr {
        let start = self.token().span.start;
        let mut expr = self.primary();
        loop {
            if self.abandoned {
                return expr;
            }
            match self.kind() {
                K::Dot | K::DotQuestion => {
                    let safe = self.advance().kind == K::DotQuestion;
                    let name = self.member_name();
                    if self.kind() == K::LeftParen && !safe {
                        let args = self.arguments();
                        expr = Expr {
                            kind: ExprKind::Call {
                                namespace: Some(Box::new(expr)),
                                name,
                                args,
                            },
                            span: self.since(start),
                        };
                    } else {
                        expr = Expr {
                            kind: ExprKind::Member {
                                base: Box::new(expr),
                                name,
                                safe,
                            },
                            span: self.since(start),
                        };
                    }
                }
                K::DoubleColon => {
                    // `parent::child`: nested resource symbols are resolved by their own name.
                    self.advance();
                    let name = self.member_name();
                    expr = Expr {
                        kind: ExprKind::Identifier(name.text),
                        span: self.since(start),
                    };
                }
                K::LeftSquare => {
                    self.advance();
                    let safe = self.eat(K::Question);
                    self.skip_newlines();
                    let index = self.expression();
                    self.skip_newlines();
                    self.expect(K::RightSquare, "`]`");
                    expr = Expr {
                        kind: ExprKind::Index {
                            base: Box::new(expr),
                            index: Box::new(index),
                            safe,
                        },
                        span: self.since(start),
                    };
                }
                K::Exclamation => {
                    self.advance();
                    expr = Expr {
                        kind: ExprKind::NonNull(Box::new(expr)),
                        span: self.since(start),
                    };
                }
                _ => return expr,
            }
        }
    }

    fn member_name(&mut self) -> Name {
        self.name("a property name")
    }

    fn arguments(&mut self) -> Vec<Expr> {
        let mut args = Vec::new();
        self.advance();
        loop {
            self.skip_newlines();
            if self.eat(K::RightParen) || self.abandoned {
                break;
            }
            if matches!(self.kind(), K::EndOfFile) || self.at_declaration_start() {
                self.expected("`)`");
                break;
            }
            args.push(self.expression());
            self.skip_newlines();
            if !self.eat(K::Comma) && self.kind() != K::RightParen {
                self.expected("`,` or `)`");
                self.skip_member(K::RightParen);
                if !self.eat(K::Comma) && self.kind() != K::RightParen {
                    break;
                }
            }
        }
        args
    }

    fn primary(&mut self) -> Expr {
        let token = self.token();
        match token.kind {
            K::Integer => {
                self.advance();
                match self.text_of(token.span).parse::<i64>() {
                    Ok(value) => Expr {
                        kind: ExprKind::Integer(value),
                        span: token.span,
                    },
                    Err(_) => {
                        self.error(token.span, "integer is too large");
                        Expr::error(token.span)
                    }
                }
            }
            K::String => {
                self.advance();
                let raw = self.text_of(token.span);
                let body = &raw[1..raw.len() - 1];
                Expr {
                    kind: ExprKind::String {
                        pieces: vec![unescape(body)],
                        values: Vec::new(),
                    },
                    span: token.span,
                }
            }
            K::MultilineString => {
                self.advance();
                Expr {
                    kind: ExprKind::String {
                        pieces: vec![multiline_text(self.text_of(token.span))],
                        values: Vec::new(),
                    },
                    span: token.span,
                }
            }
            K::StringHead => self.interpolated_string(),
            K::Identifier => self.identifier_expression(),
            K::LeftBrace => self.object(),
            K::LeftSquare => self.array(),
            K::LeftParen => {
                if self.parenthesized_lambda_follows() {
                    return self.lambda();
                }
                let start = token.span.start;
                let inner = self.parenthesized();
                Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span: self.since(start),
                }
            }
            K::UnterminatedString => {
                self.advance();
                self.error(
                    token.span,
                    "string is not closed: `'` expected before the end of the line",
                );
                Expr::error(token.span)
            }
            _ => {
                self.expected("an expression");
                if !matches!(
                    token.kind,
                    K::NewLine | K::EndOfFile | K::RightBrace | K::RightSquare | K::RightParen
                ) {
                    self.advance();
                }
                Expr::error(token.span)
            }
        }
    }

    fn identifier_expression(&mut self) -> Expr {
        let token = self.token();
        let text = self.text_of(token.span).to_owned();
        if self.peek_kind(1) == K::Arrow {
            return self.lambda();
        }
        self.advance();
        let kind = match text.as_str() {
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" => ExprKind::Null,
            _ if self.kind() == K::LeftParen => {
                let args = self.arguments();
                ExprKind::Call {
                    namespace: None,
                    name: Name {
                        text,
                        span: token.span,
                    },
                    args,
                }
            }
            _ => ExprKind::Identifier(text),
        };
        Expr {
            kind,
            span: self.since(token.span.start),
        }
    }

    fn parenthesized_lambda_follows(&self) -> bool {
        let mut depth = 0usize;
        for (i, token) in self.tokens[self.position..].iter().enumerate() {
            match token.kind {
                K::LeftParen => depth += 1,
                K::RightParen => {
                    depth -= 1;
                    if depth == 0 {
                        return self.peek_kind(i + 1) == K::Arrow;
                    }
                }
                K::Identifier | K::Comma | K::NewLine => {}
                _ => return false,
            }
        }
        false
    }

    fn lambda(&mut self) -> Expr {
        let start = self.token().span.start;
        let mut params = Vec::new();
        if self.eat(K::LeftParen) {
            loop {
                self.skip_newlines();
                if self.eat(K::RightParen) || self.kind() == K::EndOfFile {
                    break;
                }
                if !self.eat(K::Comma) {
                    params.push(self.name("a lambda parameter"));
                }
            }
        } else {
            params.push(self.name("a lambda parameter"));
        }
        self.expect(K::Arrow, "`=>`");
        self.skip_newlines();
        let body = self.expression();
        Expr {
            kind: ExprKind::Lambda {
                params,
                body: Box::new(body),
            },
            span: self.since(start),
        }
    }

    fn interpolated_string(&mut self) -> Expr {
        let start = self.token().span.start;
        let mut pieces = Vec::new();
        let mut values = Vec::new();
        let head = self.advance();
        let raw = self.text_of(head.span);
        pieces.push(unescape(&raw[1..raw.len() - 2]));
        loop {
            if self.abandoned {
                return Expr::error(self.since(start));
            }
            values.push(self.expression());
            let token = self.token();
            let raw = self.text_of(token.span);
            match token.kind {
                K::StringMiddle => {
                    self.advance();
                    pieces.push(unescape(&raw[1..raw.len() - 2]));
                }
                K::StringTail => {
                    self.advance();
                    pieces.push(unescape(&raw[1..raw.len() - 1]));
                    break;
                }
                _ => {
                    self.expected("`}` closing the interpolation");
                    self.skip_line();
                    return Expr::error(self.since(start));
                }
            }
        }
        Expr {
            kind: ExprKind::String { pieces, values },
            span: self.since(start),
        }
    }

    fn object(&mut self) -> Expr {
        let start = self.advance().span.start;
        if !self.enter() {
            return Expr::error(self.since(start));
        }
        let mut items = Vec::new();
        loop {
            while matches!(self.kind(), K::NewLine | K::Comma) {
                self.advance();
            }
            let before = self.position;
            if self.abandoned {
                break;
            }
            if self.eat(K::RightBrace) {
                break;
            }
            if self.kind() == K::EndOfFile || self.at_declaration_start() {
                self.expected("`}`");
                break;
            }
            let token = self.token();
            match token.kind {
                K::At => {
                    // Decorators of a nested resource (`@batchSize`) change nothing offline.
                    self.advance();
                    self.postfix_expression();
                    continue;
                }
                K::Ellipsis => {
                    self.advance();
                    items.push(ObjectItem::Spread(self.expression()));
                }
                K::Identifier
                    if self.token_text() == "resource" && self.peek_kind(1) == K::Identifier =>
                {
                    self.advance();
                    let resource = self.resource();
                    items.push(ObjectItem::Resource(std::rc::Rc::new(ResourceDecl {
                        resource,
                        span: self.since(token.span.start),
                    })));
                }
                K::Identifier | K::String | K::StringHead => {
                    let key = if token.kind != K::Identifier {
                        let expr = self.primary();
                        // An interpolated key is kept as the ARM expression it stands for.
                        let text = expr.as_plain_string().map_or_else(
                            || {
                                format!(
                                    "[{}]",
                                    super::render::render(
                                        &expr,
                                        &super::symbols::Symbols::default(),
                                        &super::render::Locals::default()
                                    )
                                )
                            },
                            str::to_owned,
                        );
                        Name {
                            text,
                            span: expr.span,
                        }
                    } else {
                        self.advance();
                        Name {
                            text: self.text_of(token.span).to_owned(),
                            span: token.span,
                        }
                    };
                    if self.expect(K::Colon, "`:` after the property name") {
                        self.skip_newlines();
                        let value = self.expression();
                        items.push(ObjectItem::Property { key, value });
                    } else {
                        self.skip_member(K::RightBrace);
                    }
                }
                _ => {
                    self.expected("a property name");
                    self.advance();
                    self.skip_member(K::RightBrace);
                }
            }
            if !matches!(self.kind(), K::NewLine | K::Comma | K::RightBrace) {
                self.expected("a new line or `,` between properties");
                self.skip_member(K::RightBrace);
            }
            self.ensure_progress(before);
        }
        self.leave();
        Expr {
            kind: ExprKind::Object(items),
            span: self.since(start),
        }
    }

    fn array(&mut self) -> Expr {
        let start = self.advance().span.start;
        if !self.enter() {
            return Expr::error(self.since(start));
        }
        self.skip_newlines();
        if self.at_identifier("for") {
            let expr = self.for_expression(start);
            self.leave();
            return expr;
        }
        let mut items = Vec::new();
        loop {
            while matches!(self.kind(), K::NewLine | K::Comma) {
                self.advance();
            }
            let before = self.position;
            if self.abandoned || self.eat(K::RightSquare) {
                break;
            }
            if self.kind() == K::EndOfFile || self.at_declaration_start() {
                self.expected("`]`");
                break;
            }
            if matches!(self.kind(), K::RightBrace | K::RightParen) {
                // A closer of something around the array: the `]` is missing.
                self.expected("`]`");
                break;
            }
            if self.eat(K::Ellipsis) {
                let inner = self.expression();
                let span = inner.span;
                items.push(Expr {
                    kind: ExprKind::Spread(Box::new(inner)),
                    span,
                });
            } else {
                items.push(self.expression());
            }
            if !matches!(self.kind(), K::NewLine | K::Comma | K::RightSquare) {
                self.expected("a new line or `,` between items");
                self.skip_member(K::RightSquare);
            }
            self.ensure_progress(before);
        }
        self.leave();
        Expr {
            kind: ExprKind::Array(items),
            span: self.since(start),
        }
    }

    /// `[for item in list: body]`, `[for (item, index) in list: body]`; `[` is read.
    fn for_expression(&mut self, start: u32) -> Expr {
        self.advance();
        let mut index = None;
        let item = if self.eat(K::LeftParen) {
            let item = self.name("the loop's item name");
            if self.eat(K::Comma) {
                index = Some(self.name("the loop's index name"));
            }
            self.expect(K::RightParen, "`)`");
            Some(item)
        } else {
            Some(self.name("the loop's item name"))
        };
        if self.at_identifier("in") {
            self.advance();
        } else {
            self.expected("`in`");
        }
        let iterable = self.expression();
        self.expect(K::Colon, "`:`");
        self.skip_newlines();
        let body = if self.at_identifier("if") {
            self.if_expression()
        } else {
            self.expression()
        };
        self.skip_newlines();
        self.expect(K::RightSquare, "`]` closing the loop");
        Expr {
            kind: ExprKind::For {
                item,
                index,
                iterable: Box::new(iterable),
                body: Box::new(body),
            },
            span: self.since(start),
        }
    }
}

fn binary_operator(kind: TokenKind) -> Option<(BinaryOp, u8)> {
    use BinaryOp as B;
    Some(match kind {
        K::DoubleQuestion => (B::Coalesce, 1),
        K::Or => (B::Or, 2),
        K::And => (B::And, 3),
        K::Equals => (B::Equals, 4),
        K::NotEquals => (B::NotEquals, 4),
        K::EqualsInsensitive => (B::EqualsInsensitive, 4),
        K::NotEqualsInsensitive => (B::NotEqualsInsensitive, 4),
        K::Less => (B::Less, 5),
        K::LessOrEquals => (B::LessOrEquals, 5),
        K::Greater => (B::Greater, 5),
        K::GreaterOrEquals => (B::GreaterOrEquals, 5),
        K::Plus => (B::Add, 6),
        K::Minus => (B::Subtract, 6),
        K::Asterisk => (B::Multiply, 7),
        K::Slash => (B::Divide, 7),
        K::Modulo => (B::Modulo, 7),
        _ => return None,
    })
}

/// The text of a single-line string piece with its escapes (`\'`, `\\`, `\n`, `\r`, `\t`,
/// `\$`, `\u{...}`) processed.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let rest = chars.as_str();
                if let Some(body) = rest.strip_prefix('{')
                    && let Some(end) = body.find('}')
                    && let Some(c) = u32::from_str_radix(&body[..end], 16)
                        .ok()
                        .and_then(char::from_u32)
                {
                    out.push(c);
                    chars = body[end + 1..].chars();
                } else {
                    out.push_str("\\u");
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The text of a `'''multi-line'''` string: a line break right after the opening quotes is
/// not part of it.
fn multiline_text(raw: &str) -> String {
    let body = raw
        .strip_prefix("'''")
        .and_then(|b| b.strip_suffix("'''"))
        .unwrap_or("");
    let body = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix('\n'))
        .unwrap_or(body);
    body.to_owned()
}

fn shorten(text: &str) -> String {
    let mut end = text.len().min(40);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(text, &Limits::default())
            .errors
            .iter()
            .map(|e| format!("{}@{}", e.message, e.span.start))
            .collect()
    }

    #[test]
    fn a_full_template_parses_cleanly() {
        let text = r"
targetScope = 'resourceGroup'
@description('name')
@minLength(3)
param name string = 'aks-${uniqueString(resourceGroup().id)}'
@secure()
param secret string
param pools array = [
  { name: 'sys', count: 3 }
  { name: 'user'
    count: 1 }
]
param kind 'a' | 'b' = 'a'
param maybe string?
type pool = { name: string, count: int? }
var x = [for (p, i) in pools: { name: p.name, index: i }]
var y = map(pools, p => p.name)
var z = reduce(pools, 0, (acc, p) => acc + p.count)
var t = empty(name) ? null : name!
var u = pools[?0].?name ?? 'none'
var multi = '''
hello ${not}
'''
resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
  name: name
  location: resourceGroup().location
  properties: {
    enableRBAC: true
    agentPoolProfiles: [for p in pools: {
      name: p.name
    }]
  }
  resource pool 'agentPools' = {
    name: 'np'
  }
}
resource old 'Microsoft.Network/virtualNetworks@2023-01-01' existing = {
  name: 'vnet'
}
module m './mod.bicep' = if (!empty(name)) {
  name: 'm'
  params: {
    id: aks.id
  }
}
output id string = aks::pool.id
func f(a string) string => '${a}!'
import { a, b as c } from './types.bicep'
";
        assert_eq!(errors(text), Vec::<String>::new());
    }

    #[test]
    fn less_common_syntax_parses_cleanly() {
        let text = r"
metadata info = { owner: 'team' }
extension microsoftGraphV1
extension kubernetes with {
  namespace: 'default'
  kubeConfig: ''
} as k8s
import 'az@1.0.0'
import * as shared from 'shared.bicep'
@export()
@sealed()
type kind =
  | 'a'
  | 'b'
@discriminator('kind')
type union = { kind: 'x', x: int } | { kind: 'y', y: string }
type withArray = string[]
param kv resource 'Microsoft.KeyVault/vaults@2023-07-01'
param tuple [string, int] = ['a', 1]
param obj {
  @description('a')
  a: string?
  *: int
} = { a: 'x' }
var typed object = { 'quoted-key': 1, nested: { list: [1, 2, 3] } }
var lambdas = sort(map([3, 1, 2], x => x * 2), (a, b) => a < b)
var ternary = empty(typed)
  ? 'none'
  : 'some'
var spread = { ...typed, extra: true }
var items = [...typed.nested.list, 4]
var call = az.resourceGroup().location
var nonNull = typed.?missing!
var chain = typed[?'quoted-key'] ?? sys.int('0')
var args = concat(
  'a',
  'b',
)
resource vnet 'Microsoft.Network/virtualNetworks@2023-05-01' existing = {
  name: 'vnet'
  scope: resourceGroup('other')
  resource subnet 'subnets' existing = {
    name: 'default'
  }
}
@batchSize(2)
resource many 'Microsoft.Storage/storageAccounts@2023-01-01' = [for i in range(0, 3): if (i > 0) {
  name: 'st${i}'
  properties: {
    subnet: vnet::subnet.id
  }
}]
assert ok = length(items) > 0
output kvName string = kv.name
output all array = [for (x, i) in items: '${i}-${x}']
";
        assert_eq!(errors(text), Vec::<String>::new());
    }

    #[test]
    fn one_error_leaves_the_rest_readable() {
        let parsed = parse(
            "param a string = \nparam b string = 'x'\nvar c = {\n  d: \n  e: 1\n}\n",
            &Limits::default(),
        );
        assert_eq!(parsed.errors.len(), 2, "{:?}", parsed.errors);
        assert_eq!(parsed.program.statements.len(), 3);
    }

    #[test]
    fn an_unclosed_object_ends_at_the_next_declaration() {
        let parsed = parse("var a = {\n  b: 1\nparam c string\n", &Limits::default());
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        assert!(matches!(
            parsed.program.statements[1].kind,
            StatementKind::Param { .. }
        ));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("var a = {}1{}\n", "(".repeat(200_000), ")".repeat(200_000));
        let parsed = parse(&text, &Limits::default());
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::LimitExceeded);
        let text = format!("var a = {}\n", "[".repeat(100_000));
        assert_eq!(
            parse(&text, &Limits::default()).errors[0].kind,
            SyntaxErrorKind::LimitExceeded
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\'b\\c\n\u{41}\$"), "a'b\\c\nA$");
    }
}
