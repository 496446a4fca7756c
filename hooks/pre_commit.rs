//! `akslint-pre-commit`: the binary pre-commit installs from the repository root (see
//! `.pre-commit-hooks.yaml`); it is the `akslint` command line under another name, so that it
//! does not collide with the `akslint` binary in the same workspace.

use std::process::ExitCode;

fn main() -> ExitCode {
    akslint::run()
}
