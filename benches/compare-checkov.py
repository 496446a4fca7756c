#!/usr/bin/env python3
"""Side-by-side comparison of akslint's K8S rules with checkov's equivalent Kubernetes checks.

For each pair of equivalent checks it lists the objects (file, kind, name) that only checkov
flags and those that only akslint flags, so each difference can be explained: a false negative
of ours to fix, or a false positive of theirs.

checkov is not a project dependency; install it in a scratch virtualenv:

    python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov
    cargo build --release -p akslint
    python3 benches/compare-checkov.py --checkov /tmp/checkov-venv/bin/checkov \\
        --akslint target/release/akslint ../shared/corpus/k8s

`--checkov-json FILE` reuses a saved `checkov -o json` run (checkov takes minutes on the corpus).
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict

# akslint code -> the checkov ids that check the same thing (from the catalogue's anchors).
PAIRS: dict[str, list[str]] = {
    "K8S101": ["CKV_K8S_16"],
    "K8S102": ["CKV_K8S_20"],
    "K8S103": ["CKV_K8S_23"],
    "K8S104": ["CKV_K8S_37"],
    "K8S105": ["CKV_K8S_39"],
    "K8S106": ["CKV_K8S_25"],
    "K8S107": ["CKV_K8S_19"],
    "K8S108": ["CKV_K8S_17"],
    "K8S109": ["CKV_K8S_18"],
    "K8S111": ["CKV_K8S_27"],
    "K8S112": ["CKV_K8S_26"],
    "K8S114": ["CKV_K8S_31"],
    "K8S122": ["CKV_K8S_22"],
    "K8S201": ["CKV_K8S_14"],
    "K8S202": ["CKV_K8S_43"],
    "K8S301": ["CKV_K8S_13"],
    "K8S302": ["CKV_K8S_10"],
    "K8S401": ["CKV_K8S_38"],
    "K8S402": ["CKV_K8S_41"],
    "K8S404": ["CKV_K8S_35"],
    "K8S503": ["CKV_K8S_49"],
    "K8S506": ["CKV_K8S_157", "CKV_K8S_158"],
    "K8S606": ["CKV2_K8S_6"],
    "K8S607": ["CKV_K8S_152", "CKV_K8S_153", "CKV_K8S_154"],
    "K8S702": ["CKV_K8S_21"],
}

# Kinds whose pod template checkov reads: the comparison is about workloads' objects.
Key = tuple[str, str, str]  # (path relative to the corpus, kind, name)


def run_checkov(checkov: str, corpus: str) -> tuple[list[dict], float]:
    started = time.monotonic()
    checks = sorted({c for ids in PAIRS.values() for c in ids})
    out = subprocess.run(
        [checkov, "-d", corpus, "--framework", "kubernetes", "-o", "json", "--quiet",
         "--compact", "--check", ",".join(checks)],
        capture_output=True, text=True, check=False,
    )
    elapsed = time.monotonic() - started
    return parse_checkov(out.stdout), elapsed


def parse_checkov(text: str) -> list[dict]:
    data = json.loads(text) if text.strip() else []
    reports = data if isinstance(data, list) else [data]
    failed = []
    for report in reports:
        failed.extend(report.get("results", {}).get("failed_checks", []))
    return failed


def checkov_key(result: dict) -> Key:
    path = result["file_path"].lstrip("/")
    kind, _, rest = result["resource"].partition(".")
    # `Kind.namespace.name`; namespaces are DNS labels (no dots), names may contain dots.
    _, _, name = rest.partition(".")
    return (path, kind, name)


def run_akslint(akslint: str, corpus: str) -> tuple[list[dict], float]:
    started = time.monotonic()
    out = subprocess.run(
        [akslint, "check", ".", "--select", "all", "--output-format", "json"],
        capture_output=True, text=True, check=False, cwd=corpus,
    )
    elapsed = time.monotonic() - started
    if out.returncode not in (0, 1):
        sys.exit(f"akslint failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout), elapsed


def akslint_key(finding: dict) -> Key | None:
    obj = finding.get("object")
    if not obj:
        return None
    path = os.path.normpath(finding["path"])
    return (path, obj.get("kind") or "", obj.get("name") or "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--checkov", default="checkov")
    parser.add_argument("--checkov-json", help="a saved `checkov -o json` output to reuse")
    parser.add_argument("--akslint", default="target/release/akslint")
    parser.add_argument("--examples", type=int, default=5, help="examples listed per difference")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    akslint = os.path.abspath(args.akslint)

    if args.checkov_json:
        with open(args.checkov_json, encoding="utf-8") as handle:
            checkov_failed, checkov_time = parse_checkov(handle.read()), None
    else:
        checkov_failed, checkov_time = run_checkov(args.checkov, corpus)
    findings, akslint_time = run_akslint(akslint, corpus)

    theirs: dict[str, set[Key]] = defaultdict(set)
    for result in checkov_failed:
        theirs[result["check_id"]].add(checkov_key(result))
    # checkov invents a name for objects without `metadata.name`; akslint leaves it empty. Match
    # such objects by file and kind when that is unambiguous.
    names_by_file_kind: dict[tuple[str, str], set[str]] = defaultdict(set)
    for keys in theirs.values():
        for path, kind, name in keys:
            names_by_file_kind[(path, kind)].add(name)
    ours: dict[str, set[Key]] = defaultdict(set)
    for finding in findings:
        key = akslint_key(finding)
        if key is None:
            continue
        path, kind, name = key
        candidates = names_by_file_kind.get((path, kind), set())
        if not name and len(candidates) == 1:
            key = (path, kind, next(iter(candidates)))
        ours[finding["code"]].add(key)

    print("| akslint | checkov | both | checkov only | akslint only |")
    print("|---|---|---|---|---|")
    details = []
    for code, ids in PAIRS.items():
        checkov_objects = set().union(*(theirs[i] for i in ids))
        akslint_objects = ours[code]
        only_theirs = sorted(checkov_objects - akslint_objects)
        only_ours = sorted(akslint_objects - checkov_objects)
        both = len(checkov_objects & akslint_objects)
        print(f"| {code} | {', '.join(ids)} | {both} | {len(only_theirs)} | {len(only_ours)} |")
        for label, keys in (("checkov only", only_theirs), ("akslint only", only_ours)):
            if keys:
                details.append(f"\n{code} vs {', '.join(ids)}: {label} ({len(keys)})")
                details.extend(f"  {path}: {kind} {name}" for path, kind, name in keys[: args.examples])
    print("\n".join(details))
    timing = f"akslint {akslint_time:.2f} s"
    if checkov_time is not None:
        timing += f", checkov {checkov_time:.1f} s"
    print(f"\nwall time on {corpus}: {timing}")


if __name__ == "__main__":
    main()
