#!/usr/bin/env bash
# Installs dependencies if missing, then builds build/shoebox (release, with tests).
# Usage: scripts/build.sh [release|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
preset="${1:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
# The documented binary path.
if [ "$preset" = release ]; then ln -sfn release/shoebox build/shoebox; fi
