#include "vectors/search_benchmark.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>

#include "base/file_io.h"
#include "engine/tensor/compute_pool.h"
#include "vectors/flat_index.h"
#include "vectors/synthetic.h"

namespace shoebox::vectors {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Milliseconds per query over the queries, one thread.
template <typename Fn>
double MsPerQuery(int64_t nq, Fn fn) {
  fn(0);  // warm the caches and pages
  auto start = std::chrono::steady_clock::now();
  for (int64_t q = 0; q < nq; ++q) fn(q);
  return Seconds(start) * 1000.0 / static_cast<double>(nq);
}

// Resident set size now (Linux), for the graph's memory.
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

}  // namespace

Result<nlohmann::json> RunSearchBenchmark(const SearchBenchmarkOptions& o) {
  const int64_t n = std::max<int64_t>(o.n, o.ann_n), dim = o.dim;
  auto all = ClusteredVectors(n + o.queries, dim, o.clusters, 7);
  const float* queries = all.data() + n * dim;
  if (!o.dump.empty()) {
    Status st = WriteFileAtomic(o.dump, reinterpret_cast<const uint8_t*>(all.data()),
                                all.size() * sizeof(float));
    if (!st.ok()) return st;
  }
  FlatIndex f32(all.data(), o.n, dim), f16(all.data(), o.n, dim, Storage::kFloat16);
  nlohmann::json j = {{"n", o.n}, {"dim", dim}, {"clusters", o.clusters}, {"queries", o.queries}};
  // One core, as the peers run; then every core of the compute pool, as queries run.
  auto& pool = ops::ComputePool::Get();
  const int threads = pool.threads();
  pool.SetThreads(1);
  j["exact_ms"] =
      MsPerQuery(o.queries, [&](int64_t q) { (void)f32.Search(queries + q * dim, 20); });
  j["exact_f16_ms"] =
      MsPerQuery(o.queries, [&](int64_t q) { (void)f16.Search(queries + q * dim, 20); });
  pool.SetThreads(threads);
  j["threads"] = threads;
  j["exact_ms_all_threads"] =
      MsPerQuery(o.queries, [&](int64_t q) { (void)f32.Search(queries + q * dim, 20); });
  j["exact_f16_ms_all_threads"] =
      MsPerQuery(o.queries, [&](int64_t q) { (void)f16.Search(queries + q * dim, 20); });
  if (!o.no_ann) {
    const int64_t ann_n = o.ann_n > 0 ? o.ann_n : o.n;
    const int64_t rss0 = ResidentBytes();
    auto start = std::chrono::steady_clock::now();
    auto ann = HnswIndex::Build(all.data(), nullptr, ann_n, dim, o.hnsw);
    if (!ann.ok()) return ann.status();
    j["ann_build_s"] = Seconds(start);
    j["ann_memory_mb"] = static_cast<double>(ResidentBytes() - rss0) / (1 << 20);
    j["ann_n"] = ann_n;
    j["ann_threads"] = ops::ComputePool::Get().threads();
    j["ann_ms"] =
        MsPerQuery(o.queries, [&](int64_t q) { (void)(*ann)->Search(queries + q * dim, 10); });
    FlatIndex truth(all.data(), ann_n, dim);
    double found = 0;
    for (int64_t q = 0; q < o.queries; ++q) {
      std::set<int64_t> want;
      for (const auto& h : truth.Search(queries + q * dim, 10)) want.insert(h.row);
      for (const auto& h : (*ann)->Search(queries + q * dim, 10)) found += want.count(h.row);
    }
    j["ann_recall10"] = found / (10.0 * static_cast<double>(o.queries));
    j["ann_m"] = o.hnsw.m;
    j["ann_ef"] = o.hnsw.ef_search;
  }
  return j;
}

}  // namespace shoebox::vectors
