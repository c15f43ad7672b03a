#!/usr/bin/env bash
# Embedding speed: shoebox (build/release/bench/embed, the same as `shoebox bench embed`) vs
# PyTorch (float32 and bf16 autocast) and ONNX Runtime, same machine, same run, same
# architectures (random weights in the shapes of bench/configs/).
# Installs the peers on first use: Debian's python3-torch (+ the OpenMP OpenBLAS and
# tcmalloc it needs to be at its best here) and onnxruntime-node from npm.
# usage: bench/embed.sh [CONFIG.json ...]   (THREADS=2 SECONDS_PER_RUN=3 ROUNDS=1 by default; BF16_PEER=0 skips
# the PyTorch bf16 peer, which needs minutes per batch without bf16 hardware)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${THREADS:-2}"
seconds="${SECONDS_PER_RUN:-3}"
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(bench/configs/openai-clip-vit-base-patch32.json bench/configs/google-siglip-base-patch16-224.json)

if ! /usr/bin/python3 -c "import torch, onnx" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 ] \
   || [ ! -d /usr/lib/x86_64-linux-gnu/openblas-openmp ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-onnx libopenblas0-openmp \
    libtcmalloc-minimal4 >&2
fi
peers="${XDG_CACHE_HOME:-$HOME/.cache}/shoebox-bench"
mkdir -p "$peers"
if [ ! -d "$peers/node_modules/onnxruntime-node" ]; then
  # --ignore-scripts: the install script only fetches GPU libraries (from nuget.org); the CPU one ships in the package.
  (cd "$peers" && [ -f package.json ] || echo '{}' > "$peers/package.json"; cd "$peers" && npm install --silent --ignore-scripts onnxruntime-node@1 >&2)
fi
scripts/build.sh release >&2

bench_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
torch_env=("${bench_env[@]}" LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
           LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 OMP_NUM_THREADS="$threads")
for config in "${configs[@]}"; do
  name=$(basename "$config" .json)
  echo "== $name, $threads threads"
  onnx="$peers/onnx-$name"
  if [ ! -f "$onnx/text.onnx" ]; then (cd bench/peers && /usr/bin/python3 export_onnx.py "../../$config" "$onnx" 2>/dev/null); fi
  read -r size len < <(/usr/bin/python3 -c "import sys; sys.path.insert(0, 'bench/peers'); from towers import load_config; c = load_config('$config'); print(c['vision']['image_size'], c['text']['max_position_embeddings'])")
  # ROUNDS > 1: the engines take turns, round after round, and the summary takes each one's
  # median: this VM's speed drifts over minutes, which one pass in turn cannot tell apart.
  ours='['; pt='['; ort='['
  for round in $(seq "${ROUNDS:-1}"); do
    sep=$([ "$round" = 1 ] || echo ,)
    # float32 (each product on the backend measured fastest), then int8 and bf16 beside it
    # (bf16 says "unavailable on this CPU" without native bf16); one object per round.
    o8=$("${bench_env[@]}" build/release/bench/embed --config "$config" --threads "$threads" --seconds "$seconds" --precision int8)
    echo "shoebox      $o8"
    o16=$("${bench_env[@]}" build/release/bench/embed --config "$config" --threads "$threads" --seconds "$seconds" --precision bf16)
    echo "shoebox-bf16 $o16"
    o=$(/usr/bin/python3 -c 'import json, sys; a = json.loads(sys.argv[1]); b = json.loads(sys.argv[2]); a.update({k: v for k, v in b.items() if "bf16" in k}); print(json.dumps(a))' "$o8" "$o16")
    p=$(cd bench/peers && "${torch_env[@]}" /usr/bin/python3 torch_embed.py "../../$config" "$threads" "$seconds")
    echo "pytorch      $p"
    r=$("${bench_env[@]}" NODE_PATH="$peers/node_modules" node bench/peers/ort_embed.js "$onnx" "$size" "$len" "$threads" "$seconds")
    echo "onnxruntime  $r"
    ours+="$sep$o"; pt+="$sep$p"; ort+="$sep$r"
  done
  ours+=']'; pt+=']'; ort+=']'
  ptbf='[{}]'
  if [ "$name" = openai-clip-vit-base-patch32 ] && [ "${BF16_PEER:-1}" = 1 ]; then  # the issue's bf16 target is for ViT-B/32
    ptbf=$(cd bench/peers && "${torch_env[@]}" /usr/bin/python3 torch_embed.py "../../$config" "$threads" "$seconds" bf16)
    echo "pytorch-bf16 $ptbf"
    ptbf="[$ptbf]"
  fi
  /usr/bin/python3 - "$ours" "$pt" "$ptbf" "$ort" <<'PY'
import json, statistics, sys
runs = [json.loads(a) for a in sys.argv[1:]]  # per engine: one result per round


def median(results):
    keys = {k for r in results for k, v in r.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    pick = lambda k: min if "_cosine" in k else statistics.median  # worst cosine of all rounds
    return {k: pick(k)([r[k] for r in results if k in r]) for k in keys}


ours, pt, ptbf, ort = (median(r) for r in runs)
if len(runs[0]) > 1:
    print(f"(medians of {len(runs[0])} rounds)")
for mode in ("", "_int8", "_bf16"):
    for key in ("image_per_s_b1", "image_per_s_b8", "image_per_s_b32", "text_per_s_b1", "text_per_s_b32"):
        if key + mode not in ours:
            continue
        cells = [f"{key + mode:21s} shoebox {ours[key + mode]:7.2f}"]
        for name, peer in (("pytorch", pt), ("onnxruntime", ort), ("pytorch-bf16", ptbf)):
            if key in peer:
                cells.append(f"{name} {peer[key]:7.2f} (x{ours[key + mode] / peer[key]:.2f})")
        print("   ".join(cells))
for key in ("int8_cosine_image_min", "int8_cosine_text_min", "bf16_cosine_image_min", "bf16_cosine_text_min"):
    if key in ours:
        print(f"{key:21s} {ours[key]:.6f}")
PY
done
