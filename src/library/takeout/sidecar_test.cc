#include "library/takeout/sidecar.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace shoebox::takeout {
namespace {

// Dates and places of every real sidecar in the corpus match its manifest.
TEST(TakeoutSidecar, RealSidecarsGiveTheManifestsDatesAndPlaces) {
  const auto corpus = shoebox::testing::CorpusPath();
  std::ifstream manifest(corpus / "manifest.jsonl");
  std::string line;
  int checked = 0;
  while (std::getline(manifest, line)) {
    auto j = nlohmann::json::parse(line);
    if (!j.contains("takeout") || j["takeout"].value("role", "") != "media sidecar") continue;
    const auto& t = j["takeout"];
    // Keys the manifest leaves out read as null (const operator[] would assert).
    auto at = [&](const char* k) { return t.contains(k) ? t[k] : nlohmann::json(); };
    auto s = ParseSidecar(shoebox::testing::ReadFile(corpus / j["path"].get<std::string>()));
    ASSERT_TRUE(s.ok()) << j["path"] << ": " << s.status().ToString();
    EXPECT_EQ(s->title, at("title")) << j["path"];
    ASSERT_TRUE(s->taken_utc) << j["path"];
    EXPECT_EQ(UtcIso(*s->taken_utc), at("photoTakenTime")) << j["path"];
    const auto geo = at("geoData");
    if (geo.is_array() && (geo[0].get<double>() != 0 || geo[1].get<double>() != 0)) {
      ASSERT_TRUE(s->lat && s->lon) << j["path"];
      EXPECT_DOUBLE_EQ(*s->lat, geo[0].get<double>());
      EXPECT_DOUBLE_EQ(*s->lon, geo[1].get<double>());
    } else {
      EXPECT_FALSE(s->lat) << j["path"] << ": (0, 0) means no place";
    }
    ++checked;
  }
  EXPECT_GE(checked, 35);
}

TEST(TakeoutSidecar, FlagsAltitudeAndAlbumMetadata) {
  const auto dir = shoebox::testing::CorpusPath() /
                   "libraries/google-takeout/immich-go-gophers/Takeout/Google Photos/gophers";
  auto fav = ParseSidecar(shoebox::testing::ReadFile(
      dir / "PinClipart.com_gopher-clipart_4000243.jpg.supplemental-metadata.json"));
  ASSERT_TRUE(fav.ok());
  EXPECT_TRUE(fav->favorited);
  auto plain = ParseSidecar(shoebox::testing::ReadFile(
      dir / "PinClipart.com_gopher-clipart_4000224.jpg.supplemental-metadata.json"));
  EXPECT_FALSE(plain->favorited);
  auto album = ParseAlbumMetadata(shoebox::testing::ReadFile(dir / "metadata.json"));
  ASSERT_TRUE(album.ok());
  EXPECT_EQ(album->title, "Gopher's gallery");
  auto dsc = ParseSidecar(shoebox::testing::ReadFile(
      shoebox::testing::CorpusPath() /
      "libraries/google-takeout/immich-go-Takeout3/Takeout/Photos from 2023/DSC_0238.JPG.json"));
  ASSERT_TRUE(dsc.ok());
  EXPECT_DOUBLE_EQ(*dsc->alt, 82.09);
  EXPECT_EQ(UtcIso(*dsc->created_utc), "2023-10-21T07:12:31Z");
  auto trashed = ParseSidecar(
      R"({"title": "a.jpg", "trashed": true, "geoData": {"latitude": 0, "longitude": 0},
                                  "geoDataExif": {"latitude": 1.5, "longitude": 2.5}})");
  ASSERT_TRUE(trashed.ok());
  EXPECT_TRUE(trashed->trashed);
  EXPECT_EQ(trashed->lat, 1.5) << "geoDataExif when geoData is (0, 0)";
  EXPECT_FALSE(trashed->taken_utc);
}

TEST(TakeoutSidecar, MalformedSidecarsSayWhatIsWrong) {
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"", "not JSON"},
           {"{\"title\": ", "not JSON"},
           {"[1, 2]", "not a JSON object"},
           {R"({"photoTakenTime": {"timestamp": "12abc"}})",
            "photoTakenTime.timestamp is not a number"},
           {R"({"photoTakenTime": "yesterday"})", "photoTakenTime is not an object"},
           {R"({"creationTime": {"timestamp": [1]}})", "creationTime.timestamp is not a number"}}) {
    auto s = ParseSidecar(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.status().message().find(why), std::string::npos) << s.status().message();
  }
  // Out-of-range coordinates are ignored, not trusted.
  auto s = ParseSidecar(R"({"geoData": {"latitude": 123.0, "longitude": 2.0}})");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->lat);
}

TEST(TakeoutSidecar, ADeeplyNestedSidecarIsRefusedSayingHowDeep) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto s = ParseSidecar(deep);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nested 100000 levels deep"), std::string::npos)
      << s.status().ToString();
  // Brackets inside strings are text, not nesting.
  auto fine = ParseSidecar(R"({"title": ")" + std::string(200, '[') + R"("})");
  EXPECT_TRUE(fine.ok()) << fine.status().ToString();
}

}  // namespace
}  // namespace shoebox::takeout
