use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use akslint_text::SourceFile;

use rayon::prelude::*;

use crate::Diagnostic;

/// One line per finding: `path:line:col: CODE [severity] message`.
#[must_use]
pub fn concise(diagnostics: &[Diagnostic]) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and every part of a line is UTF-8.
    let _ = write_concise(&mut out, diagnostics);
    String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Writes [`concise`] output to `out` line by line: a run with many findings streams them
/// instead of laying out all the text first.
///
/// # Errors
/// When writing to `out` fails.
pub fn write_concise(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    // Lines are laid out by all threads, a batch at a time, and written in order: one thread
    // formatting tens of thousands of lines would be the last, serial, step of a run.
    const BATCH: usize = 256;
    for group in diagnostics.chunks(BATCH * 16) {
        let laid_out: Vec<Vec<u8>> = group
            .par_chunks(BATCH)
            .map(|batch| {
                // Lines run to about 220 bytes (a path and a sentence): room for 256 each
                // spares the batch a reallocation that copies all it holds.
                let mut text = Vec::with_capacity(batch.len() * 256);
                // A file's findings come together: its path is made text once for all of them.
                let mut path: Option<(&Arc<SourceFile>, Cow<'_, str>)> = None;
                for diagnostic in batch {
                    let file = &diagnostic.file;
                    let shown = match path {
                        Some((last, ref shown)) if Arc::ptr_eq(last, file) => shown,
                        _ => &path.insert((file, diagnostic.path())).1,
                    };
                    // Writing to memory cannot fail.
                    let _ = write_line(&mut text, shown, diagnostic);
                }
                text
            })
            .collect();
        for text in laid_out {
            out.write_all(&text)?;
        }
    }
    Ok(())
}

/// Writes the line of `diagnostic`, whose path reads `path`.
fn write_line(out: &mut impl Write, path: &str, diagnostic: &Diagnostic) -> io::Result<()> {
    // The text parts are copied as they are; only the numbers go through the formatter, which
    // costs tens of thousands of lines a noticeable share of the run.
    let start = diagnostic.start();
    out.write_all(path.as_bytes())?;
    write!(out, ":{}:{}: ", start.line, start.column)?;
    out.write_all(diagnostic.code.as_bytes())?;
    out.write_all(b" [")?;
    out.write_all(diagnostic.severity.as_str().as_bytes())?;
    out.write_all(b"] ")?;
    out.write_all(diagnostic.message.as_bytes())?;
    out.write_all(b"\n")
}
