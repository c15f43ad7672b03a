// Indexes the shared corpus' photos/ and checks every fact its manifest.jsonl states.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

using nlohmann::json;

std::string ExpectedFormat(const std::string& manifest_format) {
  static const std::map<std::string, std::string> kMap = {
      {"JPEG", "jpeg"}, {"PNG", "png"},   {"WEBP", "webp"}, {"Extended WEBP", "webp"},
      {"GIF", "gif"},   {"HEIC", "heic"}, {"HEIF", "heic"}, {"AVIF", "avif"},
      {"TIFF", "tiff"}, {"NEF", "raw"},   {"DNG", "raw"},   {"CR2", "raw"},
      {"JXL", "jxl"},   {"BMP", "bmp"}};
  auto it = kMap.find(manifest_format);
  return it == kMap.end() ? "?" + manifest_format : it->second;
}

// "2008:10:22 16:28:39" + "+02:00" -> "2008-10-22T16:28:39+02:00"
json ExpectedTakenAt(const json& image) {
  std::string d = image.value("capture_date", "unknown");
  if (d == "unknown" || d.size() < 19) return nullptr;
  std::string iso =
      d.substr(0, 4) + "-" + d.substr(5, 2) + "-" + d.substr(8, 2) + "T" + d.substr(11, 8);
  if (image.contains("capture_tz_offset") && image["capture_tz_offset"].is_string())
    iso += image["capture_tz_offset"].get<std::string>();
  return iso;
}

class CorpusFacts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    cli_ = new Cli(tmp_->path());
    corpus_ = new std::filesystem::path(CorpusPath());
    CliResult r = cli_->Run({"-q", "index", (*corpus_ / "photos").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    CliResult ls = cli_->Run({"ls", "--json"});
    ASSERT_EQ(ls.exit_code, 0) << ls.err;
    rows_ = new std::map<std::string, json>();
    for (const json& row : ls.Json()) (*rows_)[row["path"].get<std::string>()] = row;
  }
  static void TearDownTestSuite() {
    delete rows_;
    delete cli_;
    delete tmp_;
    delete corpus_;
  }

  static std::vector<json> Manifest(const std::string& category) {
    std::vector<json> out;
    std::ifstream in(*corpus_ / "manifest.jsonl");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) {
        json j = json::parse(line);
        if (j["category"] == category) out.push_back(j);
      }
    return out;
  }

  static inline TempDir* tmp_ = nullptr;
  static inline Cli* cli_ = nullptr;
  static inline std::filesystem::path* corpus_ = nullptr;
  static inline std::map<std::string, json>* rows_ = nullptr;
};

TEST_F(CorpusFacts, EveryPhotoMatchesItsManifestFacts) {
  auto manifest = Manifest("photos");
  ASSERT_GE(manifest.size(), 60u);
  std::string canon_root = std::filesystem::canonical(*corpus_).string();
  for (const json& m : manifest) {
    std::string path = canon_root + "/" + m["path"].get<std::string>();
    SCOPED_TRACE(path);
    auto it = rows_->find(path);
    ASSERT_NE(it, rows_->end()) << "not catalogued";
    const json& got = it->second;
    const json& img = m["image"];
    EXPECT_EQ(got["format"], ExpectedFormat(img["format"].get<std::string>()));
    EXPECT_EQ(got["size"], m["size"]);
    EXPECT_EQ(got["hash"].get<std::string>().size(), 32u);
    bool decodes = img["decode_check"]["ok"].get<bool>();
    // DNG.dng: ExifTool's sample had its pixel data stripped; LibRaw "decodes" junk and
    // has no preview, so we report it instead of pretending.
    bool stripped = m["path"] == "photos/raw/DNG.dng";
    if (decodes && !stripped) {
      EXPECT_TRUE(got["error"].is_null()) << got["error"];
      EXPECT_EQ(got["width"], img["width"]);
      EXPECT_EQ(got["height"], img["height"]);
      EXPECT_TRUE(got["thumbnail"].get<bool>());
    } else {
      EXPECT_TRUE(got["error"].is_string());
    }
    int orientation = img["orientation"].is_number() ? img["orientation"].get<int>() : 1;
    if (orientation < 1 || orientation > 8) orientation = 1;
    EXPECT_EQ(got["orientation"], orientation);
    EXPECT_EQ(got["taken_at"], ExpectedTakenAt(img));
    std::string make = img.value("make", "unknown"), model = img.value("model", "unknown");
    if (make == "unknown" && model == "unknown") {
      EXPECT_TRUE(got["camera"].is_null()) << got["camera"];
    } else {
      ASSERT_TRUE(got["camera"].is_object());
      EXPECT_EQ(got["camera"]["make"], make);
      EXPECT_EQ(got["camera"]["model"], model);
    }
    const json& gps = img["gps"];
    if (gps.is_null() || (gps[0].get<double>() == 0 && gps[1].get<double>() == 0)) {
      EXPECT_TRUE(got["gps"].is_null()) << got["gps"];
    } else {
      ASSERT_TRUE(got["gps"].is_object());
      EXPECT_NEAR(got["gps"]["lat"].get<double>(), gps[0].get<double>(), 1e-5);
      EXPECT_NEAR(got["gps"]["lon"].get<double>(), gps[1].get<double>(), 1e-5);
    }
  }
}

TEST_F(CorpusFacts, ExactCopiesShareOneAsset) {
  std::string root = std::filesystem::canonical(*corpus_).string() + "/photos/duplicates/";
  const json& a = rows_->at(root + "coffee original.png");
  const json& b = rows_->at(root + "exact copy/coffee original.png");
  EXPECT_EQ(a["id"], b["id"]);
  EXPECT_EQ(a["hash"], b["hash"]);
  EXPECT_NE(rows_->at(root + "coffee q90.jpg")["id"], a["id"]);  // near-duplicates stay apart
}

TEST_F(CorpusFacts, StatusCountsMatch) {
  CliResult r = cli_->Run({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0);
  json s = r.Json();
  auto manifest = Manifest("photos");
  EXPECT_EQ(s["files"], manifest.size());
  EXPECT_EQ(s["assets"], manifest.size() - 1);  // one exact copy
  EXPECT_EQ(s["missing"], 0);
  EXPECT_EQ(s["errors"], 2);  // CanonRaw.cr2 and the stripped DNG.dng
}

}  // namespace
}  // namespace shoebox::testing
