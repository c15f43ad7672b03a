"""numpy peer of `shoebox bench search`'s exact search: one query = a matrix-vector product
over float32 (and float16) rows plus a top-20 partition, on the same generated data shape.
usage: numpy_search.py N DIM QUERIES"""
import json
import sys
import time

import numpy as np

n, dim, nq = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(7)
centres = rng.standard_normal((2000, dim), dtype=np.float32)
centres /= np.linalg.norm(centres, axis=1, keepdims=True)
weights = rng.random(2000) ** 2
pick = rng.choice(2000, size=n + nq, p=weights / weights.sum())
x = centres[pick] + rng.uniform(0.4, 1.2, 2000).astype(np.float32)[pick, None] * rng.standard_normal((n + nq, dim), dtype=np.float32) / np.sqrt(dim)
x /= np.linalg.norm(x, axis=1, keepdims=True)
rows, queries = np.ascontiguousarray(x[:n]), x[n:]
out = {"peer": "numpy", "version": np.__version__, "n": n, "dim": dim}
for name, m in (("exact_ms", rows), ("exact_f16_ms", rows.astype(np.float16))):
    s = m @ queries[0]
    np.argpartition(-s, 20)[:20]
    t0 = time.perf_counter()
    for q in queries:
        s = m @ (q.astype(m.dtype))
        top = np.argpartition(-s, 20)[:20]
    out[name] = (time.perf_counter() - t0) * 1000 / nq
print(json.dumps(out))
