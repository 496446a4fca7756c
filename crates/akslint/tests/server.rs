//! End-to-end tests of `akslint server`: the real binary driven over stdio as an editor drives
//! it, first by a small JSON-RPC client written here, then by headless Neovim's own LSP client.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Every wait is bounded: a broken server fails the test instead of hanging it.
const TIMEOUT: Duration = Duration::from_secs(30);

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web # café 😀
spec:
  hostNetwork: true
  containers:
    - name: app
      image: registry.example.com/app:1.0
      securityContext:
        privileged: true
";

/// A server process and the messages it sends, read on a thread of their own.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Drop for Client {
    fn drop(&mut self) {
        // Never leave a server behind when a test fails half-way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one `Content-Length`-framed message.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_akslint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start akslint server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message that satisfies `wanted`, skipping others.
    fn wait_for(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => panic!("server exited waiting for {what}"),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait_for(method, |m| m["id"] == id && m.get("method").is_none());
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Value {
        self.wait_for("publishDiagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })["params"]
            .clone()
    }
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap_or(0) as usize;
        let character = position["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, ch) in text[start..].char_indices() {
            if units >= character || ch == '\n' {
                return start + i;
            }
            units += ch.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or(""),
            )
        })
        .collect();
    spans.sort_by_key(|span| std::cmp::Reverse(span.0));
    let mut out = text.to_owned();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn editor_session_over_stdio() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pod.yaml");
    let uri = format!("file://{}", path.display());
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
        }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    client.notify("initialized", json!({}));

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": POD}}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 1);
    let all = codes(&published);
    assert!(all.iter().any(|c| c == "K8S107"), "{all:?}");
    let host_network = published["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["code"] == "K8S107"))
        .cloned()
        .expect("K8S107");
    assert_eq!(host_network["source"], "akslint");
    assert!(
        host_network["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("K8S107.md"))
    );
    // `true` on line 5 after `  hostNetwork: `: exact range in UTF-16 units.
    assert_eq!(
        host_network["range"],
        json!({"start": {"line": 5, "character": 15}, "end": {"line": 5, "character": 19}})
    );

    // Hover on the finding shows its rule page.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 16}}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.starts_with("# K8S107 host-network"), "{hover}");

    // Edits in a row: the last version's findings come (those of the first may come before,
    // when linting keeps up with the typing; never after).
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 5, "character": 15}, "end": {"line": 5, "character": 19}}, "text": "false"}],
        }),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [{"range": {"start": {"line": 3, "character": 8}, "end": {"line": 3, "character": 11}}, "text": "api"}],
        }),
    );
    let mut text = POD
        .replace("hostNetwork: true", "hostNetwork: false")
        .replace("name: web", "name: api");
    let published = client.wait_for("the findings of version 3", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] != 2
    })["params"]
        .clone();
    assert_eq!(published["version"], 3);
    assert!(!codes(&published).iter().any(|c| c == "K8S107"));
    assert!(codes(&published).iter().any(|c| c == "K8S101"));

    // The quick fix of `privileged: true`, applied as the editor would.
    let privileged_line = 10;
    let range = json!({"start": {"line": privileged_line, "character": 20}, "end": {"line": privileged_line, "character": 20}});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Fix K8S101"))
        })
        .unwrap_or_else(|| panic!("no fix among {titles:?}"));
    let ignore = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Ignore K8S101 here"))
        })
        .unwrap_or_else(|| panic!("no ignore among {titles:?}"));
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Ignore K8S101 for this object"))
    );
    let ignored = apply_edits(&text, &edits_of(ignore, &uri));
    assert!(
        ignored.contains("        # akslint: ignore[K8S101] <reason>\n        privileged: true"),
        "{ignored}"
    );
    text = apply_edits(&text, &edits_of(fix, &uri));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": text}]}),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 4);
    assert!(!codes(&published).iter().any(|c| c == "K8S101"), "{text}");

    // Suppression applied: the finding goes away too.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": ignored}]}),
    );
    let published = client.diagnostics(&uri);
    assert!(
        !codes(&published).iter().any(|c| c == "K8S101"),
        "{ignored}"
    );

    // Hover on the code inside the suppression comment shows the rule page.
    let comment_line = ignored
        .lines()
        .position(|l| l.contains("ignore[K8S101]"))
        .expect("comment line");
    let column = ignored
        .lines()
        .nth(comment_line)
        .and_then(|l| l.find("K8S101"))
        .unwrap_or(0);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": comment_line, "character": column + 2}}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("K8S101"), "{hover}");

    // Fix-all with only the source kind requested.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    assert!(
        actions.iter().all(|a| a["kind"] == "source.fixAll.akslint"),
        "{actions:?}"
    );

    // A new akslint.toml next to the file is picked up when the client reports it.
    let remaining = codes(&published);
    assert!(!remaining.is_empty());
    let config = dir.path().join("akslint.toml");
    std::fs::write(&config, "[lint]\nselect = [\"K8S107\"]\n").expect("write config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", config.display()), "type": 1}]}),
    );
    let published = client.diagnostics(&uri);
    assert!(
        codes(&published).is_empty(),
        "{published} (before: {remaining:?})"
    );

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = client.child.try_wait().expect("wait") {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn neovim_reads_diagnostics() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("skipped: `nvim` is not installed (apt-get install -y neovim)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("pod.yaml");
    std::fs::write(&manifest, POD).expect("write manifest");
    let out = dir.path().join("diagnostics.txt");
    let script = dir.path().join("test.lua");
    let lua = format!(
        r#"
local out = {out:?}
local function finish(lines)
  local f = io.open(out, "w")
  f:write(table.concat(lines, "\n"))
  f:close()
  vim.cmd("qall!")
end
vim.cmd("edit " .. vim.fn.fnameescape({manifest:?}))
vim.bo.filetype = "yaml"
local config = {{ name = "akslint", cmd = {{ {bin:?}, "server" }}, root_dir = {root:?} }}
-- vim.lsp.start is 0.8+; Debian's 0.7 only has start_client.
if vim.lsp.start then
  vim.lsp.start(config)
else
  vim.lsp.buf_attach_client(0, vim.lsp.start_client(config))
end
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local lines = {{}}
if not ok then table.insert(lines, "TIMEOUT") end
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format("%s %d:%d", d.code or "?", d.lnum, d.col))
end
finish(lines)
"#,
        out = out.display().to_string(),
        manifest = manifest.display().to_string(),
        bin = env!("CARGO_BIN_EXE_akslint"),
        root = dir.path().display().to_string(),
    );
    std::fs::write(&script, lua).expect("write script");
    let mut nvim = Command::new("timeout")
        .args(["60", "nvim", "--headless", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("start nvim");
    let status = nvim.wait().expect("wait for nvim");
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim failed ({status}): {written}");
    assert!(!written.contains("TIMEOUT"), "{written}");
    assert!(written.lines().any(|l| l == "K8S107 5:15"), "{written}");
}

#[test]
fn positions_follow_the_negotiated_encoding() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec: {nodeSelector: {zone: \"é😀\"}, hostNetwork: true, containers: []}\n";
    let true_at = text
        .lines()
        .nth(4)
        .and_then(|l| l.find("true"))
        .unwrap_or(0);
    for (offered, expected_encoding, expected_column) in [
        (json!(["utf-8", "utf-16"]), "utf-8", true_at),
        // é is one UTF-16 unit for two bytes, 😀 two units for four bytes.
        (json!(["utf-16"]), "utf-16", true_at - 3),
    ] {
        let mut client = Client::start();
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": null,
                   "capabilities": {"general": {"positionEncodings": offered}}}),
        );
        assert_eq!(init["capabilities"]["positionEncoding"], expected_encoding);
        client.notify("initialized", json!({}));
        let uri = "untitled:Untitled-1";
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        let published = client.diagnostics(uri);
        let found = published["diagnostics"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["code"] == "K8S107"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            found["range"]["start"],
            json!({"line": 4, "character": expected_column}),
            "{published}"
        );
    }
}

