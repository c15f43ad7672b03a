#include "vectors/index_files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "catalog_test_access.h"
#include "test_util.h"
#include "vectors/hnsw_index.h"
#include "vectors/model_index.h"
#include "vectors/synthetic.h"

namespace shoebox::vectors {
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
    EmbeddingStore store = cat->Embeddings();
    model = {0, "fp", "test", "loc", "clip", kDim, 1, 0};
    auto id = store.EnsureModel(model, 1);
    EXPECT_TRUE(id.ok());
    model.id = *id;
  }
  // Adds n assets with vectors (and one failed embedding, which must not count).
  void Add(int64_t n, uint64_t seed) {
    auto rows = ClusteredVectors(n, kDim, 4, seed);
    EmbeddingStore store = cat->Embeddings();
    auto source = cat->EnsureSource("folder", (tmp / "photos").string(), 1);
    ASSERT_TRUE(source.ok());
    std::vector<EmbeddingRow> batch;
    for (int64_t i = 0; i <= n; ++i) {
      AssetRecord a;
      a.hash = std::to_string(next_asset) + std::string(30, 'a');
      a.size = 1;
      a.format = "jpeg";
      auto id = cat->InsertAsset(a, 1);
      ASSERT_TRUE(id.ok());
      FileRecord f;  // searches answer only photos with a file
      f.source_id = *source;
      f.path = (tmp / "photos" / (std::to_string(next_asset) + ".jpg")).string();
      f.size = 1;
      f.asset_id = *id;
      ASSERT_TRUE(cat->UpsertFile(f).ok());
      ++next_asset;
      EmbeddingRow r;
      r.asset_id = *id;
      if (i < n)
        r.vector.assign(rows.begin() + i * kDim, rows.begin() + (i + 1) * kDim);
      else
        r.error = "could not decode";
      batch.push_back(r);
    }
    ASSERT_TRUE(store.Put(model.id, batch).ok());
  }
  std::filesystem::path file() const { return VectorFilePath(cat->path(), model.id); }
};

std::vector<int64_t> Ranking(ModelIndex& s, const std::vector<float>& q) {
  std::vector<int64_t> ids;
  auto hits = s.flat().Search(q.data(), 1000);
  for (const auto& h : hits) ids.push_back(s.ids()[static_cast<size_t>(h.row)]);
  return ids;
}

TEST(VectorFile, WrittenOnFirstOpenAndMappedAfterwards) {
  Fixture f;
  f.Add(50, 1);
  auto s = ModelIndex::Open(f.cat.get(), f.model);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->ids().size(), 50u);
  auto m = MapVectorFile(f.file(), kDim);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->count, 50);
  EmbeddingStore store = f.cat->Embeddings();
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
  EmbeddingStore store = f.cat->Embeddings();
  EXPECT_NE(MapVectorFile(f.file(), kDim)->version, *store.Version(f.model.id))
      << "stale after new vectors";
  auto s = ModelIndex::Open(f.cat.get(), f.model);
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
  ASSERT_TRUE(CatalogDb(*f.cat).Exec("DELETE FROM embeddings WHERE asset_id IN (3, 7)").ok());
  auto s = ModelIndex::Open(f.cat.get(), f.model);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->ids().size(), 28u);
  for (int64_t id : (*s)->ids()) EXPECT_TRUE(id != 3 && id != 7);
  EXPECT_EQ(MapVectorFile(f.file(), kDim)->count, 28);
}

TEST(VectorFile, DamagedFilesAreIgnoredAndReplaced) {
  Fixture f;
  f.Add(30, 1);
  auto fresh = ModelIndex::Open(f.cat.get(), f.model);
  const auto q = ClusteredVectors(1, kDim, 1, 9);
  const auto want = Ranking(**fresh, q);
  const std::string good = shoebox::testing::ReadFile(f.file());
  // Truncated, garbage, empty; a file of the first format (no checksum), and one of this
  // format for another version of the catalog (empty).
  for (const std::string& bad :
       {good.substr(0, good.size() - 5), good.substr(0, 20), std::string("garbage"), std::string(),
        "SBXVEC01" + good.substr(8, 4) + std::string(52, '\0'),
        "SBXVEC02" + good.substr(8, 4) + std::string(52, '\0')}) {
    shoebox::testing::WriteFile(f.file(), bad);
    if (bad.size() != 64) EXPECT_FALSE(MapVectorFile(f.file(), kDim).ok()) << bad.size();
    auto s = ModelIndex::Open(f.cat.get(), f.model);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(Ranking(**s, q), want);
    EXPECT_TRUE(MapVectorFile(f.file(), kDim).ok()) << "rewritten";
  }
  EXPECT_FALSE(MapVectorFile(f.file(), kDim + 1).ok()) << "another dimension is refused";
}

