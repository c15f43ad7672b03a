// Semantic indexing and search end to end with the golden tiny models: the stored vectors
// equal a fresh `shoebox embed`, `search`/`similar` return exactly the brute-force ranking over
// the stored vectors (filters applied before top-k), several models coexist, and `dupes`
// finds the corpus' near-duplicate group and nothing else.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "catalog_test_access.h"
#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

struct Library {
  std::unique_ptr<TempDir> tmp;
  std::unique_ptr<Cli> cli;
  std::filesystem::path clip, siglip, photos;
  nlohmann::json index_report;
};

// One indexed library for the whole suite (indexing is the slow part).
Library& Shared() {
  static Library lib = [] {
    Library l;
    l.tmp = std::make_unique<TempDir>();
    l.cli = std::make_unique<Cli>(l.tmp->path() / "home");
    l.clip = GoldenSnapshot(l.tmp->path(), "clip/tiny-b32", "clip/tokenizer");
    l.siglip = GoldenSnapshot(l.tmp->path(), "siglip/tiny-b16", "siglip/tokenizer");
    l.photos = std::filesystem::canonical(CorpusPath() / "photos");
    CliResult r =
        l.cli->Run({"-q", "index", "--json", "--model", l.clip.string(), l.photos.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    l.index_report = r.Json();
    r = l.cli->Run({"-q", "embed-missing", "--model", l.siglip.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return l;
  }();
  return lib;
}

struct Stored {
  VectorSet set;
  std::map<int64_t, std::string> paths;  // asset id -> a present path
};

Stored Load(const std::filesystem::path& catalog, const std::string& family) {
  auto cat = Catalog::Open(catalog, false);
  EXPECT_TRUE(cat.ok());
  EmbeddingStore store = (*cat)->Embeddings();
  Stored s;
  auto models = store.Models();  // kept alive: *store.Models() in the loop would dangle
  EXPECT_TRUE(models.ok());
  for (const auto& m : *models)
    if (m.family == family) {
      auto set = store.Load(m.id);
      EXPECT_TRUE(set.ok()) << set.status().ToString();
      if (set.ok()) s.set = std::move(*set);
    }
  auto q = CatalogDb(**cat).Prepare(
      "SELECT asset_id, MIN(path) FROM files WHERE status = 0 GROUP BY asset_id");
  Status st;
  while (q->Step(&st)) s.paths[q->Int(0)] = q->Text(1);
  return s;
}

std::vector<float> EmbedText(const Cli& cli, const std::filesystem::path& model,
                             const std::string& text) {
  // In the precision search encodes queries in (auto, as it indexed), not embed's float32.
  CliResult r =
      cli.Run({"--precision", "auto", "embed", "--model", model.string(), "--text", text});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.Json()["embedding"].get<std::vector<float>>();
}

// Asset ids best first by cosine over the stored vectors, ties by id (as the index breaks them).
std::vector<int64_t> BruteForce(const VectorSet& set, const std::vector<float>& q, size_t n,
                                const std::set<int64_t>* allowed = nullptr, int64_t exclude = -1) {
  std::vector<std::pair<double, int64_t>> scored;
  EXPECT_EQ(static_cast<int64_t>(q.size()), set.dim) << "query and stored vectors differ in length";
  if (static_cast<int64_t>(q.size()) != set.dim) return {};
  for (size_t r = 0; r < set.ids.size(); ++r) {
    if ((allowed && !allowed->count(set.ids[r])) || set.ids[r] == exclude) continue;
    double s = 0;
    for (int64_t j = 0; j < set.dim; ++j) s += double(set.data[r * set.dim + j]) * q[j];
    scored.push_back({-s, set.ids[r]});
  }
  std::sort(scored.begin(), scored.end());
  std::vector<int64_t> ids;
  for (size_t i = 0; i < scored.size() && i < n; ++i) ids.push_back(scored[i].second);
  return ids;
}

std::vector<int64_t> Ids(const nlohmann::json& hits) {
  std::vector<int64_t> ids;
  for (const auto& h : hits) ids.push_back(h["id"].get<int64_t>());
  return ids;
}

TEST(SemanticIndex, StoredVectorsEqualAFreshEmbed) {
  Library& lib = Shared();
  Stored s = Load(lib.cli->catalog(), "clip");
  // Photos the decoder cannot read were embedded from their thumbnail, and say so.
  std::set<std::string> from_thumbnail;
  {
    auto cat = Catalog::Open(lib.cli->catalog(), false);
    auto q = CatalogDb(**cat).Prepare(
        "SELECT MIN(f.path) FROM embeddings e JOIN files f ON f.asset_id = e.asset_id AND f.status "
        "= 0 "
        "WHERE e.source = 'thumbnail' GROUP BY e.asset_id");
    Status st;
    while (q->Step(&st)) from_thumbnail.insert(q->Text(0));
  }
  EXPECT_LE(from_thumbnail.size(), 3u);
  ASSERT_GT(s.set.ids.size(), 40u);
  // Indexing ran in its default precision (auto: measured once, kept); so does this embed.
  std::vector<std::string> args = {"--precision", "auto", "embed", "--model", lib.clip.string()};
  for (int64_t id : s.set.ids) {
    args.push_back("--image");
    args.push_back(s.paths.at(id));
  }
  CliResult r = lib.cli->Run(args);
  std::istringstream lines(r.out);
  std::string line;
  size_t row = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    ASSERT_LT(row, s.set.ids.size());
    if (from_thumbnail.count(j["input"])) {
      EXPECT_TRUE(j.contains("error"))
          << "embedded from the thumbnail although the photo decodes: " << line;
      ++row;
      continue;
    }
    ASSERT_TRUE(j.contains("embedding")) << line;
    ASSERT_EQ(j["input"], s.paths.at(s.set.ids[row]));
    auto v = j["embedding"].get<std::vector<float>>();
    float worst = 0;
    for (int64_t k = 0; k < s.set.dim; ++k)
      worst = std::max(worst, std::fabs(v[k] - s.set.data[row * s.set.dim + k]));
    EXPECT_LT(worst, 1e-6) << j["input"];
    ++row;
  }
  EXPECT_EQ(row, s.set.ids.size());
}

TEST(SemanticIndex, NewPhotosAreEmbeddedFromTheDecodeThatMadeTheirThumbnail) {
  Library& lib = Shared();
  const nlohmann::json& r = lib.index_report;
  ASSERT_TRUE(r.contains("embedded_while_indexing")) << r.dump();
  EXPECT_GE(r["embedded_while_indexing"].get<int64_t>(), 50);
  // The rest: photos whose decode could not serve (a RAW with a small preview, a HEIC libvips
  // refuses) were embedded after the crawl.
  EXPECT_LE(r["embedded"].get<int64_t>() - r["embedded_while_indexing"].get<int64_t>(), 4);
  auto cat = Catalog::Open(lib.cli->catalog(), false);
  ASSERT_TRUE(cat.ok());
  auto source = [&](const std::string& rel) {
    auto q = CatalogDb(**cat).Prepare(
        "SELECT e.source FROM embeddings e JOIN models m ON m.id = e.model_id AND m.family = "
        "'clip' "
        "JOIN files f ON f.asset_id = e.asset_id WHERE f.path = ?1");
    q->Bind(1, (lib.photos / rel).string());
    Status st;
    return q->Step(&st) ? q->Text(0) : std::string("(none)");
  };
  EXPECT_EQ(source("big/Oppo R7 Plus.jpg"), "photo");
  EXPECT_EQ(source("phones/iphone_13_pro_max.HEIC"), "preview");  // its 240 x 320 HEIF thumbnail
  EXPECT_EQ(source("phones/IMG_5195.HEIC"), "photo");             // has none
  EXPECT_EQ(source("raw/RAW_NIKON_D1.NEF"), "thumbnail");         // its preview is too small
}

TEST(SemanticIndex, EveryPhotoHasOneVectorPerModelAndUndecodableOnesAreRecorded) {
  Library& lib = Shared();
  auto cat = Catalog::Open(lib.cli->catalog(), false);
  auto q = CatalogDb(**cat).Prepare(
      "SELECT m.family, count(e.vector), count(*) - count(e.vector) FROM models m JOIN embeddings "
      "e ON e.model_id = m.id "
      "GROUP BY m.id ORDER BY m.family");
  Status st;
  std::map<std::string, std::pair<int64_t, int64_t>> per_model;
  while (q->Step(&st)) per_model[q->Text(0)] = {q->Int(1), q->Int(2)};
  ASSERT_EQ(per_model.size(), 2u);
  EXPECT_EQ(per_model["clip"], per_model["siglip"]);
  auto assets = CatalogDb(**cat).Prepare(
      "SELECT count(DISTINCT asset_id) FROM files WHERE status = 0 AND asset_id IS NOT NULL");
  ASSERT_TRUE(assets->Step(&st));
  EXPECT_EQ(per_model["clip"].first + per_model["clip"].second, assets->Int(0));
  nlohmann::json status = lib.cli->Run({"status", "--json"}).Json();
  ASSERT_TRUE(status.contains("embeddings")) << status.dump();
  EXPECT_EQ(status["embeddings"].size(), 2u);
}

TEST(SemanticIndex, SearchIsTheBruteForceRanking) {
  Library& lib = Shared();
  Stored s = Load(lib.cli->catalog(), "clip");
  for (const std::string text : {"a red car", "a cup of coffee", "mountains at sunset", "a cat"}) {
    CliResult r = lib.cli->Run(
        {"search", "--mode", "semantic", text, "-n", "10", "--json", "--model", lib.clip.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Ids(r.Json()), BruteForce(s.set, EmbedText(*lib.cli, lib.clip, text), 10)) << text;
  }
}

TEST(SemanticIndex, QueryArithmeticIsTheNormalisedSum) {
  Library& lib = Shared();
  Stored s = Load(lib.cli->catalog(), "clip");
  auto a = EmbedText(*lib.cli, lib.clip, "beach"), b = EmbedText(*lib.cli, lib.clip, "sunset"),
       c = EmbedText(*lib.cli, lib.clip, "people");
  std::vector<float> q(a.size());
  double norm = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    q[i] = a[i] + 2 * b[i] - c[i];
    norm += double(q[i]) * q[i];
  }
  for (auto& v : q) v = static_cast<float>(v / std::sqrt(norm));
  CliResult r = lib.cli->Run({"search", "--mode", "semantic", "beach +2:sunset -people", "-n", "8",
                              "--json", "--model", lib.clip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Ids(r.Json()), BruteForce(s.set, q, 8));
  EXPECT_NE(lib.cli->Run({"search", "--mode", "semantic", "cat -cat", "--model", lib.clip.string()})
                .exit_code,
            0)
      << "terms that cancel out are an error";
}

TEST(SemanticIndex, FiltersApplyBeforeTopK) {
  Library& lib = Shared();
  Stored s = Load(lib.cli->catalog(), "clip");
  auto cat = Catalog::Open(lib.cli->catalog(), false);
  std::set<int64_t> png;
  auto q = CatalogDb(**cat).Prepare("SELECT id FROM assets WHERE format = 'png'");
  Status st;
  while (q->Step(&st)) png.insert(q->Int(0));
  ASSERT_GE(png.size(), 5u);
  auto text = EmbedText(*lib.cli, lib.clip, "a photo");
  CliResult r = lib.cli->Run({"search", "--mode", "semantic", "a photo", "-n", "5", "--format",
                              "png", "--json", "--model", lib.clip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = Ids(r.Json());
  EXPECT_EQ(got.size(), 5u) << "a filtered query still returns n hits";
  EXPECT_EQ(got, BruteForce(s.set, text, 5, &png));
  // A folder filter, with the folder's own photos only.
  r = lib.cli->Run({"search", "--mode", "semantic", "a photo", "-n", "50", "--folder",
                    (lib.photos / "duplicates").string(), "--json", "--model", lib.clip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& h : r.Json())
    EXPECT_NE(h["path"].get<std::string>().find("/duplicates/"), std::string::npos);
  EXPECT_EQ(r.Json().size(), 6u) << "the near-duplicate folder holds 6 distinct assets";
  r = lib.cli->Run({"search", "--mode", "semantic", "a photo", "--has-gps", "--json", "-n", "100",
                    "--model", lib.clip.string()});
  ASSERT_EQ(r.exit_code, 0);
  auto gps = CatalogDb(**cat).Prepare(
      "SELECT count(DISTINCT e.asset_id) FROM embeddings e JOIN assets a ON a.id = e.asset_id "
      "WHERE a.gps_lat IS NOT NULL AND e.vector IS NOT NULL AND e.model_id = (SELECT id FROM "
      "models WHERE family='clip')");
  ASSERT_TRUE(gps->Step(&st));
  EXPECT_EQ(static_cast<int64_t>(r.Json().size()), gps->Int(0));
  r = lib.cli->Run({"search", "--mode", "semantic", "a photo", "--min-score", "2", "--json",
                    "--model", lib.clip.string()});
  EXPECT_EQ(r.Json().size(), 0u) << "no cosine reaches 2";
}

TEST(SemanticIndex, SimilarIsTheBruteForceRankingWithoutTheQueryPhoto) {
  Library& lib = Shared();
  Stored s = Load(lib.cli->catalog(), "clip");
  const std::string coffee = (lib.photos / "duplicates/coffee q90.jpg").string();
  CliResult r =
      lib.cli->Run({"similar", coffee, "-n", "6", "--json", "--model", lib.clip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int64_t id = -1;
  for (const auto& [asset, path] : s.paths)
    if (path == coffee) id = asset;
  auto it = std::find(s.set.ids.begin(), s.set.ids.end(), id);
  ASSERT_NE(it, s.set.ids.end());
  const size_t row = static_cast<size_t>(it - s.set.ids.begin());
  std::vector<float> q(s.set.data.begin() + row * s.set.dim,
                       s.set.data.begin() + (row + 1) * s.set.dim);
  EXPECT_EQ(Ids(r.Json()), BruteForce(s.set, q, 6, nullptr, id));
  // An image outside the library: embedded in memory, not stored.
  r = lib.cli->Run(
      {"similar", "--file", coffee, "-n", "3", "--json", "--model", lib.clip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Ids(r.Json()), BruteForce(s.set, q, 3));
}

TEST(SemanticIndex, ModelsCoexistAndNonEnglishQueriesWork) {
  Library& lib = Shared();
  Stored s = Load(lib.cli->catalog(), "siglip");
  const std::string text = "una taza de café en la playa, ñandú 東京";
  CliResult r = lib.cli->Run(
      {"search", "--mode", "semantic", text, "--model", lib.siglip.string(), "-n", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto hits = r.Json();
  EXPECT_EQ(Ids(hits), BruteForce(s.set, EmbedText(*lib.cli, lib.siglip, text), 5));
  for (const auto& h : hits) {
    ASSERT_TRUE(h.contains("probability")) << "SigLIP hits carry the sigmoid probability";
    EXPECT_GE(h["probability"].get<double>(), 0.0);
    EXPECT_LE(h["probability"].get<double>(), 1.0);
  }
  // A model with no vectors in this catalog is a clear error.
  TempDir other;
  auto b16 = GoldenSnapshot(other.path(), "clip/tiny-b16-gelu", "clip/tokenizer");
  r = lib.cli->Run({"search", "--mode", "semantic", "a cat", "--model", b16.string()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("no vectors made with"), std::string::npos) << r.err;
}

TEST(SemanticIndex, DupesFindsTheNearDuplicateGroupAndNoFalsePairs) {
  Library& lib = Shared();
  CliResult r = lib.cli->Run({"dupes", "--json", "--model", lib.clip.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = r.Json();
  const std::string dup = (lib.photos / "duplicates").string() + "/";
  ASSERT_EQ(j["exact"].size(), 1u);
  EXPECT_EQ(j["exact"][0], nlohmann::json::array({dup + "coffee original.png",
                                                  dup + "exact copy/coffee original.png"}));
  bool found = false;
  for (const auto& c : j["near"]) {
    const std::string keep = c["keep"];
    if (keep.find("/duplicates/") != std::string::npos) {
      found = true;
      EXPECT_EQ(keep, dup + "coffee original.png")
          << "largest resolution, then the least compressed";
      EXPECT_EQ(c["others"],
                nlohmann::json::array({dup + "coffee cropped.jpg", dup + "coffee half size.jpg",
                                       dup + "coffee q35.jpg", dup + "coffee q90.jpg",
                                       dup + "coffee.webp"}))
          << "the keeper's own exact copy is listed under exact";
      continue;
    }
    // The only other group allowed: one picture stored in the 8 EXIF orientations, which is
    // the same photo once turned upright.
    EXPECT_NE(keep.find("/orientation/landscape_"), std::string::npos)
        << "false pair: " << c.dump();
    for (const auto& o : c["others"])
      EXPECT_NE(o.get<std::string>().find("/orientation/landscape_"), std::string::npos)
          << "false pair: " << c.dump();
  }
  EXPECT_TRUE(found) << j.dump();
}

// Above the threshold, unfiltered queries go through the HNSW graph kept beside the catalog:
// on a library this small it finds the exact ranking; the file is reused while the vectors are
// unchanged and rebuilt when they change.
TEST(SemanticIndex, ApproximateIndexIsPersistedAndFollowsTheVectors) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  const auto photos = std::filesystem::canonical(CorpusPath() / "photos");
  setenv("SHOEBOX_ANN_THRESHOLD", "1", 1);  // "auto" uses the graph from one vector on
  CliResult r = cli.Run(
      {"-q", "index", "--json", "--model", model.string(), (photos / "duplicates").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["ann_index"], "rebuilt") << "the embedding stage builds the graph";
  nlohmann::json status = cli.Run({"status", "--json"}).Json()["embeddings"][0];
  EXPECT_EQ(status["index"], "hnsw");
  EXPECT_EQ(status["index_state"], "hnsw (fresh)");
  EXPECT_EQ(status["index_recipe"],
            "auto,threshold=1");  // in effect: the stored "auto" with the override
  r = cli.Run({"search", "--mode", "semantic", "a cup of coffee", "-n", "4", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Stored s = Load(cli.catalog(), "clip");
  auto q = EmbedText(cli, model, "a cup of coffee");
  EXPECT_EQ(Ids(r.Json()), BruteForce(s.set, q, 4));
  std::filesystem::path graph;
  for (const auto& e : std::filesystem::directory_iterator(cli.catalog().parent_path()))
    if (e.path().extension() == ".hnsw") graph = e.path();
  ASSERT_FALSE(graph.empty()) << "the graph is saved beside the catalog";
  auto built = std::filesystem::last_write_time(graph);
  ASSERT_EQ(
      cli.Run({"search", "--mode", "semantic", "a cup of coffee", "-n", "4", "--json"}).exit_code,
      0);
  EXPECT_EQ(std::filesystem::last_write_time(graph), built) << "unchanged vectors reuse the file";
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // New photos: their vectors are added to the saved graph, not rebuilt from scratch.
  r = cli.Run(
      {"-q", "index", "--json", "--model", model.string(), (photos / "orientation").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["ann_index"], "updated (+8 -0)");
  EXPECT_NE(std::filesystem::last_write_time(graph), built);
  EXPECT_EQ(cli.Run({"status", "--json"}).Json()["embeddings"][0]["index_state"], "hnsw (fresh)");
  s = Load(cli.catalog(), "clip");
  EXPECT_EQ(s.set.ids.size(), 14u);
  r = cli.Run({"similar", (photos / "duplicates/coffee q90.jpg").string(), "-n", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto coffee = Ids(
      cli.Run({"similar", (photos / "duplicates/coffee q90.jpg").string(), "-n", "13", "--json"})
          .Json());
  EXPECT_EQ(coffee.size(), 13u) << "every other vector is reachable through the updated graph";
  // The recipe is stored with the model and decides: flat scans exactly, whatever the size.
  r = cli.Run({"reindex", "--recipe", "flat"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  status = cli.Run({"status", "--json"}).Json()["embeddings"][0];
  EXPECT_EQ(status["index_recipe"], "flat");
  EXPECT_EQ(status["index"], "exact");
  r = cli.Run({"search", "--mode", "semantic", "a cup of coffee", "-n", "4", "--json"});
  EXPECT_EQ(Ids(r.Json()), BruteForce(s.set, q, 4));
  r = cli.Run({"reindex", "--recipe", "HNSW, M=8, ef=64"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("rebuilt the HNSW index of 14 vectors (recipe hnsw,M=8,efc=200,ef=64)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(cli.Run({"status", "--json"}).Json()["embeddings"][0]["index_state"], "hnsw (fresh)");
  r = cli.Run({"reindex", "--recipe", "hnsw,M=8,speed=11"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("'speed' is not a setting of hnsw"), std::string::npos) << r.err;
  EXPECT_EQ(cli.Run({"status", "--json"}).Json()["embeddings"][0]["index_recipe"],
            "hnsw,M=8,efc=200,ef=64")
      << "a refused recipe changes nothing";
  unsetenv("SHOEBOX_ANN_THRESHOLD");
}

// SIGKILL during the embedding stage, again and again: the next run completes, each asset has
// exactly one row per model, and the catalog stays intact.
TEST(SemanticIndex, RandomSigkillsDuringEmbeddingResume) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  // Enough distinct 16 MP photos (one camera JPEG with different trailing bytes) that a run
  // takes several seconds: the corpus alone is embedded before the first kill lands.
  const std::filesystem::path photos = tmp / "photos";
  std::filesystem::create_directories(photos);
  const std::string jpeg = ReadFile(CorpusPath() / "photos/big/Kodak PIXPRO FZ201.jpg");
#if defined(__SANITIZE_ADDRESS__)
  const int copies = 80;  // each takes ~3x longer under ASan; 240 cost 3 minutes of the suite
#else
  const int copies = 240;
#endif
  for (int i = 0; i < copies; ++i) {
    std::ofstream out(photos / ("IMG_" + std::to_string(1000 + i) + ".jpg"), std::ios::binary);
    out << jpeg << "copy " << i;
  }
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> delay_ms(150, 1500);
  int killed = 0;
  for (int round = 0; round < 10; ++round) {
    // Kills while the crawl embeds what it decodes, and while embed-missing catches up.
    pid_t pid = round % 2 == 0
                    ? cli.Start({"-q", "index", "--model", model.string(), photos.string()})
                    : cli.Start({"-q", "embed-missing", "--model", model.string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    bool running = ::kill(pid, SIGKILL) == 0;
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (running && WIFSIGNALED(status)) ++killed;
    // A kill before the first run created its catalog leaves nothing to check (seen in the
    // slower ASan build).
    std::error_code ec;
    if (!std::filesystem::exists(cli.catalog(), ec) ||
        std::filesystem::file_size(cli.catalog(), ec) == 0)
      continue;
    auto cat = Catalog::Open(cli.catalog(), false);
    ASSERT_TRUE(cat.ok()) << "round " << round << ": " << cat.status().ToString();
    auto check = CatalogDb(**cat).Prepare("PRAGMA integrity_check");
    Status st;
    ASSERT_TRUE(check->Step(&st));
    EXPECT_EQ(check->Text(0), "ok") << "round " << round;
  }
  EXPECT_GE(killed, 5) << "the kills should land while embedding";
  CliResult last = cli.Run({"-q", "index", "--model", model.string(), "--json", photos.string()});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  auto cat = Catalog::Open(cli.catalog(), false);
  auto q = CatalogDb(**cat).Prepare(
      "SELECT (SELECT count(*) FROM embeddings), (SELECT count(DISTINCT asset_id) FROM "
      "embeddings), "
      "(SELECT count(DISTINCT asset_id) FROM files WHERE status = 0 AND asset_id IS NOT NULL)");
  Status st;
  ASSERT_TRUE(q->Step(&st));
  EXPECT_EQ(q->Int(2), copies);
  EXPECT_EQ(q->Int(0), q->Int(1)) << "one row per asset";
  EXPECT_EQ(q->Int(1), q->Int(2)) << "every asset embedded";
  // Nothing is left for another run.
  EXPECT_EQ(cli.Run({"embed-missing", "--model", model.string(), "--json"}).Json()["embedded"], 0);
}

}  // namespace
}  // namespace shoebox::testing
