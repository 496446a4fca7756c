#!/usr/bin/env bash
# Measures `akslint check` on the shared corpus with a release build: wall time, CPU time and
# peak memory over several runs, on 1 and on all threads. Not part of .ci/run.
#   bash benches/corpus-throughput.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
corpus=../shared/corpus
cargo build --release -q -p akslint
bin=target/release/akslint
bytes=$(find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.bicep' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$( ("$bin" check "$corpus" --output-format concise || true) | grep -E " checked" | tail -1 | sed -E 's/.* of ([0-9]+) checked.*/\1/')
echo "corpus: $files files linted, $bytes bytes of YAML/JSON/Bicep"
for threads in 1 "$(nproc)"; do
  for _ in $(seq "$runs"); do
    RAYON_NUM_THREADS=$threads /usr/bin/time -f "%e %U %S %M" "$bin" check "$corpus" --output-format concise >/dev/null 2>>/tmp/akslint-bench.$$ || true
  done
  grep -E '^[0-9]' /tmp/akslint-bench.$$ | sort -n | awk -v t="$threads" -v b="$bytes" -v f="$files" '
    { wall[NR]=$1; cpu[NR]=$2+$3; rss[NR]=$4 }
    END { m=wall[int((NR+1)/2)]; if (m == 0) m = 0.005;
          printf "threads=%s median wall %.3f s, cpu %.3f s, peak RSS %d KB: %.0f files/s, %.1f MB/s\n",
                 t, m, cpu[int((NR+1)/2)], rss[int((NR+1)/2)], f/m, b/m/1e6 }'
  rm -f /tmp/akslint-bench.$$
done
