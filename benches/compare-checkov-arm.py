#!/usr/bin/env python3
"""Side-by-side comparison of akslint's AKS rules with checkov's equivalent ARM checks.

For each pair of equivalent checks it lists the resources (file, resource type, resource name)
that only checkov flags and those that only akslint flags, so each difference can be explained:
a false negative of ours to fix, or a false positive of theirs (checkov does not evaluate
expressions, fails absent properties that have a safe service default, looks only at the first
node pool, and has no private-cluster exemption; see ../shared/research/aks-anchors.md §3).

checkov is not a project dependency; install it in a scratch virtualenv:

    python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov
    cargo build -p akslint
    python3 benches/compare-checkov-arm.py --checkov /tmp/checkov-venv/bin/checkov \\
        --akslint target/debug/akslint ../shared/corpus/arm

`--checkov-json FILE` reuses a saved run of
`checkov -d CORPUS --framework arm -o json --quiet --compact` (about a minute on the corpus);
`--save-checkov-json FILE` saves the run this script makes. An akslint code that is not
implemented yet, or has no findings, simply shows zeros in its akslint columns.

Resources are keyed by the last segment of their type (`managedclusters`, `agentpools`) and
their name. checkov names a resource by its `name` with parameter defaults and variables pasted
in as text (`[format('aks-{0}', stest)]`); akslint by the evaluated name, or the name's
expression when it cannot be evaluated. A checkov name that akslint does not use is matched to
the akslint name of the same file and type that contains all of its literal fragments, or to
the only unmatched akslint name there. Findings akslint reports on a cluster's
`agentPoolProfiles` are keyed by the cluster, as checkov's are.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

# akslint code -> the checkov ARM ids that check the same thing (from the catalogue's anchors).
PAIRS: dict[str, list[str]] = {
    "AKS101": ["CKV_AZURE_6"],
    "AKS107": ["CKV_AZURE_141"],
    "AKS108": ["CKV_AZURE_5"],
    "AKS201": ["CKV_AZURE_7"],
    "AKS208": ["CKV_AZURE_8"],
    "AKS302": ["CKV_AZURE_171"],
    "AKS401": ["CKV_AZURE_4"],
    "AKS502": ["CKV_AZURE_172"],
    "AKS505": ["CKV_AZURE_227"],
}

Key = tuple[str, str, str]  # (path relative to the corpus, type's last segment lowercased, name)

# `Microsoft.ContainerService/managedClusters.<name>`: the type is a dotted namespace with
# `/`-separated segments (or a bare child type such as `agentPools`); the name is the rest and
# may contain dots and slashes.
CHECKOV_RESOURCE = re.compile(r"^([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+)+|[A-Za-z0-9]+)\.(.*)$", re.S)


def run_checkov(checkov: str, corpus: str) -> tuple[str, float]:
    started = time.monotonic()
    out = subprocess.run(
        [checkov, "-d", corpus, "--framework", "arm", "-o", "json", "--quiet", "--compact"],
        capture_output=True, text=True, check=False,
    )
    elapsed = time.monotonic() - started
    if not out.stdout.strip():
        sys.exit(f"checkov printed nothing ({out.returncode}): {out.stderr[-2000:]}")
    return out.stdout, elapsed


def parse_checkov(text: str) -> list[dict]:
    data = json.loads(text) if text.strip() else []
    reports = data if isinstance(data, list) else [data]
    failed = []
    for report in reports:
        if report.get("check_type", "arm") != "arm":
            continue
        failed.extend(report.get("results", {}).get("failed_checks", []))
    return failed


def type_key(resource_type: str) -> str:
    return resource_type.rsplit("/", 1)[-1].lower()


def checkov_key(result: dict) -> Key:
    path = os.path.normpath(result["file_path"].lstrip("/"))
    match = CHECKOV_RESOURCE.match(result["resource"])
    if match is None:
        return (path, "", result["resource"])
    return (path, type_key(match.group(1)), match.group(2))


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
    if not obj or "/" not in (obj.get("kind") or ""):
        return None  # not an ARM resource (Kubernetes objects, template-level findings)
    path = os.path.normpath(finding["path"])
    return (path, type_key(obj["kind"]), obj.get("name") or "")


def fragments(name: str) -> list[str]:
    """The literal parts of a name as checkov writes it: the name itself when it is a literal;
    for an expression its string literals (split at `{0}` placeholders) and the bare words
    checkov pasted in for parameters and variables, leaving out parameter and variable names."""
    if not (name.startswith("[") and name.endswith("]")):
        return [name]
    inner = re.sub(r"\b(?:parameters|variables)\s*\(\s*'[^']*'\s*\)", " ", name[1:-1])
    pieces = []
    for literal in re.findall(r"'([^']*)'", inner):
        pieces.extend(p for p in re.split(r"\{\d+\}", literal) if p)
    bare = re.sub(r"'[^']*'", " ", inner)
    for word in re.finditer(r"[A-Za-z_][\w-]*", bare):
        if not bare[word.end():].lstrip().startswith("("):  # a function name is not a value
            pieces.append(word.group())
    return [p.lower() for p in pieces if p.strip(" /-_")]


def build_name_map(theirs: set[Key], ours: set[Key]) -> dict[Key, Key]:
    """Maps each checkov key to the akslint key of the same resource, when one can be found."""
    ours_by_file: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path, kind, name in ours:
        ours_by_file[(path, kind)].add(name)
    theirs_by_file: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path, kind, name in theirs:
        theirs_by_file[(path, kind)].add(name)
    mapping: dict[Key, Key] = {}
    for (path, kind), names in theirs_by_file.items():
        candidates = ours_by_file.get((path, kind), set())
        unmatched_ours = candidates - names
        unmatched_theirs = sorted(n for n in names if n not in candidates)
        for name in names:
            if name in candidates:
                mapping[(path, kind, name)] = (path, kind, name)
        for name in unmatched_theirs:
            parts = fragments(name)
            fitting = [c for c in unmatched_ours if parts and all(p in c.lower() for p in parts)]
            if len(fitting) == 1:
                mapping[(path, kind, name)] = (path, kind, fitting[0])
                unmatched_ours.discard(fitting[0])
        left = [n for n in unmatched_theirs if (path, kind, n) not in mapping]
        if len(left) == 1 and len(unmatched_ours) == 1:
            mapping[(path, kind, left[0])] = (path, kind, next(iter(unmatched_ours)))
    return mapping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--checkov", default="checkov")
    parser.add_argument("--checkov-json", help="a saved `checkov --framework arm -o json` output to reuse")
    parser.add_argument("--save-checkov-json", help="save checkov's output here for --checkov-json")
    parser.add_argument("--akslint", help="the akslint binary (default: the newer of target/release/akslint and target/debug/akslint)")
    parser.add_argument("--examples", type=int, default=5, help="examples listed per difference")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    # The newer of the release and debug builds, so a stale build is not compared by mistake.
    builds = [p for p in ("target/release/akslint", "target/debug/akslint") if os.path.exists(p)]
    akslint = args.akslint or max(builds, key=os.path.getmtime, default="target/debug/akslint")
    akslint = os.path.abspath(akslint)

    if args.checkov_json:
        with open(args.checkov_json, encoding="utf-8") as handle:
            checkov_text, checkov_time = handle.read(), None
    else:
        checkov_text, checkov_time = run_checkov(args.checkov, corpus)
        if args.save_checkov_json:
            with open(args.save_checkov_json, "w", encoding="utf-8") as handle:
                handle.write(checkov_text)
    checkov_failed = parse_checkov(checkov_text)
    findings, akslint_time = run_akslint(akslint, corpus)

    theirs_raw: dict[str, set[Key]] = defaultdict(set)
    for result in checkov_failed:
        theirs_raw[result["check_id"]].add(checkov_key(result))
    ours: dict[str, set[Key]] = defaultdict(set)
    for finding in findings:
        key = akslint_key(finding)
        if key is not None:
            ours[finding["code"]].add(key)

    # Names are matched over every resource either tool reported, not only per pair, so a
    # resource flagged by one tool for one rule still teaches the mapping for the others.
    mapping = build_name_map(set().union(*theirs_raw.values()), set().union(*ours.values()))
    theirs = {check: {mapping.get(k, k) for k in keys} for check, keys in theirs_raw.items()}

    print("| akslint | checkov | both | checkov only | akslint only |")
    print("|---|---|---|---|---|")
    details = []
    for code, ids in PAIRS.items():
        checkov_objects = set().union(*(theirs.get(i, set()) for i in ids))
        akslint_objects = ours.get(code, set())
        only_theirs = sorted(checkov_objects - akslint_objects)
        only_ours = sorted(akslint_objects - checkov_objects)
        both = len(checkov_objects & akslint_objects)
        note = "" if code in ours else " (no akslint findings)"
        print(f"| {code}{note} | {', '.join(ids)} | {both} | {len(only_theirs)} | {len(only_ours)} |")
        for label, keys in (("checkov only", only_theirs), ("akslint only", only_ours)):
            if keys:
                details.append(f"\n{code} vs {', '.join(ids)}: {label} ({len(keys)})")
                details.extend(f"  {path}: {kind} {name}" for path, kind, name in keys[: args.examples])
    print("\n".join(details))
    paired = set().union(*(theirs_raw.get(i, set()) for ids in PAIRS.values() for i in ids))
    unmapped = sorted(k for k in paired if k not in mapping)
    if unmapped:
        print(f"\ncheckov resources of these checks whose akslint name is not known ({len(unmapped)}: akslint "
              f"reports nothing on them, or the name is ambiguous), first {args.examples}:")
        print("\n".join(f"  {path}: {kind} {name}" for path, kind, name in unmapped[: args.examples]))
    timing = f"akslint {akslint_time:.2f} s"
    if checkov_time is not None:
        timing += f", checkov {checkov_time:.1f} s"
    print(f"\nwall time on {corpus}: {timing}")


if __name__ == "__main__":
    main()
