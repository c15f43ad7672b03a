#!/usr/bin/env bash
# The main job: install, build, and index FOLDER (default: the sample photos that ship in
# tests/data/sample-photos). The catalog lives in ~/.local/share/shoebox, thumbnails in
# ~/.cache/shoebox; the photos themselves are only ever read.
# Usage: scripts/run.sh [FOLDER] [extra `shoebox index` options]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/build.sh" release >&2
folder="${1:-$here/tests/data/sample-photos}"
shift || true
"$here/build/shoebox" index "$folder" "$@"
"$here/build/shoebox" status
echo
echo "Next: build/shoebox ls | info PATH | errors | thumb ID --out t.jpg  (the web UI is not built yet)"