TEST(VectorFile, NotWrittenWhenPersistIsOff) {
  Fixture f;
  f.Add(10, 1);
  auto s = ModelIndex::Open(f.cat.get(), f.model, Storage::kFloat16, ModelIndex::Graph::kUseIfFresh,
                            /*persist=*/false);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->ids().size(), 10u);
  EXPECT_FALSE(std::filesystem::exists(f.file()));
}

// Bytes of a file overwritten at random (a bad disk, a power cut): 40 seeded trials, each
// changing 8 bytes anywhere in the file, header included.
std::string Damage(std::string bytes, std::mt19937_64& rng) {
  for (int i = 0; i < 8; ++i) {
    const size_t at = rng() % bytes.size();
    bytes[at] = static_cast<char>(bytes[at] ^ (1 + rng() % 255));
  }
  return bytes;
}

// The top n through whatever the index uses for an unfiltered query (graph or exact scan).
std::vector<int64_t> TopIds(ModelIndex& s, const std::vector<float>& q, int64_t n) {
  auto hits = s.Nearest(q.data(), n, LabelFilter::All());
  EXPECT_TRUE(hits.ok()) << hits.status().ToString();
  std::vector<int64_t> ids;
  if (hits.ok())
    for (const auto& h : *hits) ids.push_back(h.label);
  return ids;
}

TEST(VectorFile, RandomDamageIsDetectedAndNeverChangesResults) {
  Fixture f;
  f.Add(300, 3);
  auto fresh = ModelIndex::Open(f.cat.get(), f.model);
  ASSERT_TRUE(fresh.ok());
  const auto q = ClusteredVectors(1, kDim, 1, 11);
  const auto want = TopIds(**fresh, q, 5);
  ASSERT_EQ(want.size(), 5u);
  const std::string good = shoebox::testing::ReadFile(f.file());
  std::mt19937_64 rng(20261202);
  int wrong = 0;
  for (int trial = 0; trial < 40; ++trial) {
    shoebox::testing::WriteFile(f.file(), Damage(good, rng));
    FileProblem problem;
    EXPECT_FALSE(MapVectorFile(f.file(), kDim, &problem).ok()) << "trial " << trial;
    EXPECT_NE(problem, FileProblem::kNone);
    auto health = CheckIndexHealth(f.cat.get(), f.model);
    ASSERT_TRUE(health.ok());
    if (problem == FileProblem::kDamaged) EXPECT_FALSE(health->damage.empty()) << "status says so";
    auto s = ModelIndex::Open(f.cat.get(), f.model);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    wrong += TopIds(**s, q, 5) != want;
    EXPECT_TRUE(MapVectorFile(f.file(), kDim).ok()) << "rewritten from the catalog";
  }
  EXPECT_EQ(wrong, 0);
}

