"""FAISS (Debian's python3-faiss) and hnswlib (python3-hnswlib) on exactly the vectors that
`shoebox bench search --dump FILE` generated: exact search with FAISS IndexFlatIP (one query,
and batches of 100), and the approximate indexes at the same settings as ours (M, efConstruction
200, efSearch EF): build seconds on THREADS threads, memory, ms per query on one thread,
recall@10 against exact search.
usage: ann_peers.py FILE N ANN_N DIM QUERIES THREADS M EF [--skip-faiss-hnsw]"""
import json
import sys
import time

import faiss
import hnswlib
import numpy as np

path = sys.argv[1]
n, ann_n, dim, nq, threads, m, ef = (int(a) for a in sys.argv[2:9])
skip_faiss_hnsw = "--skip-faiss-hnsw" in sys.argv
total = max(n, ann_n)
x = np.fromfile(path, dtype=np.float32).reshape(-1, dim)
assert x.shape[0] == total + nq, f"{path} holds {x.shape[0]} rows, expected {total + nq}"
rows, ann_rows, queries = x[:n], x[:ann_n], np.ascontiguousarray(x[total:total + nq])


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def ms_per_query(fn):
    fn(queries[0:1])  # warm
    t0 = time.perf_counter()
    for i in range(nq):
        fn(queries[i:i + 1])
    return (time.perf_counter() - t0) * 1000 / nq


out = {"faiss_version": faiss.__version__, "hnswlib_version": "0.6.2", "n": n, "ann_n": ann_n, "dim": dim}
faiss.omp_set_num_threads(1)
flat = faiss.IndexFlatIP(dim)
flat.add(rows)
out["faiss_flat_ms"] = ms_per_query(lambda q: flat.search(q, 20))
batch = queries[:min(100, nq)]
t0 = time.perf_counter()
flat.search(batch, 20)
out["faiss_flat_batch_ms_per_query"] = (time.perf_counter() - t0) * 1000 / len(batch)
truth_index = flat if ann_n == n else faiss.IndexFlatIP(dim)
if truth_index is not flat:
    truth_index.add(ann_rows)
_, truth = truth_index.search(queries, 10)
del flat, truth_index


def recall(found):
    return float(np.mean([len(set(found[i]) & set(truth[i])) / 10 for i in range(nq)]))


r0 = rss_mb()
h = hnswlib.Index(space="ip", dim=dim)
h.init_index(max_elements=ann_n, M=m, ef_construction=200)
h.set_num_threads(threads)
t0 = time.perf_counter()
h.add_items(ann_rows, np.arange(ann_n))
out["hnswlib_build_s"] = time.perf_counter() - t0
out["hnswlib_memory_mb"] = rss_mb() - r0
h.set_ef(ef)
h.set_num_threads(1)
out["hnswlib_ms"] = ms_per_query(lambda q: h.knn_query(q, k=10))
out["hnswlib_recall10"] = recall(h.knn_query(queries, k=10)[0])
del h

if not skip_faiss_hnsw:
    faiss.omp_set_num_threads(threads)
    r0 = rss_mb()
    fh = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
    fh.hnsw.efConstruction = 200
    t0 = time.perf_counter()
    fh.add(ann_rows)
    out["faiss_hnsw_build_s"] = time.perf_counter() - t0
    out["faiss_hnsw_memory_mb"] = rss_mb() - r0
    fh.hnsw.efSearch = ef
    faiss.omp_set_num_threads(1)
    out["faiss_hnsw_ms"] = ms_per_query(lambda q: fh.search(q, 10))
    out["faiss_hnsw_recall10"] = recall(fh.search(queries, 10)[1])
print(json.dumps(out))
