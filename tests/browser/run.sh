#!/usr/bin/env bash
# Browser tests of the web UI: installs Debian's chromium and playwright-core from npm when
# missing, indexes the shared corpus with the tiny golden CLIP model into a private home,
# starts `shoebox serve` on a free port and runs ui_test.mjs against it.
# Then, when WEB_LOAD is given, the load test: 50 clients for 20 s on the same server, no errors.
# Usage: tests/browser/run.sh SHOEBOX_BINARY WORK_DIR [WEB_LOAD]   (screenshots: tests/artifacts/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
bin="$(realpath "$1")"
work="$(realpath -m "$2")"
corpus="${SHOEBOX_CORPUS:-$src/../shared/corpus}"
golden="${SHOEBOX_GOLDEN:-$src/tests/data/golden}"
artifacts="$src/tests/artifacts"

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "browser tests: installing ${need[*]}" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2 \
    || { $SUDO apt-get update -q >&2 && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2; }
fi

# playwright-core beside a copy of the test, so that node resolves it.
deps="$work/deps"
mkdir -p "$deps"
cp "$here/package.json" "$here/ui_test.mjs" "$deps/"
if [ ! -d "$deps/node_modules/playwright-core" ] || ! cmp -s "$here/package.json" "$deps/.installed"; then
  (cd "$deps" && npm install --no-audit --no-fund --loglevel=error >&2) && cp "$here/package.json" "$deps/.installed"
fi

home="$work/home"
rm -rf "$home"
mkdir -p "$home/model"
for f in config.json model.safetensors preprocessor_config.json; do cp "$golden/clip/tiny-b32/$f" "$home/model/"; done
for f in "$golden/clip/tokenizer/"*; do case "$f" in *.jsonl) ;; *) cp "$f" "$home/model/" ;; esac; done
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache"
unset SHOEBOX_DB
# The corpus, and memes, screenshots and signs for the text-in-photos checks.
"$bin" -q index --model "$home/model" "$corpus/photos" "$src/tests/data/text-photos"

# The URL a `shoebox serve --port 0` writing to log $1 listens at, once it does (10 s at most).
served_at() {
  local u=""
  for _ in $(seq 100); do
    u="$(grep -Eo 'http://127\.0\.0\.1:[0-9]+/' "$1" | head -1 || true)"
    [ -n "$u" ] && { echo "$u"; return 0; }
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$1" >&2
  return 1
}

log="$work/serve.log"
: > "$log"
"$bin" serve --port 0 > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
url="$(served_at "$log")"
# Ready when the vectors and the model are loaded.
for _ in $(seq 200); do
  curl -fsS "${url}api/status" 2>/dev/null | grep -q '"model":{[^}]*"state":"ready"' && break
  sleep 0.1
done
# A copy from outside the library of a library photo, dropped onto the page.
cp "$corpus/photos/duplicates/coffee cropped.jpg" "$work/dropped.jpg"
# A second server for the first-run checks: a home with no catalog and no model, and a
# stand-in for the Hugging Face Hub (loopback, slowed to ~4 MB/s so that the page's download
# progress can be seen) that serves the tiny model as clip-vit-b32's repo.
first="$work/first-run"
rm -rf "$first" "$work/hub"
mkdir -p "$first" "$work/hub/openai/clip-vit-base-patch32"
cp "$home/model/"* "$work/hub/openai/clip-vit-base-patch32/"
MOCK_HUB_RATE=4000000 python3 -u "$src/tests/e2e/mock_hub.py" "$work/hub" > "$work/hub.port" &
hub=$!
trap 'kill $server $hub 2>/dev/null; wait $server $hub 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$work/hub.port" ] && break; sleep 0.1; done
flog="$work/first-run.log"
HOME="$first" XDG_DATA_HOME="$first/data" XDG_CACHE_HOME="$first/cache" \
  SHOEBOX_HF_ENDPOINT="http://127.0.0.1:$(head -1 "$work/hub.port")" "$bin" serve --port 0 > "$flog" 2>&1 &
first_server=$!
trap 'kill $server $hub $first_server 2>/dev/null; wait $server $hub $first_server 2>/dev/null' EXIT
first_url="$(served_at "$flog")"
# A third server for the video checks: three clips and a motion photo (tests/data/make_videos.sh),
# kept apart so the corpus library's counts and rankings stay as they are.
vhome="$work/video-home"
rm -rf "$vhome" "$work/videos" "$work/video-clips"
"$src/tests/data/make_videos.sh" "$work/video-clips" "$corpus/photos"
mkdir -p "$work/videos"
cp "$work/video-clips/scenes.mp4" "$work/video-clips/clip.webm" "$work/video-clips/clip.avi" \
  "$work/video-clips/motion.jpg" "$work/videos/"
vlog="$work/video.log"
HOME="$vhome" XDG_DATA_HOME="$vhome/data" XDG_CACHE_HOME="$vhome/cache" \
  "$bin" -q index --model "$home/model" "$work/videos"
HOME="$vhome" XDG_DATA_HOME="$vhome/data" XDG_CACHE_HOME="$vhome/cache" \
  "$bin" serve --port 0 > "$vlog" 2>&1 &
video_server=$!
trap 'kill $server $hub $first_server $video_server 2>/dev/null; wait $server $hub $first_server $video_server 2>/dev/null' EXIT
video_url="$(served_at "$vlog")"
VIDEO_URL="$video_url" FIRST_RUN_URL="$first_url" FIRST_RUN_HOME="$first" SHOEBOX_BIN="$bin" TEXT_PHOTOS="$src/tests/data/text-photos" \
  TAKEOUT="$corpus/libraries/google-takeout/immich-go-gophers/Takeout" BAD_FILES="$corpus/bad" \
  node "$deps/ui_test.mjs" "$url" "$artifacts" "$work/dropped.jpg"
if [ $# -ge 3 ]; then
  port="$(echo "$url" | grep -Eo '[0-9]+/$' | tr -d /)"
  echo "load test: ${LOAD_CLIENTS:-50} clients, ${LOAD_SECONDS:-20} s, search + thumbnails"
  "$3" "$port" --clients "${LOAD_CLIENTS:-50}" --seconds "${LOAD_SECONDS:-20}"
fi
