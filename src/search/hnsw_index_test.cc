#include "search/hnsw_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "search/synthetic.h"

namespace shoebox::search {
namespace {

double RecallAt10(const FlatIndex& exact, const HnswIndex& ann, const std::vector<float>& queries, int64_t dim) {
  const int64_t nq = static_cast<int64_t>(queries.size()) / dim;
  double found = 0;
  for (int64_t q = 0; q < nq; ++q) {
    std::set<int64_t> truth;
    for (const auto& h : exact.Search(queries.data() + q * dim, 10)) truth.insert(h.row);
    for (const auto& h : ann.Search(queries.data() + q * dim, 10)) found += truth.count(h.row);
  }
  return found / (10.0 * nq);
}

// The bar is recall@10 >= 0.97 against exact search on clustered vectors; this is a
// 10,000-vector version of the 100,000 one in bench/ (kept small for the test's time).
TEST(HnswIndex, RecallOnClusteredVectorsAndSaveLoad) {
  const int64_t n = 10000, dim = 128;
  auto rows = ClusteredVectors(n, dim, 400, 1);
  auto queries = ClusteredVectors(200, dim, 400, 1 + 1000);  // other draws, same generator shape
  // Same centres: regenerate with the data's seed and take fresh points from the tail.
  auto more = ClusteredVectors(n + 200, dim, 400, 1);
  queries.assign(more.begin() + n * dim, more.end());
  FlatIndex exact(rows.data(), n, dim);
  auto ann = HnswIndex::Build(rows.data(), n, dim, {.m = 16, .ef_construction = 100, .ef_search = 64});
  ASSERT_TRUE(ann.ok()) << ann.status().ToString();
  EXPECT_EQ((*ann)->size(), n);
  const double recall = RecallAt10(exact, **ann, queries, dim);
  EXPECT_GE(recall, 0.97) << "recall@10";
  auto file = std::filesystem::temp_directory_path() / ("hnsw_" + std::to_string(getpid()) + ".bin");
  ASSERT_TRUE((*ann)->Save(file).ok());
  auto loaded = HnswIndex::Load(file, dim, {.ef_search = 64});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(RecallAt10(exact, **loaded, queries, dim), recall);
  std::filesystem::remove(file);
  // A damaged file is an error, not a crash.
  { std::ofstream(file) << "not an index"; }
  EXPECT_FALSE(HnswIndex::Load(file, dim, {}).ok());
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace shoebox::search
