//! The `akslint` binary.

use std::process::ExitCode;

// A run makes millions of small allocations (tree nodes, findings, messages) on every thread;
// with mimalloc's thread-local pages a 10,000-document run takes about 12% less CPU time than
// with the system allocator (`/usr/bin/time`, user + system, 0.66 s -> 0.58 s).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    akslint::run()
}
