//! Running a rendering tool (`helm`, `kubectl`, `kustomize`) with a time limit and a bound on
//! what is kept of its output.

use std::ffi::OsString;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Why a tool produced no output to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ToolError {
    /// The program is not on `PATH`.
    NotFound,
    /// It ran and failed, timed out, or wrote too much: what to tell the user.
    Failed(String),
}

/// How often a running tool is checked for having exited.
const POLL: Duration = Duration::from_millis(10);

/// Runs `program args…` in `dir` and returns its standard output.
///
/// The tool is killed after `timeout`. At most `max_bytes` of its output are kept (the rest is
/// still read, so that the tool never blocks on a full pipe), and more is an error.
pub(crate) fn run(
    program: &str,
    args: &[OsString],
    dir: Option<&Path>,
    timeout: Duration,
    max_bytes: u64,
) -> Result<String, ToolError> {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ToolError::NotFound);
        }
        Err(error) => {
            return Err(ToolError::Failed(format!(
                "cannot run `{program}`: {error}"
            )));
        }
    };
    let stdout = child.stdout.take().map(|out| collect(out, max_bytes));
    // An error message needs no more than this.
    let stderr = child.stderr.take().map(|err| collect(err, 64 * 1024));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() >= timeout => {
                // Killing fails only when it exited meanwhile; the wait reaps it either way.
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "`{program}` did not finish within {} seconds and was stopped",
                    timeout.as_secs()
                ));
            }
            Ok(None) => thread::sleep(POLL),
            Err(error) => break Err(format!("cannot wait for `{program}`: {error}")),
        }
    };
    // After a timeout the readers are left behind: a process the tool started may still hold
    // the pipes open, and waiting for it would defeat the timeout.
    let status = status.map_err(ToolError::Failed)?;
    let join = |reader: Option<thread::JoinHandle<(Vec<u8>, bool)>>| {
        reader
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    };
    let (out, out_truncated) = join(stdout);
    let (err, _) = join(stderr);
    if !status.success() {
        let message = String::from_utf8_lossy(&err).trim().to_owned();
        return Err(ToolError::Failed(if message.is_empty() {
            format!("`{program}` failed ({status}) without a message")
        } else {
            message
        }));
    }
    if out_truncated {
        return Err(ToolError::Failed(format!(
            "the output of `{program}` is larger than the {max_bytes}-byte limit (`[limits] max-file-bytes`)"
        )));
    }
    String::from_utf8(out)
        .map_err(|_| ToolError::Failed(format!("the output of `{program}` is not valid UTF-8")))
}

/// Reads a pipe to its end on a thread, keeping the first `limit` bytes; says whether there
/// was more.
fn collect(
    mut pipe: impl Read + Send + 'static,
    limit: u64,
) -> thread::JoinHandle<(Vec<u8>, bool)> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let read = (&mut pipe).take(limit).read_to_end(&mut kept);
        let rest = std::io::copy(&mut pipe, &mut std::io::sink()).unwrap_or(0);
        (kept, read.is_err() || rest > 0)
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration, max_bytes: u64) -> Result<String, ToolError> {
        run(
            "sh",
            &["-c".into(), script.into()],
            None,
            timeout,
            max_bytes,
        )
    }

    #[test]
    fn output_errors_and_limits() {
        let long = Duration::from_secs(30);
        assert_eq!(sh("echo hi", long, 100), Ok("hi\n".to_owned()));
        assert_eq!(
            sh("echo broken >&2; exit 3", long, 100),
            Err(ToolError::Failed("broken".to_owned()))
        );
        let Err(ToolError::Failed(message)) = sh("echo 0123456789", long, 5) else {
            panic!("output over the limit is an error");
        };
        assert!(message.contains("5-byte limit"), "{message}");
        let started = Instant::now();
        let Err(ToolError::Failed(message)) = sh("sleep 20", Duration::from_millis(200), 5) else {
            panic!("a tool that hangs is stopped");
        };
        assert!(message.contains("did not finish"), "{message}");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(
            run("akslint-no-such-tool", &[], None, long, 5),
            Err(ToolError::NotFound)
        );
    }
}
