//! Acceptance test for hostile input (issue #9): one run of the binary over a folder of
//! everything that could crash, hang or exhaust a linter, with one good manifest among it.
//! The run must end quickly with findings (exit 1, never 2 or a crash), report each bad file
//! with `AKL001` or `AKL004`, still lint the good file, and stay within bounded memory.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A manifest with known findings, to prove that the bad files beside it change nothing.
const INSECURE: &str = include_str!("../../../testdata/examples/insecure-deployment.yaml");

/// Deterministic pseudo-random bytes (xorshift), so that a failure can be reproduced.
fn random_bytes(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// Ten levels of ten aliases each: 10^10 nodes once expanded.
fn alias_bomb() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    text
}

/// Mappings that each merge the previous one: quadratic memory if merges were copied blindly.
fn merge_chain(length: usize) -> String {
    let mut text = String::from("m0: &m0 {k0: v}\n");
    for i in 1..length {
        text.push_str(&format!("m{i}: &m{i} {{<<: *m{}, k{i}: v}}\n", i - 1));
    }
    text
}

/// Writes the hostile folder; returns the files and the code each must be reported with.
fn build(dir: &Path) -> Vec<(&'static str, &'static str)> {
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    let mut expected = Vec::new();

    write("alias-bomb.yaml", alias_bomb().as_bytes());
    expected.push(("alias-bomb.yaml", "AKL004"));

    write("merge-chain.yaml", merge_chain(20_000).as_bytes());
    expected.push(("merge-chain.yaml", "AKL004"));

    let depth = 200_000;
    let flow = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    write("flow-nesting.yaml", flow.as_bytes());
    expected.push(("flow-nesting.yaml", "AKL004"));

    // `- - - x` nests block sequences on one line; the indented form nests mappings.
    let mut block = "- ".repeat(5_000);
    block.push_str("x\n---\n");
    for level in 0..5_000 {
        block.push_str(&" ".repeat(level));
        block.push_str("k:\n");
    }
    write("block-nesting.yaml", block.as_bytes());
    expected.push(("block-nesting.yaml", "AKL004"));

    let depth = 100_000;
    let deep_json = format!(
        "{{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    write("deep.json", deep_json.as_bytes());
    expected.push(("deep.json", "AKL004"));

    write("documents.yaml", "---\n".repeat(100_001).as_bytes());
    expected.push(("documents.yaml", "AKL004"));

    write(
        "random.yaml",
        &random_bytes(64 * 1024, 0x9E37_79B9_7F4A_7C15),
    );
    expected.push(("random.yaml", "AKL001"));

    write(
        "invalid-utf8.yaml",
        b"kind: Pod\nmetadata:\n  name: caf\xe9\n",
    );
    expected.push(("invalid-utf8.yaml", "AKL001"));

    write(
        "truncated.json",
        br#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "#,
    );
    expected.push(("truncated.json", "AKL001"));

    let parentheses = format!("var x = {}1{}\n", "(".repeat(200_000), ")".repeat(200_000));
    write("deep.bicep", parentheses.as_bytes());
    expected.push(("deep.bicep", "AKL004"));

    write(
        "unterminated.bicep",
        b"param name string = 'aks\nvar x = '''\nnever closed\n",
    );
    expected.push(("unterminated.bicep", "AKL001"));

    write(
        "random.bicep",
        &random_bytes(64 * 1024, 0x2545_F491_4F6C_DD1D),
    );
    expected.push(("random.bicep", "AKL001"));

    // Each module uses the next ten times: inlining them all would take 10^6 templates.
    for level in 0..6 {
        let uses: String = (0..10)
            .map(|i| {
                format!(
                    "module m{i} 'bomb{}.bicep' = {{\n  name: 'm{i}'\n}}\n",
                    level + 1
                )
            })
            .collect();
        write(&format!("bomb{level}.bicep"), uses.as_bytes());
    }
    write(
        "bomb6.bicep",
        b"resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {\n  name: 'aks'\n}\n",
    );
    // The cluster at the bottom is still found, through the modules inlined before the budget
    // ran out.
    expected.push(("bomb0.bicep", "AKS101"));
    // A module that uses itself.
    write(
        "cycle.bicep",
        b"module again 'cycle.bicep' = {\n  name: 'again'\n}\n",
    );

    // Sparse: 100 MB that cost no disk and no time, as akslint never reads them.
    let huge = std::fs::File::create(dir.join("huge.yaml")).expect("create");
    huge.set_len(100 * 1024 * 1024).expect("set_len");
    expected.push(("huge.yaml", "AKL004"));

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop.yaml", dir.join("loop.yaml")).expect("symlink");
        expected.push(("loop.yaml", "AKL001"));
        // A directory symlink back up: the walk must not follow it round and round.
        std::fs::create_dir(dir.join("sub")).expect("mkdir");
        std::os::unix::fs::symlink("..", dir.join("sub/up")).expect("symlink");
        let fifo = Command::new("mkfifo").arg(dir.join("fifo.yaml")).status();
        if fifo.is_ok_and(|status| status.success()) {
            expected.push(("fifo.yaml", "AKL001"));
        } else {
            eprintln!("mkfifo is not available: the FIFO case is skipped");
        }
    }

    write("good.yaml", INSECURE.as_bytes());
    expected
}

