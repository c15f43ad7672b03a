#!/usr/bin/env bash
# The desktop app: install, build shoebox-app, start it. On its first run it asks which folders
# and libraries to keep searchable (offering the Apple Photos, Lightroom, Capture One and
# Takeout libraries it finds, with their photo counts) and offers the model's download; from
# then on it keeps them current as files change. Same catalog as the CLI and `serve`.
# Usage: scripts/app.sh [shoebox-app options: --catalog PATH, --no-watch]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/build.sh" release shoebox-app >&2
exec "$here/build/release/app/shoebox-app" "$@"
