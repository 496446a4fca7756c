//! Span-keeping parsers for the inputs akslint reads, all building one [`Tree`] type.
//!
//! The tree keeps every key and value with its byte [`Span`](akslint_text::Span), the scalar
//! text with its style (so Kubernetes' YAML 1.1 reading can be applied later), and the comments
//! of the file. Syntax problems are values ([`SyntaxError`]), never panics: a broken document in a
//! YAML stream is recorded and the parser moves on to the next one.

mod error;
pub mod json;
mod scalar;
mod tree;
pub mod yaml;

pub use error::{SyntaxError, SyntaxErrorKind};
pub use scalar::{K8sScalar, ScalarStyle, resolve_k8s_scalar};
pub use tree::{Comment, Document, Entry, NodeId, NodeKind, NodeRef, ParsedFile, Tree};

/// Limits that keep hostile input from exhausting time or memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest number of nodes one document may stand for once its aliases are expanded.
    pub max_expanded_nodes: u64,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most documents in one stream.
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_expanded_nodes: 1_000_000,
            max_depth: 256,
            max_documents: 100_000,
        }
    }
}
