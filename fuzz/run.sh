#!/usr/bin/env bash
# Runs one fuzz target: `fuzz/run.sh yaml_lint [seconds]` (default 600).
#
# The working corpus (fuzz/corpus/<target>, not committed) starts from the committed seeds and
# a sample of the shared corpus of real manifests and templates (AKSLINT_CORPUS, by default the
# worktree's sibling `shared/corpus`). Runs at low priority: the machine is shared.
set -euo pipefail
target=${1:?usage: fuzz/run.sh yaml_lint|json_lint|arm_eval|bicep_lint|fix_roundtrip [seconds]}
seconds=${2:-600}
cd "$(dirname "$0")"
case $target in
    yaml_lint) pattern='.*\.ya?ml$' dict=dicts/yaml.dict ;;
    json_lint) pattern='.*\.json$' dict=dicts/json.dict ;;
    # ARM templates only (the shared corpus's arm/ directory).
    arm_eval) pattern='.*/arm/.*\.json$' dict=dicts/arm.dict ;;
    bicep_lint) pattern='.*\.bicep(param)?$' dict=dicts/bicep.dict ;;
    # Manifests, some JSON (a leading `{` is read as JSON).
    fix_roundtrip) pattern='.*/(k8s|helm-rendered)/.*\.(ya?ml|json)$' dict=dicts/yaml.dict ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
esac
corpus=corpus/$target
mkdir -p "$corpus"
find seeds/"$target" -type f ! -name README.md -exec cp {} "$corpus"/ \;
shared=${AKSLINT_CORPUS:-../../shared/corpus}
if [ -d "$shared" ]; then
    # Small files only (the fuzzer mutates each input thousands of times); at most 400.
    find "$shared" -type f -regextype posix-extended -regex "$pattern" -size -16k \
        | sort | awk 'NR % 3 == 1 && taken++ < 400' \
        | while read -r file; do cp "$file" "$corpus/$(echo "$file" | md5sum | cut -c1-16)"; done
fi
exec nice -n 15 cargo +nightly fuzz run "$target" "$corpus" -- \
    -dict="$dict" -max_len=16384 -timeout=10 -max_total_time="$seconds" -print_final_stats=1
