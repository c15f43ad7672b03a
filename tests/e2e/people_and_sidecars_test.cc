// XMP sidecars beside photos in folders and the people libraries and photo tools name: a
// Lightroom-style sidecar (IMG.xmp) and a darktable-style one (IMG.CR2.xmp) merged into the
// catalog, the user's edits winning; a changed sidecar applied without decoding the photo
// again; a removed one giving the photo's own facts back; a damaged one recorded, never fatal;
// people from a photo's own XMP regions, a sidecar's and a Takeout export's, found by
// `--person`, by their names as words, and listed by `shoebox people`. The folders are never
// written.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "server_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Sidecar(const std::string& attributes, const std::string& body) {
  return R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
 xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
 xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#" )" +
         attributes + ">" + body + "</rdf:Description></rdf:RDF></x:xmpmeta>\n";
}

// What Lightroom writes for a photo the user rated, labelled, captioned, keyworded, and whose
// capture time and place they corrected.
std::string LightroomSidecar(int rating) {
  return Sidecar(
      "xmp:Rating=\"" + std::to_string(rating) +
          "\" xmp:Label=\"Red\" exif:DateTimeOriginal=\"2006-01-01T10:00:00+03:00\" "
          "exif:GPSLatitude=\"35,21.6N\" exif:GPSLongitude=\"138,43.8E\"",
      R"(<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Savanna morning</rdf:li></rdf:Alt></dc:title>
<dc:subject><rdf:Bag><rdf:li>giraffe</rdf:li></rdf:Bag></dc:subject>
<lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|Kenya|Nakuru</rdf:li></rdf:Bag></lr:hierarchicalSubject>)");
}

// darktable's, with a named face region (centre 0.5, 0.25; a fifth of the photo wide).
std::string DarktableSidecar() {
  return Sidecar("xmp:Rating=\"3\"",
                 R"(<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
<rdf:li rdf:parseType="Resource"><mwg-rs:Name>Ada Lovelace</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>
<mwg-rs:Area rdf:parseType="Resource"><stArea:x>0.5</stArea:x><stArea:y>0.25</stArea:y><stArea:w>0.2</stArea:w>
<stArea:h>0.1</stArea:h><stArea:unit>normalized</stArea:unit></mwg-rs:Area></rdf:li>
</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>)");
}

void SetMtime(const fs::path& p, int64_t seconds) {
  struct timeval tv[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimes(p.c_str(), tv), 0);
}

