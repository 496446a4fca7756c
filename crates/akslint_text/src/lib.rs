//! Source text, byte spans and position conversion.
//!
//! Every other akslint crate speaks in byte [`Span`]s over a [`SourceFile`]'s text. This crate is
//! the one place that turns them into the positions people and tools read: 1-based lines and
//! character columns for terminals and JSON, UTF-16 code units for the Language Server Protocol.
//! A leading byte-order mark is removed once, here, and `\r\n` and lone `\r` end lines exactly as
//! `\n` does, so columns stay right in files saved on Windows.

mod line_index;
mod path_order;
mod source;
mod span;

pub use line_index::{LineCol, LineIndex};
pub use path_order::compare_paths;
pub use source::{SourceFile, SourceText};
pub use span::Span;
