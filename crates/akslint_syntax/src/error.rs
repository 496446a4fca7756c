use akslint_text::Span;

/// What kind of problem a [`SyntaxError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The text is not valid YAML or JSON.
    Invalid,
    /// A mapping names the same key twice; Kubernetes' strict field validation rejects it.
    DuplicateKey,
    /// The input goes over one of the [`Limits`](crate::Limits).
    LimitExceeded,
}

/// A problem found while parsing, with the position it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What kind of problem.
    pub kind: SyntaxErrorKind,
    /// Human-readable description, without the position.
    pub message: String,
    /// Where it is; may be empty for a position between characters.
    pub span: Span,
    /// Index of the document of the stream it belongs to, when it belongs to one.
    pub document: Option<usize>,
}

/// The message for collections nested over `limit` levels, the same for every format.
pub(crate) fn nesting_message(limit: usize) -> String {
    format!(
        "collections are nested more than {limit} levels deep (the nesting limit); the document is not linted"
    )
}
