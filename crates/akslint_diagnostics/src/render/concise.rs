use std::io::{self, Write};

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
                for diagnostic in batch {
                    // Writing to memory cannot fail.
                    let _ = write_line(&mut text, diagnostic);
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

fn write_line(out: &mut impl Write, diagnostic: &Diagnostic) -> io::Result<()> {
    let start = diagnostic.range().start;
    writeln!(
        out,
        "{}:{}:{}: {} [{}] {}",
        diagnostic.path(),
        start.line,
        start.column,
        diagnostic.code,
        diagnostic.severity.as_str(),
        diagnostic.message
    )
}
