// `shoebox bench search`: exact and approximate vector search on generated clustered data.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

#include "base/file_io.h"
#include "model/tensor/compute_pool.h"
#include "tools/cli/cli_common.h"
#include "vectors/flat_index.h"
#include "vectors/hnsw_index.h"
#include "vectors/synthetic.h"

namespace shoebox::cli {
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

void RegisterBenchSearch(CLI::App* bench, GlobalOptions& g, int& exit_code) {
  struct Args {
    int64_t n = 200000, dim = 512, clusters = 2000, queries = 50;
    int64_t ann_n = 0;  // 0: same as n
    vectors::HnswParams hnsw;
    bool no_ann = false, json = false;
    std::string dump;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      bench->add_subcommand("search", "Vector search speed on generated clustered vectors");
  cmd->add_option("--n", args->n, "Vectors")->capture_default_str();
  cmd->add_option("--dim", args->dim, "Dimensions")->capture_default_str();
  cmd->add_option("--clusters", args->clusters, "Clusters in the generated data")
      ->capture_default_str();
  cmd->add_option("--queries", args->queries, "Queries timed")->capture_default_str();
  cmd->add_option("--ann-n", args->ann_n, "Vectors for the approximate index (default: --n)");
  cmd->add_option("--m", args->hnsw.m, "HNSW links per node")->capture_default_str();
  cmd->add_option("--ef", args->hnsw.ef_search, "HNSW search breadth")->capture_default_str();
  cmd->add_flag("--no-ann", args->no_ann, "Exact search only");
  cmd->add_option("--dump", args->dump,
                  "Also write the generated vectors to this file (float32 rows: max(n, ann-n) "
                  "vectors, then the "
                  "queries) for the peers in bench/peers/ann_peers.py");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([&exit_code, args] {
    const int64_t n = std::max<int64_t>(args->n, args->ann_n), dim = args->dim;
    auto all = vectors::ClusteredVectors(n + args->queries, dim, args->clusters, 7);
    const float* queries = all.data() + n * dim;
    if (!args->dump.empty()) {
      Status st = WriteFileAtomic(args->dump, reinterpret_cast<const uint8_t*>(all.data()),
                                  all.size() * sizeof(float));
      if (!st.ok()) {
        exit_code = Fail(st);
        return;
      }
    }
    vectors::FlatIndex f32(all.data(), args->n, dim),
        f16(all.data(), args->n, dim, vectors::Storage::kFloat16);
    nlohmann::json j = {
        {"n", args->n}, {"dim", dim}, {"clusters", args->clusters}, {"queries", args->queries}};
    // One core, as the peers run; then every core of the compute pool, as queries run.
    auto& pool = ops::ComputePool::Get();
    const int threads = pool.threads();
    pool.SetThreads(1);
    j["exact_ms"] =
        MsPerQuery(args->queries, [&](int64_t q) { (void)f32.Search(queries + q * dim, 20); });
    j["exact_f16_ms"] =
        MsPerQuery(args->queries, [&](int64_t q) { (void)f16.Search(queries + q * dim, 20); });
    pool.SetThreads(threads);
    j["threads"] = threads;
    j["exact_ms_all_threads"] =
        MsPerQuery(args->queries, [&](int64_t q) { (void)f32.Search(queries + q * dim, 20); });
    j["exact_f16_ms_all_threads"] =
        MsPerQuery(args->queries, [&](int64_t q) { (void)f16.Search(queries + q * dim, 20); });
    if (!args->no_ann) {
      const int64_t ann_n = args->ann_n > 0 ? args->ann_n : args->n;
      const int64_t rss0 = ResidentBytes();
      auto start = std::chrono::steady_clock::now();
      auto ann = vectors::HnswIndex::Build(all.data(), nullptr, ann_n, dim, args->hnsw);
      if (!ann.ok()) {
        exit_code = Fail(ann.status());
        return;
      }
      j["ann_build_s"] = Seconds(start);
      j["ann_memory_mb"] = static_cast<double>(ResidentBytes() - rss0) / (1 << 20);
      j["ann_n"] = ann_n;
      j["ann_threads"] = ops::ComputePool::Get().threads();
      j["ann_ms"] = MsPerQuery(args->queries,
                               [&](int64_t q) { (void)(*ann)->Search(queries + q * dim, 10); });
      vectors::FlatIndex truth(all.data(), ann_n, dim);
      double found = 0;
      for (int64_t q = 0; q < args->queries; ++q) {
        std::set<int64_t> want;
        for (const auto& h : truth.Search(queries + q * dim, 10)) want.insert(h.row);
        for (const auto& h : (*ann)->Search(queries + q * dim, 10)) found += want.count(h.row);
      }
      j["ann_recall10"] = found / (10.0 * static_cast<double>(args->queries));
      j["ann_m"] = args->hnsw.m;
      j["ann_ef"] = args->hnsw.ef_search;
    }
    if (args->json) {
      std::printf("%s\n", Dump(j).c_str());
    } else {
      for (auto& [k, v] : j.items()) std::printf("%-14s %s\n", k.c_str(), Dump(v).c_str());
    }
  });
}

}  // namespace shoebox::cli
