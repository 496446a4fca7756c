//! Parse throughput of the Bicep parser and lowering: `cargo run --release -p akslint_syntax
//! --example bicep_throughput -- FILE...` parses the files (modules not followed) until about
//! 200 MB went through, and prints MB/s.

use std::time::Instant;

use akslint_syntax::{Limits, bicep};

fn main() {
    let texts: Vec<String> = std::env::args()
        .skip(1)
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    if bytes == 0 {
        eprintln!("usage: bicep_throughput FILE...");
        std::process::exit(2);
    }
    let limits = Limits::default();
    let rounds = (200_000_000 / bytes).max(1);
    let mut nodes = 0;
    let start = Instant::now();
    for _ in 0..rounds {
        for text in &texts {
            nodes += bicep::parse(text, &limits).tree.len();
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let megabytes = (bytes * rounds) as f64 / 1e6;
    println!(
        "{} files, {bytes} bytes, {rounds} rounds: {:.1} MB/s ({nodes} nodes)",
        texts.len(),
        megabytes / seconds
    );
}
