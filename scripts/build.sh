#!/usr/bin/env bash
# Installs dependencies if missing, then builds build/shoebox (release, with tests).
# Usage: scripts/build.sh [release|asan|fuzz] [TARGET...]   (targets: only those, e.g. shoebox)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
preset="${1:-release}"
shift || true
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" "${targets[@]}"
# The documented binary path.
if [ "$preset" = release ]; then
  ln -sfn release/shoebox build/shoebox
  ln -sfn release/app/shoebox-app build/shoebox-app
fi