#[test]
fn arm_json_documents_get_findings_and_comment_suppressions() {
    azure_document_findings_and_suppression("AKS101/fail.json", "json", "aks.json", "AKS101");
}

/// Bicep documents get their findings on the Bicep text, comment suppressions and quick fixes
/// written in Bicep.
#[test]
fn bicep_documents_get_findings_suppressions_and_bicep_fixes() {
    let (mut client, uri, text, finding) = azure_document_findings_and_suppression(
        "AKS108/fail.bicep",
        "bicep",
        "main.bicep",
        "AKS108",
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": finding["range"], "context": {"diagnostics": [finding]}}),
    );
    let fix = actions
        .as_array()
        .and_then(|a| {
            a.iter().find(|a| {
                a["kind"] == "quickfix"
                    && a["title"]
                        .as_str()
                        .is_some_and(|t| t.contains("enableRBAC"))
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("no fix in {actions}"));
    let fixed = apply_edits(&text, &edits_of(&fix, &uri));
    assert!(fixed.contains("    enableRBAC: true\n"), "{fixed}");
}

/// Opens an ARM or Bicep fixture, checks that it gets `code`, then suppresses the first finding
/// with the ignore action and checks it is gone. Returns the client, the document's URI and
/// first text, and the first finding, for more checks.
fn azure_document_findings_and_suppression(
    fixture: &str,
    language: &str,
    name: &str,
    code: &str,
) -> (Client, String, String, Value) {
    let fixture = format!(
        "{}/../akslint_linter/fixtures/{fixture}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(fixture).expect("read fixture");
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let uri = format!("file:///tmp/akslint-server-test/{name}");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
    );
    let published = client.diagnostics(&uri);
    let finding = published["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["code"] == code))
        .cloned()
        .unwrap_or_else(|| panic!("no {code} in {published}"));
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": finding["range"], "context": {"diagnostics": [finding]}}),
    );
    let ignore = actions
        .as_array()
        .and_then(|a| {
            a.iter().find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(&format!("Ignore {code} here")))
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("no ignore action in {actions}"));
    let ignored = apply_edits(&text, &edits_of(&ignore, &uri));
    assert!(
        ignored.contains(&format!("// akslint: ignore[{code}] <reason>\n")),
        "{ignored}"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": ignored}]}),
    );
    let count = |published: &Value| codes(published).iter().filter(|c| *c == code).count();
    let before = count(&published);
    let published = client.diagnostics(&uri);
    // The fixture has several clusters: only the first one's finding is suppressed.
    assert_eq!(count(&published), before - 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    client.diagnostics(&uri);
    (client, uri, text, finding)
}

#[test]
fn clients_that_pull_get_diagnostics_of_the_latest_text() {
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null,
               "capabilities": {"textDocument": {"diagnostic": {"dynamicRegistration": false}}}}),
    );
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["identifier"],
        "akslint"
    );
    client.notify("initialized", json!({}));
    let uri = "untitled:pod.yaml";
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n  containers: []\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let pulled = |client: &mut Client| {
        let report = client.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        assert_eq!(report["kind"], "full", "{report}");
        codes(&json!({"diagnostics": report["items"]}))
    };
    assert!(pulled(&mut client).contains(&"K8S107".to_owned()));
    // Right after a change, the pulled findings are those of the new text.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": text.replace("hostNetwork: true", "hostNetwork: false")}]}),
    );
    assert!(!pulled(&mut client).contains(&"K8S107".to_owned()));
}

