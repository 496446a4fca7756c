//! Benchmarks of akslint: synthetic corpora ([`corpus`]), the bare-parse floor ([`floor`],
//! also the `akslint-bare-parse` binary) and the criterion benchmarks of each stage
//! (`cargo bench -p akslint_bench`). See `benches/compare.sh` for the comparison with other
//! tools.

pub mod corpus;
pub mod floor;
