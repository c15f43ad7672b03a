// Exact and approximate vector search on generated clustered vectors (synthetic.h): what
// `shoebox bench search` prints and bench/search.sh sets beside FAISS and hnswlib.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "vectors/hnsw_index.h"

namespace shoebox::vectors {

struct SearchBenchmarkOptions {
  int64_t n = 200000, dim = 512, clusters = 2000, queries = 50;
  int64_t ann_n = 0;  // vectors in the graph; 0: n
  HnswParams hnsw;
  bool no_ann = false;  // exact search only
  // Also write the generated vectors here (float32 rows: max(n, ann_n) vectors, then the
  // queries) for the peers in bench/peers/ann_peers.py.
  std::string dump;
};

// One JSON object: exact_ms / exact_f16_ms (one thread, top-20) and *_all_threads; unless
// no_ann, ann_build_s, ann_memory_mb, ann_ms (top-10) and ann_recall10 against the exact scan.
Result<nlohmann::json> RunSearchBenchmark(const SearchBenchmarkOptions& options);

}  // namespace shoebox::vectors