// The HNSW graph and its id file damaged at random: never a crash, never a wrong answer. A
// search that may build uses a rebuilt graph; a server (kUseIfFresh) scans exactly meanwhile.
TEST(HnswFiles, RandomDamageIsDetectedNeverCrashesAndNeverChangesResults) {
  Fixture f;
  f.Add(2000, 4);
  EmbeddingStore store = f.cat->Embeddings();
  ASSERT_TRUE(store.SetIndexRecipe(f.model.id, "hnsw,M=8,efc=100,ef=300").ok());
  f.model.index_recipe = "hnsw,M=8,efc=100,ef=300";
  auto fresh = ModelIndex::Open(f.cat.get(), f.model);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->graph());
  const auto graph = GraphFilePath(f.cat->path(), f.model.id),
             ids = GraphIdsPath(f.cat->path(), f.model.id);
  const std::string good_graph = shoebox::testing::ReadFile(graph),
                    good_ids = shoebox::testing::ReadFile(ids);
  ASSERT_TRUE(ValidateHnswGraph(reinterpret_cast<const uint8_t*>(good_graph.data()),
                                good_graph.size(), kDim)
                  .ok());
  std::vector<std::vector<float>> queries;
  for (int i = 0; i < 5; ++i) queries.push_back(ClusteredVectors(1, kDim, 1, 100 + i));
  std::vector<std::vector<int64_t>> want;  // exact answers
  for (const auto& q : queries) {
    std::vector<int64_t> top;
    for (const auto& h : (*fresh)->flat().Search(q.data(), 5))
      top.push_back((*fresh)->ids()[h.row]);
    EXPECT_EQ(TopIds(**fresh, q, 5), top) << "the graph finds the exact answers";
    want.push_back(top);
  }
  std::mt19937_64 rng(77);
  int wrong = 0, accepted_unchecked = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const bool graph_file = trial % 4 != 3;  // mostly the graph, sometimes its id file
    const std::string damaged = Damage(graph_file ? good_graph : good_ids, rng);
    shoebox::testing::WriteFile(graph_file ? graph : ids, damaged);
    if (graph_file) {
      // Without the checksum, the structural check alone must keep hnswlib safe.
      auto* bytes = reinterpret_cast<const uint8_t*>(damaged.data());
      if (ValidateHnswGraph(bytes, damaged.size(), kDim).ok()) {
        ++accepted_unchecked;
        auto unchecked = HnswIndex::Load(graph, kDim, {}, nullptr);
        ASSERT_TRUE(unchecked.ok());
        for (const auto& q : queries) (void)(*unchecked)->Search(q.data(), 5);
      }
    }
    auto health = CheckIndexHealth(f.cat.get(), f.model);
    ASSERT_TRUE(health.ok());
    EXPECT_EQ(health->graph, GraphHealth::kDamaged) << "trial " << trial;
    // The server's way: not used, exact scans, same answers.
    auto server = ModelIndex::Open(f.cat.get(), f.model, Storage::kFloat16,
                                   ModelIndex::Graph::kUseIfFresh, false);
    ASSERT_TRUE(server.ok());
    EXPECT_FALSE((*server)->graph());
    EXPECT_FALSE((*server)->graph_report().damage.empty());
    for (size_t i = 0; i < queries.size(); ++i) wrong += TopIds(**server, queries[i], 5) != want[i];
    // The CLI's way: rebuilt, fresh again afterwards.
    auto cli = ModelIndex::Open(f.cat.get(), f.model);
    ASSERT_TRUE(cli.ok());
    EXPECT_EQ((*cli)->graph_report().state, GraphState::kRebuilt);
    for (size_t i = 0; i < queries.size(); ++i) wrong += TopIds(**cli, queries[i], 5) != want[i];
    EXPECT_EQ(CheckIndexHealth(f.cat.get(), f.model)->graph, GraphHealth::kFresh);
    shoebox::testing::WriteFile(graph, good_graph);
    shoebox::testing::WriteFile(ids, good_ids);
  }
  EXPECT_EQ(wrong, 0);
  std::printf(
      "graph damage: %d of 30 damaged graphs passed the structural check alone (and were safe)\n",
      accepted_unchecked);
}

// The fuzz target's seeds (fuzz/corpus/index_files/) are these three files, written when
// SHOEBOX_INDEX_FILES_SEED names a folder; each must read back as written.
TEST(IndexFiles, ASmallGraphAndItsFilesReadBackAsWritten) {
  TempDir tmp;
  const auto rows = ClusteredVectors(40, kDim, 4, 5);
  std::vector<int64_t> ids(40);
  for (int64_t i = 0; i < 40; ++i) ids[i] = 3 * i + 1;
  auto graph = HnswIndex::Build(rows.data(), ids.data(), 40, kDim,
                                {.m = 4, .ef_construction = 20, .ef_search = 16});
  ASSERT_TRUE(graph.ok());
  ASSERT_TRUE((*graph)->Save(tmp / "graph.hnsw").ok());
  const std::string bytes = shoebox::testing::ReadFile(tmp / "graph.hnsw");
  EXPECT_TRUE(
      ValidateHnswGraph(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), kDim).ok());
  EXPECT_EQ((*graph)->Labels(), ids);
  ASSERT_TRUE(
      WriteVectorFile(tmp / "vectors", {40, 0, 0, 118}, kDim, ids.data(), rows.data(), 40).ok());
  auto v = MapVectorFile(tmp / "vectors", kDim);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(std::vector<int64_t>(v->ids, v->ids + v->count), ids);
  ASSERT_TRUE(WriteGraphIds(tmp / "graph.ids", {118, bytes.size(), 7, ids}).ok());
  auto g = ReadGraphIds(tmp / "graph.ids");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->ids, ids);
  EXPECT_EQ(g->graph_size, bytes.size());
  if (const char* seed = std::getenv("SHOEBOX_INDEX_FILES_SEED")) {
    for (const char* name : {"graph.hnsw", "vectors", "graph.ids"})
      std::filesystem::copy_file(tmp / name, std::filesystem::path(seed) / name,
                                 std::filesystem::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace shoebox::vectors