/// The peak resident memory of a running process so far, in kB (Linux only).
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn hostile_inputs_are_reported_and_the_good_file_is_still_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = build(dir.path());

    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_akslint"))
        .args(["check", ".", "--output-format", "json"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("akslint starts");
    // Drain the pipes on threads so that a full pipe cannot stall the child.
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let stdout = read(Box::new(stdout));
    let stderr = read(Box::new(stderr));
    let mut peak_kb = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        peak_kb = peak_rss_kb(child.id()).or(peak_kb);
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("akslint hangs on hostile input");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let stdout = stdout.join().expect("stdout thread").expect("stdout read");
    let stderr = stderr.join().expect("stderr thread").expect("stderr read");
    let stderr = String::from_utf8_lossy(&stderr);

    assert_eq!(status.code(), Some(1), "{status:?}; stderr: {stderr}");
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&stdout).expect("JSON output");
    let codes_of = |name: &str| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| {
                f["path"]
                    .as_str()
                    .is_some_and(|p| p.trim_start_matches("./") == name)
            })
            .filter_map(|f| f["code"].as_str())
            .collect()
    };
    for (name, code) in &expected {
        let codes = codes_of(name);
        assert!(
            codes.contains(code),
            "{name}: expected {code}, got {codes:?}"
        );
    }
    let good = codes_of("good.yaml");
    for code in ["K8S101", "K8S102", "K8S107"] {
        assert!(
            good.contains(&code),
            "good.yaml: {code} missing from {good:?}"
        );
    }
    assert!(!good.iter().any(|c| c.starts_with("AKL")), "{good:?}");
    // Every engine finding says where (a line) and, for limits, which limit.
    for finding in &findings {
        assert!(
            finding["range"]["start"]["line"].as_u64().is_some(),
            "{finding}"
        );
        if finding["code"] == "AKL004" {
            let message = finding["message"].as_str().unwrap_or_default();
            assert!(message.chars().any(|c| c.is_ascii_digit()), "{message}");
        }
    }

    eprintln!(
        "hostile folder: {} files, {elapsed:?}, peak RSS {} kB",
        expected.len() + 1,
        peak_kb.map_or_else(|| "unknown".to_owned(), |kb| kb.to_string())
    );
    // Debug build on a shared machine: generous bounds, still far below a hang or a bomb.
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
    if let Some(kb) = peak_kb {
        assert!(kb < 512 * 1024, "peak RSS {kb} kB");
    }
}

/// Runs the binary in `dir` with `stdin`, with a deadline: a hang is a failure, not a stuck test.
fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = common::spawn(dir, args, stdin);
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("akslint hangs on {args:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn configured_limits_apply_to_files_and_stdin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = "[limits]\nmax-file-bytes = 2000\nmax-depth = 4\nmax-documents = 2\n";
    std::fs::write(dir.path().join("akslint.toml"), config).expect("write");
    std::fs::write(dir.path().join("big.yaml"), "a: b\n".repeat(1000)).expect("write");
    std::fs::write(dir.path().join("deep.yaml"), "a: [[[[[x]]]]]\n").expect("write");
    std::fs::write(dir.path().join("docs.yaml"), "a: 1\n---\nb: 2\n---\nc: 3\n").expect("write");
    let output = run_in(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "big.yaml:1:1: AKL004 [error] the file is 5000 bytes, over the 2000-byte limit",
        "deep.yaml:1:8: AKL004 [error] collections are nested more than 4 levels deep",
        "docs.yaml:4:1: AKL004 [error] the stream has more than 2 documents",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    let stdin = "a: b\n".repeat(1000);
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "in.yaml",
        "--output-format",
        "concise",
    ];
    let output = run_in(dir.path(), &args, stdin.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("in.yaml:1:1: AKL004 [error] the input is larger than the 2000-byte limit"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_a_usage_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let output = run_in(dir.path(), &["check", "pipe.yaml"], b"");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("pipe.yaml: a FIFO is not a regular file"),
        "{stderr}"
    );
}
