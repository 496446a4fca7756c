//! The `akslint` binary.

use std::process::ExitCode;

fn main() -> ExitCode {
    akslint::run()
}
