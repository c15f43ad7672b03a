// The CLI's JSON shapes and exit codes, which later tooling relies on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog_test_access.h"
#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

using nlohmann::json;

class CliJson : public ::testing::Test {
 protected:
  void SetUp() override {
    lib_ = std::filesystem::canonical(tmp_.path()) / "Fotos de viaje";
    CopyFile(DataPath("fixtures/Canon_40D.jpg"), lib_ / "2008/Canon 40D.jpg");
    CopyFile(DataPath("fixtures/landscape_6.jpg"), lib_ / "rotated/landscape 6.jpg");
    CopyFile(DataPath("fixtures/truncated.jpg"), lib_ / "broken.jpg");
    CopyFile(DataPath("fixtures/palette_color.png"), lib_ / "png/palette.png");
    CliResult r = cli_.Run({"-q", "index", lib_.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  TempDir tmp_;
  Cli cli_{tmp_ / "home"};
  std::filesystem::path lib_;
};

TEST_F(CliJson, InfoByPathAndById) {
  CliResult r = cli_.Run({"info", "--json", (lib_ / "2008/Canon 40D.jpg").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  for (const char* key : {"id", "path", "hash", "size", "format", "width", "height", "orientation",
                          "taken_at", "camera", "gps", "error"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["format"], "jpeg");
  EXPECT_EQ(j["camera"]["make"], "Canon");
  EXPECT_EQ(j["taken_at"], "2008-05-30T15:56:01");
  EXPECT_TRUE(j["gps"].is_null());
  EXPECT_TRUE(j["error"].is_null());
  json by_id = cli_.Run({"info", "--json", std::to_string(j["id"].get<int64_t>())}).Json();
  EXPECT_EQ(by_id["hash"], j["hash"]);
  CliResult text = cli_.Run({"info", std::to_string(j["id"].get<int64_t>())});
  EXPECT_NE(text.out.find("Canon EOS 40D"), std::string::npos);
}

TEST_F(CliJson, StatusAndErrorsShapes) {
  json s = cli_.Run({"status", "--json"}).Json();
  EXPECT_EQ(s["files"], 4);
  EXPECT_EQ(s["assets"], 4);
  EXPECT_EQ(s["missing"], 0);
  EXPECT_EQ(s["errors"], 1);
  EXPECT_EQ(s["catalog"], cli_.catalog().string());
  json e = cli_.Run({"errors", "--json"}).Json();
  ASSERT_TRUE(e.is_array());
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]["path"], (lib_ / "broken.jpg").string());
  EXPECT_NE(e[0]["reason"].get<std::string>().find("truncated"), std::string::npos);
}

TEST_F(CliJson, LsFilters) {
  EXPECT_EQ(cli_.Run({"ls", "--json"}).Json().size(), 4u);
  EXPECT_EQ(cli_.Run({"ls", "--json", "--format", "png"}).Json().size(), 1u);
  EXPECT_EQ(cli_.Run({"ls", "--json", "--folder", (lib_ / "rotated").string()}).Json().size(), 1u);
  EXPECT_EQ(
      cli_.Run({"ls", "--json", "--after", "2008-01-01", "--before", "2009-01-01"}).Json().size(),
      1u);
}

TEST_F(CliJson, ThumbWritesAnUprightJpeg) {
  json j = cli_.Run({"info", "--json", (lib_ / "rotated/landscape 6.jpg").string()}).Json();
  std::filesystem::path out = tmp_ / "t.jpg";
  CliResult r = cli_.Run({"thumb", std::to_string(j["id"].get<int64_t>()), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string bytes = ReadFile(out);
  ASSERT_GT(bytes.size(), 100u);
  EXPECT_EQ(bytes.substr(0, 3), "\xFF\xD8\xFF");
  CliResult bad = cli_.Run({"thumb", (lib_ / "broken.jpg").string(), "--out", out.string()});
  EXPECT_NE(bad.exit_code, 0);
}

TEST_F(CliJson, GcForgetsLongMissingFilesAndTheirPhotos) {
  std::filesystem::remove(lib_ / "png/palette.png");
  json idx = cli_.Run({"-q", "index", "--json", lib_.string()}).Json();
  EXPECT_EQ(idx["missing"], 1);
  EXPECT_EQ(cli_.Run({"status", "--json"}).Json()["missing"], 1);
  json kept = cli_.Run({"gc", "--json"}).Json();  // default: 30 days
  EXPECT_EQ(kept["files_removed"], 0);
  json gc = cli_.Run({"gc", "--json", "--older-than", "-1"}).Json();
  EXPECT_EQ(gc["files_removed"], 1);
  EXPECT_EQ(gc["assets_removed"], 1);
  json s = cli_.Run({"status", "--json"}).Json();
  EXPECT_EQ(s["missing"], 0);
  EXPECT_EQ(s["assets"], 3);
}

TEST_F(CliJson, FatalProblemsExitNonZeroWithAClearMessage) {
  CliResult missing = cli_.Run({"index", (tmp_ / "no such folder").string()});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("no such folder"), std::string::npos);
  CliResult not_found = cli_.Run({"info", "/nowhere.jpg"});
  EXPECT_EQ(not_found.exit_code, 4);
  {
    auto cat = Catalog::Open(cli_.catalog(), false);
    ASSERT_TRUE(cat.ok());
    ASSERT_TRUE(CatalogDb(**cat).Exec("PRAGMA user_version=99").ok());
  }
  CliResult newer = cli_.Run({"index", lib_.string()});
  EXPECT_EQ(newer.exit_code, 1);
  EXPECT_NE(newer.err.find("newer shoebox"), std::string::npos) << newer.err;
  Cli fresh(tmp_ / "fresh");
  CliResult no_catalog = fresh.Run({"status"});
  EXPECT_EQ(no_catalog.exit_code, 4);
  EXPECT_NE(no_catalog.err.find("shoebox index"), std::string::npos);
}

TEST_F(CliJson, HelpForEverySubcommand) {
  for (const char* cmd : {"index", "status", "info", "errors", "ls", "thumb", "gc"}) {
    CliResult r = cli_.Run({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(cli_.Run({"--bogus"}).exit_code, 2);
}

TEST_F(CliJson, DbFlagAndEnvironmentChooseTheCatalog) {
  std::filesystem::path other = tmp_ / "elsewhere/cat.db";
  ASSERT_EQ(cli_.Run({"--db", other.string(), "-q", "index", (lib_ / "png").string()}).exit_code,
            0);
  EXPECT_TRUE(std::filesystem::exists(other));
  EXPECT_EQ(cli_.Run({"--db", other.string(), "status", "--json"}).Json()["files"], 1);
}

}  // namespace
}  // namespace shoebox::testing