/// A small deterministic random source (xorshift64*), so a failing edit sequence replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound as u64) as usize
    }

    /// A byte offset on a character boundary of `text`.
    fn boundary(&mut self, text: &str) -> usize {
        let mut offset = self.below(text.len() + 1);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// The LSP position (UTF-16 columns) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": before.matches('\n').count(), "character": character})
}

/// Pieces that half-typed YAML is made of: indentation, flow brackets, quotes, anchors,
/// document markers, template braces, fields rules look at, and multi-byte characters.
const PIECES: &[&str] = &[
    " ",
    "  ",
    "\n",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "&a ",
    "*a",
    "<<: *a\n",
    "---\n",
    "...\n",
    "#",
    "{{ .Values.x }}",
    "é",
    "😀",
    "\t",
    "privileged: true",
    "hostPID: true\n",
    "    - name: c\n      image: nginx:latest\n",
    "securityContext:\n",
    "kind: Pod\n",
    "|\n  ",
];

#[test]
fn random_edits_never_crash_the_server_and_every_request_is_answered() {
    let mut rng = Rng(0x5eed_a4b3_2024_0917);
    let uri = "untitled:random-edits.yaml";
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let mut text = POD.to_owned();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let mut last = Value::Null;
    for version in 2..=400 {
        let change = match rng.below(20) {
            // Now and then the whole text: cut off mid-document, or a valid manifest again.
            0 => {
                text = if rng.below(2) == 0 {
                    text[..rng.boundary(&text)].to_owned()
                } else {
                    POD.to_owned()
                };
                json!({"text": text})
            }
            choice => {
                let start = rng.boundary(&text);
                let end = if choice % 2 == 0 {
                    let end = start + rng.below(30);
                    let mut end = end.min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    end
                } else {
                    start
                };
                let inserted = if choice % 3 == 0 {
                    ""
                } else {
                    PIECES[rng.below(PIECES.len())]
                };
                let range = json!({"start": position(&text, start), "end": position(&text, end)});
                let edit = json!({"range": range, "newText": inserted});
                text = apply_edits(&text, std::slice::from_ref(&edit));
                json!({"range": range, "text": inserted})
            }
        };
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        // Now and then a pause (and at the end): the findings of exactly this version come.
        if version % 50 == 0 {
            last = client.wait_for("the findings of the current version", |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version
            });
        }
        // Requests in the middle of the edits, at random places of the current text: each
        // gets its answer (`request` fails the test on an error or a missing response).
        if version % 7 == 0 {
            let at = position(&text, rng.boundary(&text));
            client.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": at}),
            );
            client.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
                       "context": {"diagnostics": []}}),
            );
        }
    }
    assert!(
        client.child.try_wait().expect("server status").is_none(),
        "the server exited"
    );
    // The server's copy of the text is ours: a fresh document with the same text gets the
    // same findings.
    let fresh = "untitled:fresh.yaml";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": fresh, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let reopened = client.diagnostics(fresh);
    assert_eq!(
        last["params"]["diagnostics"], reopened["diagnostics"],
        "the edited text drifted from the client's:\n{text}"
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("server exits");
    assert!(status.success(), "server exit status {status}");
}

#[test]
fn a_malformed_notification_is_skipped_and_the_server_goes_on() {
    let uri = "untitled:pod.yaml";
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": POD}}),
    );
    client.diagnostics(uri);
    // A change without its text, and one with no document at all.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                             "end": {"line": 0, "character": 0}}}]}),
    );
    client.notify("textDocument/didChange", json!(42));
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9, "character": 9}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|markdown| markdown.contains("privileged")),
        "{hover}"
    );
    assert!(client.child.try_wait().expect("server status").is_none());
}
