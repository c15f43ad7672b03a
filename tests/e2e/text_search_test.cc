// Text in photos, end to end: `index` reads the words in memes, screenshots and signs
// (tests/data/text-photos, made by scripts/make_text_photos.sh), `search` finds them alone or
// fused with the model's ranking, and every front end shows them (info, status, the HTTP API).
// The photos are copied under neutral names so that only what OCR read can match.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "server_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

using nlohmann::json;

struct Expected {
  std::string file, kind, text;
  std::vector<std::string> queries;
};

std::vector<Expected> Manifest() {
  std::vector<Expected> out;
  std::ifstream in(DataPath("text-photos/manifest.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    out.push_back({j["file"], j["kind"], j["text"], j["queries"]});
  }
  EXPECT_EQ(out.size(), 20u);
  return out;
}

// The test set under names that say nothing ("p07.jpg"); returns neutral name -> original.
std::map<std::string, std::string> CopyNeutral(const std::filesystem::path& to) {
  std::map<std::string, std::string> names;
  int i = 0;
  for (const auto& e : Manifest()) {
    char name[16];
    std::snprintf(name, sizeof name, "p%02d.jpg", i++);
    CopyFile(DataPath("text-photos/" + e.file), to / name);
    names[name] = e.file;
  }
  return names;
}

std::string Original(const std::map<std::string, std::string>& names, const json& hit) {
  const std::string name = std::filesystem::path(hit["path"].get<std::string>()).filename();
  auto it = names.find(name);
  return it == names.end() ? name : it->second;
}

// One library indexed with no model at all (a fresh offline install), shared by the tests.
struct Library {
  std::unique_ptr<TempDir> tmp;
  std::unique_ptr<Cli> cli;
  std::filesystem::path photos;
  std::map<std::string, std::string> names;
};

Library& NoModel() {
  static Library lib = [] {
    Library l;
    l.tmp = std::make_unique<TempDir>();
    l.cli = std::make_unique<Cli>(l.tmp->path() / "home");
    l.photos = l.tmp->path() / "photos";
    l.names = CopyNeutral(l.photos);
    CliResult r = l.cli->Run({"index", "--no-embed", l.photos.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("read the text of"), std::string::npos) << r.err;
    return l;
  }();
  return lib;
}

TEST(TextSearch, AFewWordsOfAMemeScreenshotOrSignFindItFirstAndNeverAPhotoWithoutText) {
  Library& lib = NoModel();
  int queries = 0, first = 0;
  std::vector<std::string> misses;
  for (const auto& e : Manifest()) {
    for (const auto& q : e.queries) {
      CliResult r = lib.cli->Run({"search", "--mode", "text", q, "-n", "5", "--json"});
      ASSERT_EQ(r.exit_code, 0) << q << ": " << r.err;
      ++queries;
      json hits = r.Json();
      if (!hits.empty() && Original(lib.names, hits[0]) == e.file)
        ++first;
      else
        misses.push_back(q + " -> " + (hits.empty() ? "nothing" : Original(lib.names, hits[0])));
      for (const auto& h : hits) {
        EXPECT_NE(Original(lib.names, h).rfind("photo-", 0), 0u)
            << q << " returned a photo without text";
        EXPECT_EQ(h["match"], json::array({"text"}));
        EXPECT_TRUE(h["score"].is_null()) << h;
        EXPECT_FALSE(h["words"].empty()) << h;
      }
    }
  }
  std::printf("text queries ranked first: %d of %d\n", first, queries);
  EXPECT_GE(first * 100, queries * 95) << ::testing::PrintToString(misses);
}

TEST(TextSearch, AccentsPrefixesPhrasesAndExclusionsBehaveAsPeopleType) {
  Library& lib = NoModel();
  auto top = [&](const std::string& q) {
    CliResult r = lib.cli->Run({"search", "--mode", "text", q, "-n", "5", "--json"});
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
    json hits = r.Json();
    return hits.empty() ? std::string("nothing") : Original(lib.names, hits[0]);
  };
  // Accents folded both ways: the screenshot's OCR kept them, the meme's outlined capitals not.
  EXPECT_EQ(top("codigo verificacion"), "shot-codigo.jpg") << "accents in the photo only";
  EXPECT_EQ(top("REUNIÓN"), "meme-reunion.jpg") << "accents in the query only";
  EXPECT_EQ(top("segmenta"), "shot-segfault.jpg") << "a prefix finds the word";
  EXPECT_EQ(top("\"cannot unsee\""), "meme-when-you-see-it.jpg") << "a phrase in quotes";
  EXPECT_EQ(top("\"unsee cannot\""), "nothing") << "a phrase keeps its order";
  EXPECT_EQ(top("informe -jefe"), "nothing") << "an excluded word removes the photo";
  // Filters select before ranking, as for semantic search.
  CliResult r = lib.cli->Run({"search", "--mode", "text", "pikachu", "--json", "--folder",
                              (lib.tmp->path() / "elsewhere").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.Json().empty()) << r.out;
}

TEST(TextSearch, WithNoModelTheDefaultSearchAnswersFromTheWordsAndSaysSoOnce) {
  Library& lib = NoModel();
  CliResult r = lib.cli->Run({"search", "surprised pikachu", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(r.Json().empty());
  EXPECT_EQ(Original(lib.names, r.Json()[0]), "meme-pikachu.jpg");
  size_t notes = 0;
  for (size_t at = r.err.find("words in your photos"); at != std::string::npos;
       at = r.err.find("words in your photos", at + 1))
    ++notes;
  EXPECT_EQ(notes, 1u) << r.err;
  // Asking for the model's ranking explicitly is an error that says what to do.
  r = lib.cli->Run({"search", "--mode", "semantic", "surprised pikachu"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("shoebox"), std::string::npos) << r.err;
}

TEST(TextSearch, InfoAndStatusShowWhatOcrReadAndSkipped) {
  Library& lib = NoModel();
  std::string sign;
  for (const auto& [neutral, original] : lib.names)
    if (original == "sign-peligro.jpg") sign = neutral;
  json info = lib.cli->Run({"info", "--json", (lib.photos / sign).string()}).Json();
  if (info.is_array()) info = info[0];
  ASSERT_TRUE(info.contains("text")) << info;
  const json& t = info["text"];
  EXPECT_EQ(t["state"], "read");
  EXPECT_EQ(t["lang"], "eng+spa");
  EXPECT_GE(t["confidence"].get<double>(), 60.0);
  EXPECT_NE(t["ocr"].get<std::string>().find("ALTA"), std::string::npos) << t;
  ASSERT_FALSE(t["words"].empty());
  for (const auto& w : t["words"]) {  // [word, confidence, x, y, w, h], the box in [0, 1]
    ASSERT_EQ(w.size(), 6u) << w;
    for (int k = 2; k < 6; ++k) {
      EXPECT_GE(w[k].get<double>(), 0.0) << w;
      EXPECT_LE(w[k].get<double>(), 1.0) << w;
    }
    EXPECT_LE(w[2].get<double>() + w[4].get<double>(), 1.001) << w;
  }
  json status = lib.cli->Run({"status", "--json"}).Json();
  const json& s = status["text"];
  EXPECT_EQ(s["photos"], 20);
  EXPECT_EQ(s["pending"], 0);
  EXPECT_EQ(s["failed"], 0);
  EXPECT_EQ(s["read"].get<int>() + s["skipped"].get<int>(), 20) << s;
  EXPECT_GE(s["skipped"].get<int>(), 2) << "photos without text skipped by the gate: " << s;
  EXPECT_GE(s["with_text"].get<int>(), 16) << s;
  CliResult human = lib.cli->Run({"status"});
  EXPECT_NE(human.out.find("skipped as text-free"), std::string::npos) << human.out;
}

TEST(TextSearch, IndexWithoutOcrThenOcrMissingCatchesUp) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto names = CopyNeutral(tmp / "photos");
  CliResult r = cli.Run({"-q", "index", "--no-embed", "--no-ocr", (tmp / "photos").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(cli.Run({"status", "--json"}).Json()["text"]["pending"], 20);
  EXPECT_TRUE(cli.Run({"search", "--mode", "text", "cannot unsee", "--json"}).Json().empty());
  r = cli.Run({"ocr-missing", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json report = r.Json();
  EXPECT_EQ(report["read"].get<int>() + report["skipped"].get<int>(), 20) << report;
  const json report_skipped = report["skipped"];
  EXPECT_GE(report_skipped.get<int>(), 2) << report;
  EXPECT_EQ(cli.Run({"status", "--json"}).Json()["text"]["pending"], 0);
  json hits = cli.Run({"search", "--mode", "text", "cannot unsee", "--json"}).Json();
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(Original(names, hits[0]), "meme-when-you-see-it.jpg");
  // Nothing left to do: a second run reads nothing again.
  report = cli.Run({"ocr-missing", "--json"}).Json();
  EXPECT_EQ(report["read"], 0);
  // `--ocr all` reads what the gate skipped (the four photos without text), and finds no words.
  r = cli.Run({"index", "--json", "--no-embed", "--ocr", "all", (tmp / "photos").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["text"]["read"], report_skipped) << r.out;
  EXPECT_EQ(r.Json()["text"]["with_text"], 0) << "textures do not become text: " << r.out;
  EXPECT_EQ(cli.Run({"status", "--json"}).Json()["text"]["skipped"], 0);
}

TEST(TextSearch, AMissingLanguageIsAnErrorNamingItsPackageBeforeAnyWork) {
  TempDir tmp;
  Cli cli(tmp / "home");
  CopyFile(DataPath("text-photos/meme-pikachu.jpg"), tmp / "photos/a.jpg");
  CliResult r =
      cli.Run({"index", "--no-embed", "--ocr-lang", "eng+xyz", (tmp / "photos").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("tesseract-ocr-xyz"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(cli.catalog()) &&
               cli.Run({"status", "--json"}).Json()["assets"] != 0)
      << "nothing was indexed with the wrong languages";
}

TEST(TextSearch, HybridPutsThePhotoWithTheWordsFirstThenTheModelsRanking) {
  TempDir tmp;
  Cli cli(tmp / "home");
  auto names = CopyNeutral(tmp / "photos");
  const auto model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  CliResult r = cli.Run({"-q", "index", "--model", model.string(), (tmp / "photos").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = cli.Run({"search", "walk into mordor", "-n", "20", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json hits = r.Json();
  ASSERT_EQ(hits.size(), 20u) << "every photo has a vector: all of them are ranked";
  EXPECT_EQ(Original(names, hits[0]), "meme-mordor.jpg");
  EXPECT_EQ(hits[0]["match"], json::array({"text", "semantic"}));
  EXPECT_EQ(hits[0]["words"], json::array({"walk", "into", "mordor"}));
  EXPECT_TRUE(hits[0]["score"].is_number());
  for (size_t i = 1; i < hits.size(); ++i) {
    EXPECT_EQ(hits[i]["match"], json::array({"semantic"})) << i;
    EXPECT_TRUE(hits[i]["score"].is_number()) << i;
  }
  // The model alone ranks by similarity only; the words alone find just the meme.
  json semantic =
      cli.Run({"search", "--mode", "semantic", "walk into mordor", "-n", "20", "--json"}).Json();
  ASSERT_EQ(semantic.size(), 20u);
  for (size_t i = 1; i < semantic.size(); ++i)
    EXPECT_GE(semantic[i - 1]["score"].get<double>(), semantic[i]["score"].get<double>());
  json text = cli.Run({"search", "--mode", "text", "walk into mordor", "--json"}).Json();
  ASSERT_EQ(text.size(), 1u) << text;
  EXPECT_EQ(Original(names, text[0]), "meme-mordor.jpg");

  // The web app's search box: the same ranking and reasons, and the words in the detail view.
  Server server(cli, tmp / "serve.log");
  server.WaitReady();
  auto c = server.Client();
  auto res = c.Get("/api/search?q=walk%20into%20mordor&n=20");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json page = json::parse(res->body);
  EXPECT_EQ(page["mode"], "hybrid");
  ASSERT_EQ(page["results"].size(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(page["results"][i]["id"], hits[i]["id"]) << i;
    EXPECT_EQ(page["results"][i]["match"], hits[i]["match"]) << i;
  }
  EXPECT_EQ(page["results"][0]["words"], hits[0]["words"]);
  EXPECT_TRUE(page["timing"].contains("text_ms"));
  json status = json::parse(c.Get("/api/status")->body);
  EXPECT_EQ(status["text"], cli.Run({"status", "--json"}).Json()["text"]) << status;
  EXPECT_EQ(status["text"]["pending"], 0);
  res = c.Get("/api/search?q=walk%20into%20mordor&mode=text");
  ASSERT_EQ(res->status, 200) << res->body;
  page = json::parse(res->body);
  ASSERT_EQ(page["results"].size(), 1u);
  EXPECT_TRUE(page["results"][0]["score"].is_null());
  res = c.Get("/api/assets/" + std::to_string(hits[0]["id"].get<int64_t>()));
  ASSERT_EQ(res->status, 200);
  json asset = json::parse(res->body);
  EXPECT_NE(asset["text"]["ocr"].get<std::string>().find("MORDOR"), std::string::npos) << asset;
  EXPECT_FALSE(asset["text"]["words"].empty());
}

}  // namespace
}  // namespace shoebox::testing
