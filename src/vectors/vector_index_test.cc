#include "vectors/vector_index.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include "vectors/synthetic.h"

namespace shoebox::vectors {
namespace {

constexpr int64_t kDim = 32;

std::vector<int64_t> LabelsOf(const Result<std::vector<Neighbor>>& hits) {
  EXPECT_TRUE(hits.ok()) << hits.status().ToString();
  std::vector<int64_t> out;
  if (hits.ok())
    for (const Neighbor& h : *hits) out.push_back(h.label);
  return out;
}

struct Both {
  std::vector<float> rows;
  std::vector<int64_t> ids;
  std::unique_ptr<VectorIndex> exact, graph;
};

// 300 clustered vectors labelled 10, 20, ... (asset ids have holes), in both kinds of index.
Both MakeBoth() {
  Both b;
  b.rows = ClusteredVectors(300, kDim, 12, 5);
  for (int64_t i = 0; i < 300; ++i) b.ids.push_back(10 * (i + 1));
  b.exact = MakeExactIndex(b.ids, b.rows.data(), kDim, Storage::kFloat32);
  IndexRecipe recipe;
  recipe.kind = IndexRecipe::Kind::kHnsw;
  recipe.hnsw = {.m = 16, .ef_construction = 200, .ef_search = 300};  // exact at this size
  auto g = BuildGraphIndex(recipe, b.rows.data(), b.ids.data(), 300, kDim);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  b.graph = std::move(*g);
  return b;
}

TEST(VectorIndex, ExactScanAndGraphAnswerTheSameCallsWithTheSameLabels) {
  Both b = MakeBoth();
  for (VectorIndex* index : {b.exact.get(), b.graph.get()}) {
    EXPECT_EQ(index->size(), 300);
    EXPECT_EQ(index->dim(), kDim);
    EXPECT_EQ(index->Labels(), b.ids);
  }
  // A stored vector finds itself first, by either route; leaving it out finds the next.
  for (int64_t row : {0, 17, 299}) {
    const float* q = b.rows.data() + row * kDim;
    const auto exact = LabelsOf(b.exact->Search(q, 5, LabelFilter::All()));
    EXPECT_EQ(exact, LabelsOf(b.graph->Search(q, 5, LabelFilter::All())));
    EXPECT_EQ(exact.front(), b.ids[static_cast<size_t>(row)]);
    const auto without = LabelsOf(b.exact->Search(q, 4, LabelFilter::AllBut(exact.front())));
    EXPECT_EQ(without, std::vector<int64_t>(exact.begin() + 1, exact.end()));
    EXPECT_EQ(without, LabelsOf(b.graph->Search(q, 4, LabelFilter::AllBut(exact.front()))));
  }
}

TEST(VectorIndex, AFilterSetIsScannedExactlyAndAGraphSaysItCannotApplyOne) {
  Both b = MakeBoth();
  const auto hits =
      LabelsOf(b.exact->Search(b.rows.data(), 10, LabelFilter::Only({2990, 30, 1500}).Exclude(30)));
  EXPECT_EQ(hits.size(), 2u);
  for (int64_t label : hits) EXPECT_TRUE(label == 2990 || label == 1500);
  auto refused = b.graph->Search(b.rows.data(), 10, LabelFilter::Only({30}));
  EXPECT_EQ(refused.status().code(), StatusCode::kUnsupported);
}

TEST(VectorIndex, AddedVectorsAreFoundAndRemovedOnesNeverReturn) {
  Both b = MakeBoth();
  const auto more = ClusteredVectors(2, kDim, 1, 99);
  const int64_t labels[] = {5000, 5010};
  for (VectorIndex* index : {b.exact.get(), b.graph.get()}) {
    ASSERT_TRUE(index->Add(more.data(), labels, 2).ok());
    ASSERT_TRUE(index->Remove(10).ok());
    EXPECT_EQ(index->size(), 301);
    EXPECT_EQ(LabelsOf(index->Search(more.data() + kDim, 1, LabelFilter::All())),
              std::vector<int64_t>{5010});
    const auto near_removed = LabelsOf(index->Search(b.rows.data(), 300, LabelFilter::All()));
    EXPECT_EQ(std::count(near_removed.begin(), near_removed.end(), 10), 0);
    // A label the index held (even a removed one) is never given to a new vector.
    EXPECT_FALSE(index->Add(more.data(), labels, 1).ok());
  }
}

TEST(VectorIndex, BothKindsSaveAndTheGraphLoadsBackChecked) {
  Both b = MakeBoth();
  testing::TempDir dir;
  const IndexFiles files = IndexFiles::For(dir / "catalog.db", 1, {300, 0, 0, 3000});
  ASSERT_TRUE(b.exact->Save(files).ok());
  ASSERT_TRUE(b.graph->Save(files).ok());
  auto mapped = MapVectorFile(files.vectors, kDim);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ(mapped->count, 300);
  IndexRecipe recipe;
  recipe.kind = IndexRecipe::Kind::kHnsw;
  FileProblem problem;
  auto loaded = LoadGraphIndex(recipe, files, kDim, &problem);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->Labels(), b.ids);
  EXPECT_EQ(LabelsOf((*loaded)->Search(b.rows.data(), 3, LabelFilter::All())),
            LabelsOf(b.graph->Search(b.rows.data(), 3, LabelFilter::All())));
  std::filesystem::remove(files.graph);
  EXPECT_FALSE(LoadGraphIndex(recipe, files, kDim, &problem).ok());
  EXPECT_EQ(problem, FileProblem::kMissing);
}

}  // namespace
}  // namespace shoebox::vectors
