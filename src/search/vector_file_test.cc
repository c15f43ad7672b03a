#include "search/vector_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "search/searcher.h"
#include "search/synthetic.h"
#include "test_util.h"

namespace shoebox::search {
namespace {

using shoebox::testing::TempDir;

constexpr int64_t kDim = 16;

struct Fixture {
  TempDir tmp;
  std::unique_ptr<Catalog> cat;
  ModelRecord model;
  int64_t next_asset = 1;

  Fixture() {
    auto c = Catalog::Open(tmp / "catalog.db", true);
    EXPECT_TRUE(c.ok());
    cat = std::move(*c);
    EmbeddingStore store(&cat->db());
    model = {0, "fp", "test", "loc", "clip", kDim, 1, 0};
    auto id = store.EnsureModel(model, 1);
    EXPECT_TRUE(id.ok());
    model.id = *id;
  }
  // Adds n assets with vectors (and one failed embedding, which must not count).
  void Add(int64_t n, uint64_t seed) {
    auto rows = ClusteredVectors(n, kDim, 4, seed);
    EmbeddingStore store(&cat->db());
    std::vector<EmbeddingRow> batch;
    for (int64_t i = 0; i <= n; ++i) {
      AssetRecord a;
      a.hash = std::to_string(next_asset) + std::string(30, 'a');
      a.size = 1;
      a.format = "jpeg";
      auto id = cat->InsertAsset(a, 1);
      ASSERT_TRUE(id.ok());
      ++next_asset;
      EmbeddingRow r;
      r.asset_id = *id;
      if (i < n) r.vector.assign(rows.begin() + i * kDim, rows.begin() + (i + 1) * kDim);
      else r.error = "could not decode";
      batch.push_back(r);
    }
    ASSERT_TRUE(store.Put(model.id, batch).ok());
  }
  std::filesystem::path file() const { return cat->path().string() + ".model-" + std::to_string(model.id) + ".vectors"; }
};

std::vector<int64_t> Ranking(Searcher& s, const std::vector<float>& q) {
  SearchOptions o;
  o.n = 1000;
  std::vector<int64_t> ids;
  auto hits = s.index().Search(q.data(), o.n);
  for (const auto& h : hits) ids.push_back(s.ids()[static_cast<size_t>(h.row)]);
  return ids;
}

TEST(VectorFile, WrittenOnFirstOpenAndMappedAfterwards) {
  Fixture f;
  f.Add(50, 1);
  auto s = Searcher::Open(f.cat.get(), f.model);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->ids().size(), 50u);
  auto m = MapVectorFile(f.file(), kDim);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->count, 50);
  EmbeddingStore store(&f.cat->db());
  EXPECT_EQ(m->version, *store.Version(f.model.id));
  // The mapped rows are the catalog's vectors, bit for bit.
  auto set = store.Load(f.model.id);
  ASSERT_EQ(set->data.size(), static_cast<size_t>(50 * kDim));
  EXPECT_EQ(0, std::memcmp(m->rows, set->data.data(), set->data.size() * sizeof(float)));
  EXPECT_EQ(0, std::memcmp(m->ids, set->ids.data(), set->ids.size() * sizeof(int64_t)));
}

TEST(VectorFile, ExtendedWhenNewerAssetsAreEmbedded) {
  Fixture f;
  f.Add(40, 1);
  ASSERT_TRUE(UpdateVectorFile(f.cat.get(), f.model).ok());
  f.Add(25, 2);
  EmbeddingStore store(&f.cat->db());
  EXPECT_NE(MapVectorFile(f.file(), kDim)->version, *store.Version(f.model.id)) << "stale after new vectors";
  auto s = Searcher::Open(f.cat.get(), f.model);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->ids().size(), 65u);
  auto m = MapVectorFile(f.file(), kDim);
  EXPECT_EQ(m->count, 65);
  EXPECT_EQ(m->version, *store.Version(f.model.id));
  auto set = store.Load(f.model.id);
  EXPECT_EQ(0, std::memcmp(m->rows, set->data.data(), set->data.size() * sizeof(float)));
}

TEST(VectorFile, RewrittenWhenAssetsDisappear) {
  Fixture f;
  f.Add(30, 1);
  ASSERT_TRUE(UpdateVectorFile(f.cat.get(), f.model).ok());
  ASSERT_TRUE(f.cat->db().Exec("DELETE FROM embeddings WHERE asset_id IN (3, 7)").ok());
  auto s = Searcher::Open(f.cat.get(), f.model);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->ids().size(), 28u);
  for (int64_t id : (*s)->ids()) EXPECT_TRUE(id != 3 && id != 7);
  EXPECT_EQ(MapVectorFile(f.file(), kDim)->count, 28);
}

TEST(VectorFile, DamagedFilesAreIgnoredAndReplaced) {
  Fixture f;
  f.Add(30, 1);
  auto fresh = Searcher::Open(f.cat.get(), f.model);
  const auto q = ClusteredVectors(1, kDim, 1, 9);
  const auto want = Ranking(**fresh, q);
  const std::string good = shoebox::testing::ReadFile(f.file());
  // Truncated, garbage, empty; and a well-formed file of the wrong version (empty).
  for (const std::string& bad : {good.substr(0, good.size() - 5), good.substr(0, 20), std::string("garbage"),
                                 std::string(), "SBXVEC01" + good.substr(8, 4) + std::string(52, '\0')}) {
    shoebox::testing::WriteFile(f.file(), bad);
    if (bad.size() != 64) EXPECT_FALSE(MapVectorFile(f.file(), kDim).ok()) << bad.size();
    auto s = Searcher::Open(f.cat.get(), f.model);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(Ranking(**s, q), want);
    EXPECT_TRUE(MapVectorFile(f.file(), kDim).ok()) << "rewritten";
  }
  EXPECT_FALSE(MapVectorFile(f.file(), kDim + 1).ok()) << "another dimension is refused";
}

TEST(VectorFile, NotWrittenWhenPersistIsOff) {
  Fixture f;
  f.Add(10, 1);
  auto s = Searcher::Open(f.cat.get(), f.model, Storage::kFloat16, Searcher::Ann::kUseIfFresh, /*persist=*/false);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->ids().size(), 10u);
  EXPECT_FALSE(std::filesystem::exists(f.file()));
}

}  // namespace
}  // namespace shoebox::search
