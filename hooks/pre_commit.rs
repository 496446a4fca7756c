//! `akslint-pre-commit`: the binary pre-commit installs from the repository root (see
//! `.pre-commit-hooks.yaml`); it is the `akslint` command line under another name, so that it
//! does not collide with the `akslint` binary in the same workspace.

use std::process::ExitCode;

// The same allocator as the `akslint` binary (see crates/akslint/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    akslint::run()
}
