//! `akslint-bare-parse [--tree] PATHS...`: the floor of `akslint check PATHS...`. Finds the
//! same files, reads them and parses each with the same parser and options on the same
//! thread pool (`RAYON_NUM_THREADS` applies), without model or rules; `--tree` also builds
//! akslint's span tree. Prints what it read.

use std::path::PathBuf;
use std::process::ExitCode;

use akslint_bench::floor::{Depth, bare_parse};

// The floor allocates with the allocator `akslint` uses, so the ratio measures akslint's own work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut depth = Depth::Events;
    let mut paths = Vec::new();
    for argument in std::env::args_os().skip(1) {
        if argument == "--tree" {
            depth = Depth::Tree;
        } else {
            paths.push(PathBuf::from(argument));
        }
    }
    if paths.is_empty() {
        eprintln!("usage: akslint-bare-parse [--tree] PATHS...");
        return ExitCode::from(2);
    }
    match bare_parse(&paths, depth) {
        Ok(totals) => {
            println!(
                "{} files, {} bytes, {} units parsed",
                totals.files, totals.bytes, totals.units
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
