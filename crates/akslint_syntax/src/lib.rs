//! Span-keeping parsers for the inputs akslint reads, all building one [`Tree`] type.
//!
//! The tree keeps every key and value with its byte [`Span`](akslint_text::Span), the scalar
//! text with its style (so Kubernetes' YAML 1.1 reading can be applied later), and the comments
//! of the file. Syntax problems are values ([`SyntaxError`]), never panics: a broken document in a
//! YAML stream is recorded and the parser moves on to the next one.

pub mod bicep;
mod error;
pub mod json;
mod scalar;
mod tree;
pub mod yaml;

pub use error::{SyntaxError, SyntaxErrorKind};
pub use scalar::{K8sScalar, ScalarStyle, resolve_k8s_scalar};
pub use tree::{Comment, Document, Entry, NodeId, NodeKind, NodeRef, ParsedFile, Tree};

/// Limits that keep hostile input from exhausting time or memory.
///
/// Going over one is never silent: the parsers record a [`SyntaxErrorKind::LimitExceeded`]
/// error with the position and the limit, and skip what they could not read safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file, in bytes, that is read at all (the parsers take text already read; the
    /// reader applies this one).
    pub max_file_bytes: u64,
    /// Most nodes that aliases may add to one file: each alias counts the size of the node it
    /// repeats, with the aliases inside that node expanded. Counted while parsing, so that an
    /// alias bomb is stopped before it costs memory or time.
    pub max_expanded_nodes: u64,
    /// Deepest nesting of collections (`[[x]]` is two levels). At most [`Limits::MAX_DEPTH`].
    pub max_depth: usize,
    /// Most documents in one stream.
    pub max_documents: usize,
}

impl Limits {
    /// The highest nesting limit, also the default: code that walks a tree recursively may
    /// rely on this bound.
    pub const MAX_DEPTH: usize = 256;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            max_expanded_nodes: 1_000_000,
            max_depth: Self::MAX_DEPTH,
            max_documents: 100_000,
        }
    }
}
