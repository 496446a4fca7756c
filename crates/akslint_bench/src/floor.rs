//! The floor akslint's cost is measured against: find the same files, read them and run the
//! same parser with the same options over each, on the same thread pool, and build nothing.

use std::path::PathBuf;

use akslint_linter::FileFormat;
use akslint_syntax::{Limits, json, yaml};
use akslint_workspace::discover;
use rayon::prelude::*;

/// How far a bare parse goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The parser's events (YAML) or syntax tree (JSON) only: the floor.
    Events,
    /// Also akslint's span tree, which the model and the rules read.
    Tree,
}

/// What a bare parse read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Files read and parsed.
    pub files: usize,
    /// Bytes read.
    pub bytes: usize,
    /// YAML events plus JSON documents that parsed: a checksum, so nothing is optimised away.
    pub units: usize,
}

/// Discovers the files under `paths` as `akslint check` does, then reads and parses each
/// (YAML and JSON; Bicep has no parser yet) in parallel.
///
/// # Errors
/// When a named path cannot be read, with the message.
pub fn bare_parse(paths: &[PathBuf], depth: Depth) -> Result<Totals, String> {
    let candidates = discover(paths).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let limits = Limits::default();
    let totals = candidates
        .par_iter()
        .filter_map(|candidate| {
            let format = candidate.format?;
            let text = std::fs::read_to_string(&candidate.path).ok()?;
            let units = match (format, depth) {
                (FileFormat::Yaml, Depth::Events) => yaml::scan_events(&text, &limits),
                (FileFormat::Yaml, Depth::Tree) => yaml::parse(&text, &limits).tree.len(),
                (FileFormat::Json, Depth::Events) => usize::from(json::scan(&text, &limits)),
                (FileFormat::Json, Depth::Tree) => json::parse(&text, &limits).tree.len(),
                (FileFormat::Bicep, _) => 0,
            };
            Some(Totals {
                files: 1,
                bytes: text.len(),
                units,
            })
        })
        .reduce(Totals::default, |a, b| Totals {
            files: a.files + b.files,
            bytes: a.bytes + b.bytes,
            units: a.units + b.units,
        });
    Ok(totals)
}
