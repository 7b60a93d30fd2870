#!/bin/sh
# Runs one libFuzzer target for a short while (meson test suite 'fuzz' with
# -Dfuzzing=true). New inputs and crash artifacts go to SCRATCH (in the build
# dir), never into the committed seed corpus.
# usage: run-smoke.sh TARGET SEED_DIR SCRATCH_DIR SECONDS
set -eu
target=$1 seeds=$2 scratch=$3 seconds=$4
mkdir -p "$scratch"
exec "$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$scratch/" "$scratch" "$seeds"
