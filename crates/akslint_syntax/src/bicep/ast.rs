//! The Bicep syntax tree: what the parser builds and the lowering reads.

use akslint_text::Span;

/// A name and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub text: String,
    pub span: Span,
}

/// A whole file.
#[derive(Debug, Default)]
pub(crate) struct Program {
    pub statements: Vec<Statement>,
}

/// A declaration with its decorators.
#[derive(Debug)]
pub(crate) struct Statement {
    pub decorators: Vec<Expr>,
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug)]
pub(crate) enum StatementKind {
    /// `param name type = default` in a template, or `param name = value` in a `.bicepparam`.
    Param {
        name: Name,
        ty: Option<TypeExpr>,
        value: Option<Expr>,
    },
    Var {
        name: Name,
        value: Expr,
    },
    Output {
        name: Name,
        ty: Option<TypeExpr>,
        value: Expr,
    },
    Resource(Resource),
    Module {
        name: Name,
        path: Expr,
        value: Expr,
    },
    /// `using './main.bicep'` of a `.bicepparam` file.
    Using {
        path: Expr,
    },
    /// `func name(...) type => body`: user functions are only known when deploying.
    Function {
        name: Name,
    },
    /// `import {a, b as c} from '...'` / `import * as ns from '...'`: the names it declares.
    Import {
        names: Vec<Name>,
    },
    /// `targetScope`, `metadata`, `type`, `extension`, `assert`: nothing to evaluate.
    Other,
}

/// `resource name 'type@version' existing = value`.
#[derive(Debug)]
pub(crate) struct Resource {
    pub name: Name,
    pub type_string: Expr,
    pub existing: bool,
    /// An object, `if (...) {...}` or `[for ...: ...]`.
    pub value: Expr,
}

/// A type, kept as far as the lowering needs it.
#[derive(Debug, Clone)]
pub(crate) struct TypeExpr {
    /// `string`, `int`, `bool`, `object`, `array`, or `None` for user and literal types.
    pub primitive: Option<String>,
    pub nullable: bool,
    /// The string literals of a literal union (`'a' | 'b'`).
    pub allowed: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum ExprKind {
    /// A string: literal pieces and the expressions interpolated between them
    /// (`pieces.len() == values.len() + 1`).
    String {
        pieces: Vec<String>,
        values: Vec<Expr>,
    },
    Integer(i64),
    Bool(bool),
    Null,
    Identifier(String),
    Object(Vec<ObjectItem>),
    Array(Vec<Expr>),
    Call {
        namespace: Option<Box<Expr>>,
        name: Name,
        args: Vec<Expr>,
    },
    Member {
        base: Box<Expr>,
        name: Name,
        safe: bool,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
        safe: bool,
    },
    NonNull(Box<Expr>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Ternary {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Lambda {
        params: Vec<Name>,
        body: Box<Expr>,
    },
    For {
        item: Option<Name>,
        index: Option<Name>,
        iterable: Box<Expr>,
        body: Box<Expr>,
    },
    If {
        condition: Box<Expr>,
        body: Box<Expr>,
    },
    Paren(Box<Expr>),
    /// `...x` inside an object or array.
    Spread(Box<Expr>),
    /// Where the parser recovered from an error.
    Error,
}

/// A member of an object literal.
#[derive(Debug, Clone)]
pub(crate) enum ObjectItem {
    Property {
        key: Name,
        value: Expr,
    },
    /// A nested child resource (only meaningful in a resource body).
    Resource(std::rc::Rc<ResourceDecl>),
    Spread(Expr),
}

/// A nested resource declaration with its decorators.
#[derive(Debug)]
pub(crate) struct ResourceDecl {
    pub resource: Resource,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    Not,
    Minus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinaryOp {
    Or,
    And,
    Coalesce,
    Equals,
    NotEquals,
    EqualsInsensitive,
    NotEqualsInsensitive,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

impl Expr {
    pub(crate) fn error(span: Span) -> Self {
        Self {
            kind: ExprKind::Error,
            span,
        }
    }

    /// The text of a string without interpolation.
    pub(crate) fn as_plain_string(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String { pieces, values } if values.is_empty() => {
                pieces.first().map(String::as_str)
            }
            ExprKind::Paren(inner) => inner.as_plain_string(),
            _ => None,
        }
    }

    /// The expression inside any parentheses.
    pub(crate) fn unparenthesized(&self) -> &Self {
        match &self.kind {
            ExprKind::Paren(inner) => inner.unparenthesized(),
            _ => self,
        }
    }
}
