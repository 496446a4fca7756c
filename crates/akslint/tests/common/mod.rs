//! Running the `akslint` binary from the end-to-end tests.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Starts `akslint args` in `dir` and writes `stdin` to it.
pub fn spawn(dir: &Path, args: &[&str], stdin: &[u8]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_akslint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("akslint starts");
    if let Some(mut pipe) = child.stdin.take() {
        // A run that fails on its arguments, or stops reading early (over the size limit),
        // closes the pipe: a broken pipe is fine.
        let _ = pipe.write_all(stdin);
    }
    child
}

/// Runs `akslint args` in `dir` with `stdin` piped in, and waits for it.
#[allow(dead_code)] // Not every test binary that includes this module uses it.
pub fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    spawn(dir, args, stdin.unwrap_or_default().as_bytes())
        .wait_with_output()
        .expect("akslint finishes")
}
