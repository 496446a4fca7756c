//! Running the `akslint` binary from the end-to-end tests.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `akslint args` in `dir` with `stdin` piped in, and waits for it.
pub fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_akslint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("akslint starts");
    if let Some(mut pipe) = child.stdin.take() {
        // A run that fails on its arguments exits without reading stdin: a broken pipe is fine.
        let _ = pipe.write_all(stdin.unwrap_or_default().as_bytes());
    }
    child.wait_with_output().expect("akslint finishes")
}