json Info(const Cli& cli, const fs::path& photo) {
  CliResult r = cli.Run({"info", "--json", photo.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? r.Json() : json();
}

json Index(const Cli& cli, const fs::path& folder) {
  CliResult r = cli.Run({"index", "--no-embed", "--no-ocr", "--json", folder.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? r.Json() : json();
}

std::vector<std::string> LsNames(const Cli& cli, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"ls", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  CliResult r = cli.Run(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> names;
  if (r.exit_code == 0)
    for (const auto& p : r.Json())
      names.push_back(fs::path(p["path"].get<std::string>()).filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(XmpSidecars, TheUsersEditsInASidecarWinAndFollowItsChangesAndRemoval) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path photos = tmp / "photos";
  fs::create_directories(photos);
  CopyFile(CorpusPath() / "photos/Cámaras antiguas/Kodak_CX7530.jpg", photos / "DSC_0001.jpg");
  WriteFile(photos / "DSC_0001.xmp", LightroomSidecar(5));
  CopyFile(CorpusPath() / "photos/raw/CanonRaw.cr2", photos / "IMG_0002.CR2");
  WriteFile(photos / "IMG_0002.CR2.xmp", DarktableSidecar());
  WriteFile(photos / "IMG_0009.xmp", DarktableSidecar());  // its photo was deleted
  SetMtime(photos / "DSC_0001.xmp", 1'600'000'000);

  json j = Index(cli, photos);
  EXPECT_EQ(j["sidecars"]["found"], 3);
  EXPECT_EQ(j["sidecars"]["applied"], 2);
  EXPECT_EQ(j["sidecars"]["orphans"], 1);
  EXPECT_EQ(j["seen"], 2);  // sidecars are not photos

  json a = Info(cli, photos / "DSC_0001.jpg");
  EXPECT_EQ(a["rating"], 5);
  EXPECT_EQ(a["color_label"], "Red");
  EXPECT_EQ(a["title"], "Savanna morning");
  EXPECT_EQ(a["taken_at"], "2006-01-01T10:00:00+03:00");  // the camera said 2005-08-13
  EXPECT_NEAR(a["gps"]["lat"].get<double>(), 35.36, 1e-9);
  EXPECT_EQ(a["keywords"], json::array({"Kenya", "Nakuru", "Places", "giraffe"}));
  EXPECT_EQ(LsNames(cli, {"--after", "2006", "--before", "2006-02"}),
            std::vector<std::string>{"DSC_0001.jpg"});
  EXPECT_EQ(SearchFileNames(cli, "nakuru", {"--mode", "text"}),
            std::vector<std::string>{"DSC_0001.jpg"});
  EXPECT_EQ(SearchFileNames(cli, "savanna", {"--mode", "text", "--min-rating", "5"}),
            std::vector<std::string>{"DSC_0001.jpg"});

  json raw = Info(cli, photos / "IMG_0002.CR2");
  EXPECT_EQ(raw["rating"], 3);
  ASSERT_TRUE(raw.contains("people")) << raw.dump();
  EXPECT_EQ(raw["people"][0]["name"], "Ada Lovelace");
  EXPECT_EQ(raw["people"][0]["from"], "sidecar");
  EXPECT_EQ(LsNames(cli, {"--person", "ada lovelace"}), std::vector<std::string>{"IMG_0002.CR2"});

  // Nothing changed: nothing is read again.
  j = Index(cli, photos);
  EXPECT_EQ(j["sidecars"]["applied"], 0);
  EXPECT_EQ(j["sidecars"]["unchanged"], 2);

  // The user lowers the rating and edits the keywords: applied, the photo not decoded again.
  std::string edited = LightroomSidecar(2);
  edited.replace(edited.find("giraffe"), 7, "zebra");
  WriteFile(photos / "DSC_0001.xmp", edited);
  SetMtime(photos / "DSC_0001.xmp", 1'600'000'100);
  j = Index(cli, photos);
  EXPECT_EQ(j["sidecars"]["applied"], 1);
  EXPECT_EQ(j["unchanged"], 2);
  EXPECT_EQ(j["added"], 0);
  a = Info(cli, photos / "DSC_0001.jpg");
  EXPECT_EQ(a["rating"], 2);
  EXPECT_EQ(a["keywords"], json::array({"Kenya", "Nakuru", "Places", "zebra"}));
  EXPECT_EQ(a["taken_at"], "2006-01-01T10:00:00+03:00");
  EXPECT_TRUE(SearchFileNames(cli, "giraffe", {"--mode", "text"}).empty());

  // A second, newer sidecar (darktable's beside Lightroom's) is the one that counts.
  WriteFile(photos / "DSC_0001.jpg.xmp", Sidecar("xmp:Rating=\"1\"", ""));
  SetMtime(photos / "DSC_0001.jpg.xmp", 1'600'000'200);
  j = Index(cli, photos);
  a = Info(cli, photos / "DSC_0001.jpg");
  EXPECT_EQ(a["rating"], 1);
  EXPECT_EQ(a["taken_at"], "2005-08-13T09:47:23");  // it edits no time: the camera's again

  // A damaged sidecar is recorded; what was applied stays.
  WriteFile(photos / "DSC_0001.jpg.xmp", "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF");
  SetMtime(photos / "DSC_0001.jpg.xmp", 1'600'000'300);
  j = Index(cli, photos);
  EXPECT_EQ(j["sidecars"]["unreadable"], 1);
  EXPECT_EQ(Info(cli, photos / "DSC_0001.jpg")["rating"], 1);
  CliResult errors = cli.Run({"errors", "--json"});
  ASSERT_EQ(errors.exit_code, 0);
  bool named = false;
  for (const auto& e : errors.Json())
    named |= e["path"] == (photos / "DSC_0001.jpg.xmp").string() &&
             e["reason"].get<std::string>().find("sidecar not applied") != std::string::npos;
  EXPECT_TRUE(named) << errors.out;

  // Both sidecars deleted: the photo's own facts are back, the user's words gone.
  const auto before = SnapshotTree(photos);
  fs::remove(photos / "DSC_0001.xmp");
  fs::remove(photos / "DSC_0001.jpg.xmp");
  j = Index(cli, photos);
  EXPECT_EQ(j["sidecars"]["removed"], 1);
  a = Info(cli, photos / "DSC_0001.jpg");
  EXPECT_EQ(a["taken_at"], "2005-08-13T09:47:23");
  EXPECT_NEAR(a["gps"]["lat"].get<double>(), -0.3713, 1e-3);
  EXPECT_FALSE(a.contains("title") && !a["title"].is_null()) << a.dump();
  EXPECT_EQ(a["keywords"], json::array());
  EXPECT_TRUE(SearchFileNames(cli, "nakuru", {"--mode", "text"}).empty());
  // Indexing read the sidecars and never wrote beside them.
  auto after = SnapshotTree(photos);
  for (const auto& [path, facts] : after) EXPECT_EQ(before.at(path), facts) << path;
}

TEST(People, NamesFromAPhotosOwnXmpASidecarAndTakeoutAreListedFilteredAndSearchable) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path photos = tmp / "photos";
  fs::create_directories(photos);
  CopyFile(CorpusPath() / "photos/jpeg-variants/grayscale portrait-orientation-6.jpg",
           photos / "curies.jpg");
  CopyFile(CorpusPath() / "photos/png/astronaut.png", photos / "astronaut.png");
  WriteFile(photos / "astronaut.png.xmp", DarktableSidecar());
  Index(cli, photos);
  CliResult r =
      cli.Run({"index", "--no-embed", "--no-ocr",
               (CorpusPath() / "libraries/google-takeout/seb-test-set1/Takeout").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = cli.Run({"people", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, json> people;
  for (const auto& p : r.Json()) people[p["name"]] = p;
  ASSERT_EQ(people.size(), 4u) << r.out;
  EXPECT_EQ(people["Marie Curie"]["photos"], 1);
  EXPECT_EQ(people["Sebastian"]["photos"], 1);
  EXPECT_FALSE(people["Sebastian"]["cover"].contains("box"));  // Takeout gives names only
  // The photo's own regions are of the stored pixels; shown upright they are where
  // Microsoft Photo's rectangles (of the upright photo) put them.
  const json box = people["Pierre Curie"]["cover"]["box"];
  ASSERT_EQ(box.size(), 4u);
  EXPECT_NEAR(box[0].get<double>(), 0.639286, 1e-5);
  EXPECT_NEAR(box[1].get<double>(), 0.118571, 1e-5);
  const json ada = people["Ada Lovelace"]["cover"]["box"];
  EXPECT_NEAR(ada[0].get<double>(), 0.4, 1e-9);  // centre 0.5, width 0.2
  EXPECT_NEAR(ada[1].get<double>(), 0.2, 1e-9);

  EXPECT_EQ(LsNames(cli, {"--person", "PIERRE CURIE"}), std::vector<std::string>{"curies.jpg"});
  EXPECT_TRUE(LsNames(cli, {"--person", "Nobody"}).empty());
  EXPECT_EQ(SearchFileNames(cli, "curie", {"--mode", "text"}),
            std::vector<std::string>{"curies.jpg"});
  EXPECT_EQ(SearchFileNames(cli, "sebastian", {"--mode", "text", "--person", "Sebastian"}).size(),
            1u);
  json info = Info(cli, photos / "curies.jpg");
  ASSERT_EQ(info["people"].size(), 2u);
  EXPECT_EQ(info["people"][0]["from"], "photo");

  // The web app gets the same list, and the photo page who is in it.
  {
    Server server(cli, tmp / "serve.log");
    server.WaitListening();
    auto c = server.Client();
    auto res = c.Get("/api/people");
    ASSERT_TRUE(res) << server.log();
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(json::parse(res->body)["people"], json::parse(cli.Run({"people", "--json"}).out));
    res = c.Get("/api/people?person=Sebastian");
    ASSERT_TRUE(res && res->status == 200);
    EXPECT_EQ(json::parse(res->body)["people"].size(), 1u);
    res = c.Get(("/api/assets/" + std::to_string(info["id"].get<int64_t>())).c_str());
    ASSERT_TRUE(res) << server.log();
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(json::parse(res->body)["people"].size(), 2u) << res->body;
  }

  // The sidecar goes: so does the name it gave.
  fs::remove(photos / "astronaut.png.xmp");
  Index(cli, photos);
  r = cli.Run({"people", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& p : r.Json()) EXPECT_NE(p["name"], "Ada Lovelace");
}

}  // namespace
}  // namespace shoebox::testing
