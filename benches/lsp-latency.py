#!/usr/bin/env python3
"""Latency of `akslint server`: time from a didChange to the publishDiagnostics of that version.

Builds two documents from the YAML files under CORPUS (default /work/shared/corpus/k8s): one of
~300 lines and a ~1 MB multi-document stream, opens each, then sends full-text changes one at a
time and waits for each version's diagnostics. The server lints a change at once (changes made
while it lints are linted together after it). Each change is encoded before its clock starts
(an editor has its text already), and the clock stops when the diagnostics have arrived; the
figure in parentheses also counts this Python client's decoding of them (about 30 ms for the 1 MB
stream's 6,700 findings), which an editor pays in its own way.

Usage: benches/lsp-latency.py [--akslint target/debug/akslint] [--corpus DIR] [--changes 10]
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import threading
import time
from pathlib import Path


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    def __init__(self, binary: str) -> None:
        self.proc = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        # When the last message read had arrived whole, before it was decoded.
        self.arrived = 0.0
        # The server's output is read all the time, as an editor reads it: a client that only
        # reads between its writes deadlocks with the server when both write more than a pipe
        # holds (a 1 MB change one way, 3.5 MB of diagnostics the other).
        self.messages: queue.Queue[tuple[float, bytes]] = queue.Queue()
        threading.Thread(target=self._read_all, daemon=True).start()

    def _read_all(self) -> None:
        buffer = b""
        fd = self.proc.stdout.fileno()
        while chunk := os.read(fd, 1 << 20):
            buffer += chunk
            while True:
                head, sep, rest = buffer.partition(b"\r\n\r\n")
                if not sep:
                    break
                length = int(head.split(b":")[1])
                if len(rest) < length:
                    break
                self.messages.put((time.monotonic(), rest[:length]))
                buffer = rest[length:]

    def send(self, message: dict) -> None:
        self.send_framed(frame({"jsonrpc": "2.0", **message}))

    def send_framed(self, framed: bytes) -> None:
        self.proc.stdin.write(framed)
        self.proc.stdin.flush()

    def read(self, timeout: float) -> dict:
        try:
            self.arrived, body = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("no message from the server") from None
        return json.loads(body)

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read(60)
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def wait_diagnostics(self, uri: str, version: int) -> dict:
        while True:
            message = self.read(120)
            params = message.get("params", {})
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri \
                    and params.get("version") == version:
                return params

    def close(self) -> None:
        self.request("shutdown", None)
        self.send({"method": "exit"})
        self.proc.wait(timeout=30)


def corpus_text(corpus: Path, min_bytes: int, max_lines: int | None) -> str:
    parts: list[str] = []
    size = 0
    for path in sorted(corpus.rglob("*.yaml")):
        text = path.read_text(errors="replace")
        if "{{" in text:  # Helm templates are not manifests.
            continue
        if max_lines is None and size + len(text) > min_bytes:
            continue  # Too big to fit: a later, smaller file fills the stream closer to the size.
        parts.append(text.rstrip("\n") + "\n")
        size += len(parts[-1])
        if max_lines is not None and sum(p.count("\n") for p in parts) >= max_lines:
            break
        if size >= min_bytes * 0.98:
            break
    text = "---\n".join(parts)
    if max_lines is not None:
        text = "\n".join(text.split("\n")[:max_lines]) + "\n"
    return text


def measure(server: Server, name: str, text: str, changes: int) -> None:
    uri = f"file:///tmp/akslint-bench/{name}.yaml"
    start = time.monotonic()
    server.send({"method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
    published = server.wait_diagnostics(uri, 1)
    open_ms = (time.monotonic() - start) * 1000
    times = []
    decoded = []
    for version in range(2, changes + 2):
        changed = text + f"# edit {version}\n"
        framed = frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                        "params": {"textDocument": {"uri": uri, "version": version},
                                   "contentChanges": [{"text": changed}]}})
        start = time.monotonic()
        server.send_framed(framed)
        server.wait_diagnostics(uri, version)
        times.append((server.arrived - start) * 1000)
        decoded.append((time.monotonic() - start) * 1000)
    # Typing: 20 changes 30 ms apart; only the last version's findings matter to the user.
    last = changes + 1 + 20
    for version in range(changes + 2, last + 1):
        if version > changes + 2:
            time.sleep(0.03)
        server.send({"method": "textDocument/didChange",
                     "params": {"textDocument": {"uri": uri, "version": version},
                                "contentChanges": [{"text": text + f"# typing {version}\n"}]}})
        start = time.monotonic()
    server.wait_diagnostics(uri, last)
    burst_ms = (server.arrived - start) * 1000
    print(f"{name}: {text.count(chr(10))} lines, {len(text.encode()) / 1e6:.2f} MB, "
          f"{len(published['diagnostics'])} findings; open {open_ms:.0f} ms; didChange->publish "
          f"median {statistics.median(times):.1f} ms ({statistics.median(decoded):.1f}), "
          f"max {max(times):.1f} ms ({max(decoded):.1f}) over {changes} changes; "
          f"after a burst of 20 keystrokes 30 ms apart, last keystroke->publish {burst_ms:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--akslint", default="target/debug/akslint")
    parser.add_argument("--corpus", default="/work/shared/corpus/k8s", type=Path)
    parser.add_argument("--changes", default=10, type=int)
    args = parser.parse_args()
    server = Server(args.akslint)
    server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    server.send({"method": "initialized", "params": {}})
    measure(server, "300-lines", corpus_text(args.corpus, 1 << 30, 300), args.changes)
    measure(server, "1mb-stream", corpus_text(args.corpus, 1 << 20, None), args.changes)
    server.close()


if __name__ == "__main__":
    main()
