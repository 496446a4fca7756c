//! Running the `akslint` binary from the end-to-end tests.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Starts `akslint args` in `dir` and writes `stdin` to it.
pub fn spawn(dir: &Path, args: &[&str], stdin: &[u8]) -> Child {
    spawn_with(dir, args, stdin, |_| {})
}

/// [`spawn`], with the command changed by `configure` first (its environment, say).
pub fn spawn_with(
    dir: &Path,
    args: &[&str],
    stdin: &[u8],
    configure: impl FnOnce(&mut Command),
) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_akslint"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    configure(&mut command);
    let mut child = command.spawn().expect("akslint starts");
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
