#!/usr/bin/env bash
# Vector search against its peers on the same generated vectors, in the same run:
#   exact:  `shoebox bench search` float32/float16 scans vs FAISS IndexFlatIP (one query and
#           batches of 100) and numpy (peers/numpy_search.py);
#   approximate: our HNSW (hnswlib graph, our AVX2 distance, built on the compute pool) vs
#           hnswlib's Python build and FAISS IndexHNSWFlat, same M / efConstruction / efSearch:
#           build seconds, memory, ms per query (one thread), recall@10 against exact search.
# usage: bench/search.sh [N (200000)] [ANN_N (= N)] [DIM (512)]
#        SKIP_FAISS_HNSW=1 leaves out FAISS's HNSW (its build is ~7x slower than hnswlib's here).
# Installs python3-faiss / python3-hnswlib / python3-numpy from Debian on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200000}"; ann_n="${2:-$n}"; dim="${3:-512}"
queries="${QUERIES:-100}"; threads="${THREADS:-$(nproc)}"; m="${M:-32}"; ef="${EF:-128}"
if ! /usr/bin/python3 -c "import faiss, hnswlib, numpy" 2>/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-faiss python3-hnswlib python3-numpy >&2
fi
scripts/build.sh release >&2
dump="$(mktemp -d)/vectors.f32"
trap 'rm -rf "$(dirname "$dump")"' EXIT
ours=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/release/shoebox bench search --n "$n" --ann-n "$ann_n" \
  --dim "$dim" --queries "$queries" --m "$m" --ef "$ef" --dump "$dump" --json)
echo "shoebox: $ours"
numpy=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/numpy_search.py "$n" "$dim" 20)
echo "numpy:   $numpy"
peers=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/ann_peers.py "$dump" "$n" "$ann_n" \
  "$dim" "$queries" "$threads" "$m" "$ef" ${SKIP_FAISS_HNSW:+--skip-faiss-hnsw})
echo "peers:   $peers"
/usr/bin/python3 - "$ours" "$numpy" "$peers" <<'PY'
import json, sys
o, n, p = (json.loads(a) for a in sys.argv[1:4])
print(f"exact float32, one query, one thread: shoebox {o['exact_ms']:.1f} ms, FAISS IndexFlatIP {p['faiss_flat_ms']:.1f} ms "
      f"(x{p['faiss_flat_ms'] / o['exact_ms']:.2f}; batches of 100: {p['faiss_flat_batch_ms_per_query']:.2f} ms/query), "
      f"numpy {n['exact_ms']:.1f} ms (x{n['exact_ms'] / o['exact_ms']:.2f}); float16 {o['exact_f16_ms']:.1f} ms")
if "ann_ms" in o:
    print(f"HNSW {o['ann_n']} vectors, M={o['ann_m']} ef={o['ann_ef']}: shoebox build {o['ann_build_s']:.0f} s, "
          f"{o['ann_memory_mb']:.0f} MB, {o['ann_ms']:.2f} ms/query, recall@10 {o['ann_recall10']:.3f}; "
          f"hnswlib build {p['hnswlib_build_s']:.0f} s, {p['hnswlib_memory_mb']:.0f} MB, {p['hnswlib_ms']:.2f} ms/query, "
          f"recall@10 {p['hnswlib_recall10']:.3f}")
    if "faiss_hnsw_ms" in p:
        print(f"  FAISS IndexHNSWFlat build {p['faiss_hnsw_build_s']:.0f} s, {p['faiss_hnsw_memory_mb']:.0f} MB, "
              f"{p['faiss_hnsw_ms']:.2f} ms/query, recall@10 {p['faiss_hnsw_recall10']:.3f}")
PY
