// `shoebox models pull` against a local stand-in for the Hub (tests/e2e/mock_hub.py on
// 127.0.0.1): download, resume after a dropped connection, checksum mismatch, 404, gated.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "server_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

std::filesystem::path Golden() { return GoldenPath(); }

class MockHub : public ::testing::Test {
 protected:
  void SetUp() override {
    // openai/clip-vit-base-patch32 is clip-vit-b32's repo: the page may ask for short names only.
    for (const char* repo :
         {"test/tiny", "test/flaky", "test/corrupt", "openai/clip-vit-base-patch32"}) {
      auto dir = tmp_ / "hub" / repo;
      std::filesystem::create_directories(dir);
      for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json"})
        std::filesystem::copy_file(Golden() / "clip/tiny-b32" / f, dir / f);
      for (const char* f : {"vocab.json", "merges.txt", "tokenizer_config.json"})
        std::filesystem::copy_file(Golden() / "clip/tokenizer" / f, dir / f);
      WriteFile(dir / "README.md", "not needed by shoebox, never downloaded");
    }
    pid_ = StartMockHub(tmp_ / "hub", &endpoint_);
    ASSERT_GT(pid_, 0) << "mock hub did not start (python3 missing?)";
    ::setenv("SHOEBOX_HF_ENDPOINT", endpoint_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("SHOEBOX_HF_ENDPOINT");
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::filesystem::path ModelDir(const std::string& flat) {
    return tmp_ / "home/cache/shoebox/models" / flat;
  }

  TempDir tmp_;
  Cli cli_{tmp_ / "home"};
  pid_t pid_ = -1;
  std::string endpoint_;
};

TEST_F(MockHub, PullsVerifiesAndTheModelThenLoadsByName) {
  CliResult r = cli_.Run({"-q", "models", "pull", "test/tiny"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(ModelDir("test--tiny") / "model.safetensors"),
            ReadFile(Golden() / "clip/tiny-b32/model.safetensors"));
  EXPECT_FALSE(
      std::filesystem::exists(ModelDir("test--tiny") / "README.md"));  // only what a model needs
  EXPECT_FALSE(std::filesystem::exists(ModelDir("test--tiny.partial")));
  CliResult e = cli_.Run({"embed", "--model", "test/tiny", "--text", "a photo of a cat"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(nlohmann::json::parse(e.out)["embedding"].size(), 32u);
}

TEST_F(MockHub, ResumesAfterADroppedConnection) {
  CliResult r = cli_.Run({"-q", "models", "pull", "test/flaky"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(ModelDir("test--flaky") / "model.safetensors"),
            ReadFile(Golden() / "clip/tiny-b32/model.safetensors"));
}

TEST_F(MockHub, ChecksumMismatchIsRefused) {
  CliResult r = cli_.Run({"-q", "models", "pull", "test/corrupt"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("checksum mismatch"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(ModelDir("test--corrupt")));
}

TEST_F(MockHub, MissingAndGatedReposAreClearErrors) {
  CliResult missing = cli_.Run({"-q", "models", "pull", "test/nope"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("no model test/nope"), std::string::npos) << missing.err;
  CliResult gated = cli_.Run({"-q", "models", "pull", "test/gated"});
  EXPECT_EQ(gated.exit_code, 2);
  EXPECT_NE(gated.err.find("gated"), std::string::npos) << gated.err;
  EXPECT_NE(gated.err.find("HF_TOKEN"), std::string::npos) << gated.err;
  CliResult bad = cli_.Run({"-q", "models", "pull", "../../etc"});
  EXPECT_NE(bad.exit_code, 0);
}

TEST_F(MockHub, OfflineSaysWhereToPutTheFiles) {
  ::setenv("SHOEBOX_HF_ENDPOINT", "http://127.0.0.1:1", 1);
  CliResult r = cli_.Run({"-q", "models", "pull", "clip-vit-b32"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Offline?"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("openai--clip-vit-base-patch32"), std::string::npos) << r.err;
}

TEST_F(MockHub, ListsKnownModelsWithTheDefault) {
  CliResult r = cli_.Run({"models", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0);
  auto j = r.Json();
  ASSERT_GE(j.size(), 7u);
  int defaults = 0;
  for (const auto& m : j) {
    defaults += m["default"].get<bool>();
    EXPECT_FALSE(m["downloaded"].get<bool>());
    if (m["default"].get<bool>())
      EXPECT_EQ(m["repo"], "google/siglip-base-patch16-256-multilingual");
  }
  EXPECT_EQ(defaults, 1);
}

// A first-run user with photos catalogued but no model clicks "Download" on the page: the
// server downloads it, embeds the library, and search by meaning works, with no terminal.
TEST_F(MockHub, AModelDownloadedFromThePageEmbedsTheLibraryAndSearchByMeaningThenWorks) {
  const auto photos = std::filesystem::canonical(CorpusPath() / "photos/orientation");
  CliResult indexed = cli_.Run({"-q", "index", "--no-ocr", photos.string()});
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  Server server(cli_, tmp_ / "serve.log");
  server.WaitListening();
  auto c = server.Client();
  auto status = [&] { return nlohmann::json::parse(c.Get("/api/status")->body); };
  const auto before = status();
  ASSERT_EQ(before["setup"]["state"], "idle");
  ASSERT_EQ(before["model"]["state"], "none");
  const int64_t assets = before["assets"];
  ASSERT_GT(assets, 3);

  auto unknown = c.Post("/api/models/setup?model=evil%2Frepo", "", "text/plain");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("clip-vit-b32"), std::string::npos) << unknown->body;
  auto foreign = c.Post("/api/models/setup?model=clip-vit-b32", {{"Origin", "http://evil.test"}},
                        "", "text/plain");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);

  auto started = c.Post("/api/models/setup?model=clip-vit-b32", "", "text/plain");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 200) << started->body;
  EXPECT_EQ(nlohmann::json::parse(started->body)["model"], "clip-vit-b32");
  nlohmann::json s;
  for (int i = 0; i < 600; ++i) {
    s = status();
    if (s["setup"]["state"] == "done" || s["setup"]["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(s["setup"]["state"], "done") << s.dump() << server.log();
  EXPECT_GT(s["setup"]["total"].get<uint64_t>(), 0u);
  EXPECT_EQ(s["setup"]["done"], s["setup"]["total"]);
  EXPECT_EQ(ReadFile(ModelDir("openai--clip-vit-base-patch32") / "model.safetensors"),
            ReadFile(Golden() / "clip/tiny-b32/model.safetensors"));
  bool listed = false;
  for (const auto& m : s["setup"]["models"])
    if (m["name"] == "clip-vit-b32") listed = m["downloaded"].get<bool>();
  EXPECT_TRUE(listed);

  server.WaitReady();  // the refresh found the vectors and loaded the model for queries
  s = status();
  EXPECT_EQ(s["vectors"]["count"].get<int64_t>() + s["indexing"]["failed"].get<int64_t>(), assets)
      << s.dump();
  auto hits = c.Get("/api/search?q=a%20photo&mode=semantic");
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->status, 200) << hits->body;
  EXPECT_FALSE(nlohmann::json::parse(hits->body)["results"].empty());
}

}  // namespace
}  // namespace shoebox::testing
