#!/usr/bin/env bash
# Reports how much of the ARM corpus (../shared/corpus/arm) akslint evaluates: templates,
# nested inline templates, resources, managed clusters, node pools, cluster diagnostic
# settings, and how many of the cluster and pool properties the AKS rules read are known,
# unknown (only known during deployment) or absent. Set ARM_CORPUS_DEBUG=1 to list every
# unknown lookup with its expression. Not part of .ci/run.
#   bash benches/arm-corpus-stats.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -q -p akslint_model --test arm_corpus -- --nocapture 2>&1 |
  grep -vE '^(running|test |$)|test result'
