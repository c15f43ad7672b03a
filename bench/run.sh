#!/usr/bin/env bash
# Runs the foundation benchmarks with their peers. OpenBLAS pinning variables are unset as
# on users' machines (they do not matter here yet, but keep every bench command alike).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >&2
corpus="${SHOEBOX_CORPUS:-../shared/corpus}"
B=build/release/bench
echo "== 100,000-photo library: first index, then re-scans (targets: rescan >= 50,000 files/s, RSS < 300 MB)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $B/library_bench "${LIBRARY_FILES:-100000}"
echo "== first index of camera JPEGs vs djpeg -scale 1/8 (targets: cpu ratio <= 1.5, scaling >= 1.6)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE COPIES="${COPIES:-8}" $B/index_bench \
  "$corpus/photos/big/Kodak PIXPRO FZ201.jpg" "$corpus/photos/big/Oppo R7 Plus.jpg" \
  "$corpus/photos/phones/Apple iPhone 5.jpg"
echo "== index with embeddings (random ViT-B/32) vs perfect overlap of decode and encode (target: ratio >= 0.85)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $B/index_embed_bench --copies "${EMBED_COPIES:-24}" \
  "$corpus/photos/big/Kodak PIXPRO FZ201.jpg" "$corpus/photos/big/Oppo R7 Plus.jpg"
echo "== OCR vs the tesseract command line (target >= 2x), and index with OCR vs --no-ocr (target <= 1.15x)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE SHOEBOX_CORPUS="$corpus" $B/ocr_bench --rounds "${OCR_ROUNDS:-3}"
echo "== a 60 s 1080p video catalogued and its 8 frames made ready vs ffmpeg -ss (targets: <= 1.5 s CPU, >= 1.0x)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE SHOEBOX_CORPUS="$corpus" $B/video_bench --rounds "${VIDEO_ROUNDS:-3}"
echo "== serve at 200,000 assets: start-up, text / semantic / hybrid queries (text p50 <= 20 ms; hybrid <= text + semantic + 5 ms)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $B/serve_bench
