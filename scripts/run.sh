#!/usr/bin/env bash
# The main job: install, build, fetch the default model (SHOEBOX_MODEL, else
# siglip-b16-256-i18n) if it is missing and the Hub is reachable, index and embed FOLDER
# (default: the sample photos that ship in tests/data/sample-photos, and the memes, screenshots
# and signs of tests/data/text-photos, whose words search finds), then serve the web app on
# http://127.0.0.1:${SHOEBOX_PORT:-8080}/ until Ctrl-C. Offline without the
# model, it says so, catalogs without embeddings and explains where to put the model files;
# search then answers from the words in the photos and their names.
# The catalog lives in ~/.local/share/shoebox, thumbnails and models in ~/.cache/shoebox; the
# photos themselves are only ever read.
# Usage: scripts/run.sh [FOLDER] [extra `shoebox index` options]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/build.sh" release shoebox >&2  # the binary only: no tests or benchmarks
if [ $# -gt 0 ]; then
  folders=("$1")
  shift
else
  folders=("$here/tests/data/sample-photos" "$here/tests/data/text-photos")
fi
model="${SHOEBOX_MODEL:-siglip-b16-256-i18n}"
downloaded=$("$here/build/shoebox" models list --json | python3 -c \
  "import json, sys; print(any(m['downloaded'] for m in json.load(sys.stdin) if sys.argv[1] in (m['name'], m['repo'])))" "$model")
if [ "$downloaded" != True ] && [ ! -d "$model" ]; then
  "$here/build/shoebox" models pull "$model" || echo "shoebox: could not download $model (offline?); indexing without embeddings for now" >&2
fi
"$here/build/shoebox" index "${folders[@]}" "$@"
"$here/build/shoebox" status
echo
echo "Also from the command line: build/shoebox search \"a dog on the beach\" | search \"walk into mordor\" | similar PATH | dupes | ls | info PATH"
exec "$here/build/shoebox" serve --port "${SHOEBOX_PORT:-8080}"
