// `shoebox import lightroom` / `shoebox index CATALOG.lrcat` / `shoebox lrprev extract`.
//
// Fixtures: the corpus' real Lightroom 5 catalog (lrcat.rb's test_catalog_1: 4 images whose
// originals are not in any public repository, so all offline), and a "moved library" built
// from a copy of it: the catalog four folders down, its photos where its roots'
// relativePathFromCatalog says (two JPEGs and the corpus' real Nikon D1 NEF standing in for
// the originals), rows added with plain SQL to the real Lightroom 5 schema (rating, pick,
// colour label, caption, GPS, keywords, people, a collection, an orientation, a virtual copy),
// and a preview cache for the one still-offline image: `test_catalog_1 Previews.lrdata` with
// previews.db's ImageCacheEntry (imageId, uuid, digest) as Lightroom Classic lays it out and
// an .lrprev written section by section (no public .lrprev file exists to copy).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "catalog/sqlite_db.h"
#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kPreviewUuid[] = "7B3E1C55-1D2A-4C7E-9F10-2A3B4C5D6E7F";
constexpr char kPreviewDigest[] = "5f1d7a0c2b9e8d7c6b5a4f3e2d1c0b9a";
const char* const kNef7667 = "Pictures/2013/12-01 (MO) Pre-party Phoelix/_MAX7667.NEF";
const char* const kJpg3047 = "Dropbox/Photos/Exports Random/fb_vaasa/_MAX3047.jpg";
const char* const kJpg3065 = "Dropbox/Photos/Exports Random/fb_vaasa/_MAX3065.jpg";
const char* const kOffline7674 =
    "/Users/maxmouchet/Pictures/2013/12-01 (MO) Pre-party Phoelix/_MAX7674.NEF";

fs::path RealCatalog() {
  return CorpusPath() / "libraries/lightroom/test_catalog_1/test_catalog_1.lrcat";
}

void Exec(Database& db, const std::string& sql) {
  Status st = db.Exec(sql);
  ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
}

std::string PreviewFile(const std::string& level1, const std::string& level2) {
  const std::string header =
      std::string("pyramid = {\n\tcolorProfile = \"AdobeRGB\",\n\tcroppedHeight = 2832,\n") +
      "\tcroppedWidth = 4256,\n\tdigest = \"" + kPreviewDigest +
      "\",\n\tformatVersion = 3,\n\tfromProxy = false,\n\tlevels = {\n" +
      "\t\t{\n\t\t\theight = 1,\n\t\t\twidth = 1,\n\t\t},\n" +
      "\t\t{\n\t\t\theight = 968,\n\t\t\twidth = 1296,\n\t\t},\n\t},\n" +
      "\tquality = \"standard\",\n\tuuid = \"" + kPreviewUuid + "\",\n}\n";
  return LrprevSection("header", header) + LrprevSection("level_1", level1) +
         LrprevSection("level_2", level2);
}

// The moved library described above; returns the catalog's path.
// <top>/a/b/c/d/test_catalog_1.lrcat.
fs::path BuildMovedLibrary(const fs::path& top) {
  const fs::path catalog = top / "a/b/c/d/test_catalog_1.lrcat";
  CopyFile(RealCatalog(), catalog);
  fs::permissions(catalog, fs::perms::owner_read | fs::perms::owner_write);
  {
    Database db;
    EXPECT_TRUE(db.Open(catalog.string(), false, false).ok());
    // _MAX7667.NEF (id 21): five stars, picked, red, captioned, two keywords, a collection.
    Exec(db,
         "UPDATE Adobe_images SET rating = 5, pick = 1.0, colorLabels = 'Red' WHERE id_local = 21");
    Exec(db, "UPDATE AgLibraryIPTC SET caption = 'Pre-party at Phoelix' WHERE image = 21");
    // _MAX7674.NEF (id 40): rejected, turned 90 degrees clockwise; offline, with a preview.
    Exec(db, "UPDATE Adobe_images SET pick = -1.0, orientation = 'BC' WHERE id_local = 40");
    // _MAX3047.jpg (id 63): a place and a keyword; _MAX3065.jpg (id 78): three stars.
    Exec(db,
         "UPDATE AgHarvestedExifMetadata SET hasGPS = 1, gpsLatitude = 63.0951, gpsLongitude = "
         "21.6165 WHERE image = 63");
    Exec(db, "UPDATE Adobe_images SET rating = 3 WHERE id_local = 78");
    Exec(db,
         "INSERT INTO AgLibraryKeyword(id_local, id_global, name, lc_name, parent) VALUES "
         "(900, 'K-900', 'party', 'party', 20), (901, 'K-901', 'friends', 'friends', 20), "
         "(902, 'K-902', 'vaasa', 'vaasa', 20)");
    Exec(db,
         "INSERT INTO AgLibraryKeywordImage(id_local, image, tag) VALUES (910, 21, 900), (911, 21, "
         "901), (912, 63, 902)");
    Exec(db,
         "INSERT INTO AgLibraryCollection(id_local, creationId, name) VALUES "
         "(920, 'com.adobe.ag.library.collection', 'Best of 2013')");
    Exec(db,
         "INSERT INTO AgLibraryCollectionImage(id_local, collection, image) VALUES (930, 920, 21), "
         "(931, 920, 63), "
         "(932, 4, 78)");  // 4 is a smart collection: rules, not a membership
    // People on _MAX3065.jpg (id 78): Maria, confirmed, with her face region; Jussi only
    // suggested (a region, his keyword not on the image); Anna, a person keyword without a
    // region.
    Exec(db,
         "INSERT INTO AgLibraryKeyword(id_local, id_global, name, lc_name, parent, keywordType) "
         "VALUES (903, 'K-903', 'Maria Virtanen', 'maria virtanen', 20, 'person'), "
         "(904, 'K-904', 'Jussi', 'jussi', 20, 'person'), (905, 'K-905', 'Anna', 'anna', 20, "
         "'person')");
    Exec(db,
         "INSERT INTO AgLibraryKeywordImage(id_local, image, tag) VALUES (913, 78, 903), (914, 78, "
         "905)");
    Exec(db,
         "INSERT INTO AgLibraryFace(id_local, image, tl_x, tl_y, br_x, br_y) VALUES "
         "(950, 78, 0.1, 0.2, 0.3, 0.5), (951, 78, 0.6, 0.2, 0.7, 0.4)");
    Exec(db,
         "INSERT INTO AgLibraryKeywordFace(id_local, face, tag, userPick) VALUES "
         "(960, 950, 903, 1), (961, 951, 904, NULL)");
    // A virtual copy of _MAX3047.jpg: the same file, not a second photo.
    Exec(db,
         "INSERT INTO Adobe_images(id_local, id_global, rootFile, masterImage, copyName, "
         "captureTime, fileFormat) "
         "VALUES (940, 'VC-940', 64, 63, 'Copy 1', '2013-09-08T06:52:07.90', 'JPG')");
  }
  const fs::path photos = CorpusPath() / "photos";
  CopyFile(photos / "raw/RAW_NIKON_D1.NEF", top / kNef7667);
  CopyFile(photos / "jpeg-variants/progressive Sony DSC-P12.jpg", top / kJpg3047);
  CopyFile(photos / "phones/Apple iPhone 4.jpg", top / kJpg3065);
  // The preview cache: one entry, for the offline _MAX7674.NEF.
  const fs::path lrdata = top / "a/b/c/d/test_catalog_1 Previews.lrdata";
  {
    Database db;
    fs::create_directories(lrdata);
    EXPECT_TRUE(db.Open((lrdata / "previews.db").string(), true, false).ok());
    Exec(db,
         "CREATE TABLE ImageCacheEntry (imageId INTEGER PRIMARY KEY, uuid NOT NULL, digest NOT "
         "NULL, orientation)");
    Exec(db, std::string("INSERT INTO ImageCacheEntry VALUES (40, '") + kPreviewUuid + "', '" +
                 kPreviewDigest + "', 'AB')");
  }
  WriteFile(lrdata / "7/7B3E" / (std::string(kPreviewUuid) + "-" + kPreviewDigest + ".lrprev"),
            PreviewFile(ReadFile(photos / "jpeg-variants/1x1 Issue 508.jpg"),
                        ReadFile(photos / "phones/Apple iPhone 4.jpg")));
  return catalog;
}

TEST(LightroomImport, RealCatalogWithEveryOriginalOffline) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path catalog = fs::canonical(RealCatalog());
  const auto before = SnapshotTree(catalog.parent_path());
  CliResult r = cli.Run({"import", "lightroom", "--no-embed", "--json", catalog.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["library"]["kind"], "lightroom");
  EXPECT_EQ(j["library"]["assets"], 4);
  EXPECT_EQ(j["library"]["indexed"], 0);
  EXPECT_EQ(j["library"]["offline"], 4);
  EXPECT_EQ(j["library"]["problems"], 4);
  // Each is reported by its original's path, and known to the catalog as a missing file.
  r = cli.Run({"errors", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> reported;
  for (const auto& e : r.Json()) {
    reported.insert(e["path"].get<std::string>());
    EXPECT_NE(e["reason"].get<std::string>().find("offline"), std::string::npos) << e;
    EXPECT_NE(e["reason"].get<std::string>().find("no preview"), std::string::npos) << e;
  }
  EXPECT_EQ(reported,
            (std::set<std::string>{
                "/Users/maxmouchet/Dropbox/Photos/Exports Random/fb_vaasa/_MAX3047.jpg",
                "/Users/maxmouchet/Dropbox/Photos/Exports Random/fb_vaasa/_MAX3065.jpg",
                "/Users/maxmouchet/Pictures/2013/12-01 (MO) Pre-party Phoelix/_MAX7667.NEF",
                kOffline7674}));
  r = cli.Run({"info", kOffline7674});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not a usable photo"), std::string::npos) << r.err;
  // `index` recognises a catalog file; a second run changes nothing.
  r = cli.Run({"index", "--no-embed", "--json", catalog.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["library"]["offline"], 4);
  EXPECT_EQ(SnapshotTree(catalog.parent_path()), before);
}

TEST(LightroomImport, MovedLibraryResolvesWithFactsAndPreviews) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path top = fs::canonical(tmp.path()) / "library";
  const fs::path catalog = BuildMovedLibrary(top);
  const auto before = SnapshotTree(top);

  CliResult r = cli.Run({"import", "lightroom", "--no-embed", "--json", catalog.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["library"]["assets"], 4);
  EXPECT_EQ(j["library"]["indexed"], 4);
  EXPECT_EQ(j["library"]["stand_ins"], 1);
  EXPECT_EQ(j["library"]["offline"], 0);
  EXPECT_EQ(j["library"]["skipped"], 1) << "the virtual copy";
  EXPECT_EQ(j["library"]["albums"], 1);
  EXPECT_EQ(j["library"]["keywords"], 5);  // party, friends, vaasa; Maria's and Anna's
  EXPECT_EQ(j["added"], 4);

  r = cli.Run({"info", (top / kNef7667).string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json nef = r.Json();
  EXPECT_EQ(nef["source"]["kind"], "lightroom");
  EXPECT_EQ(nef["source"]["root"], catalog.string());
  EXPECT_EQ(nef["external_id"], "50025F26-FBAA-4EE4-9C13-1A6D6AA65C83");
  EXPECT_EQ(nef["original_filename"], "_MAX7667.NEF");
  EXPECT_EQ(nef["rating"], 5);
  EXPECT_EQ(nef["pick"], 1);
  EXPECT_EQ(nef["color_label"], "Red");
  EXPECT_EQ(nef["description"], "Pre-party at Phoelix");
  EXPECT_EQ(nef["keywords"], json::array({"friends", "party"}));
  EXPECT_EQ(nef["albums"], json::array({"Best of 2013"}));
  EXPECT_EQ(nef["format"], "raw");
  EXPECT_EQ(nef["library_orientation"], 1);

  r = cli.Run({"info", (top / kJpg3047).string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json sony = r.Json();
  ASSERT_TRUE(sony["gps"].is_object()) << sony;
  EXPECT_NEAR(sony["gps"]["lat"].get<double>(), 63.0951, 1e-6);
  EXPECT_EQ(sony["keywords"], json::array({"vaasa"}));
  EXPECT_EQ(sony["taken_at"], "2003-08-27T13:09:56") << "the camera's own time is kept";
  r = cli.Run({"info", (top / kJpg3065).string(), "--json"});
  EXPECT_EQ(r.Json()["rating"], 3);
  EXPECT_EQ(r.Json()["albums"], json::array()) << "smart collections are not memberships";
  // Confirmed people only, Maria with her face's region.
  const json people = r.Json()["people"];
  ASSERT_EQ(people.size(), 2u) << people;
  EXPECT_EQ(people[0]["name"], "Anna");
  EXPECT_FALSE(people[0].contains("box"));
  EXPECT_EQ(people[1]["name"], "Maria Virtanen");
  EXPECT_EQ(people[1]["from"], "library");
  ASSERT_EQ(people[1]["box"].size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(people[1]["box"][i].get<double>(), std::vector<double>({0.1, 0.2, 0.2, 0.3})[i],
                1e-9);
  r = cli.Run({"ls", "--json", "--person", "maria virtanen"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.Json().size(), 1u);
  EXPECT_EQ(r.Json()[0]["path"], (top / kJpg3065).string());

  // The offline original is indexed through its preview, turned as the catalog says, dated
  // from the catalog; asking for the original finds it.
  r = cli.Run({"info", kOffline7674, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json prev = r.Json();
  EXPECT_EQ(prev["stand_in"], "preview");
  EXPECT_EQ(prev["original_path"], kOffline7674);
  EXPECT_EQ(prev["pick"], -1);
  EXPECT_EQ(prev["orientation"], 6);
  EXPECT_EQ(prev["library_orientation"], 6);
  EXPECT_EQ(prev["width"], 1296);
  EXPECT_EQ(prev["taken_at"], "2013-12-01T23:39:00");
  const std::string preview_path = prev["path"].get<std::string>();
  EXPECT_EQ(preview_path.rfind((tmp / "home/cache").string(), 0), 0u)
      << "extracted into shoebox's cache: " << preview_path;

  // Re-import: nothing decoded or extracted again.
  const auto preview_time = fs::last_write_time(preview_path);
  r = cli.Run({"import", "lightroom", "--no-embed", "--json", catalog.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = r.Json();
  EXPECT_EQ(j["added"], 0);
  EXPECT_EQ(j["unchanged"], j["seen"]);
  EXPECT_EQ(fs::last_write_time(preview_path), preview_time);
  r = cli.Run({"info", (top / kNef7667).string(), "--json"});
  EXPECT_EQ(r.Json()["keywords"].size(), 2u);

  // While Lightroom has the catalog open, it is left alone unless the user insists.
  WriteFile(catalog.string() + ".lock", "lightroom pid 4242");
  r = cli.Run({"import", "lightroom", "--no-embed", catalog.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("--force-read"), std::string::npos) << r.err;
  r = cli.Run({"import", "lightroom", "--no-embed", "--force-read", catalog.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::remove(catalog.string() + ".lock");

  // Nothing in the library was written.
  EXPECT_EQ(SnapshotTree(top), before);
}

TEST(LightroomImport, SearchFiltersByCollectionKeywordAndRating) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path top = fs::canonical(tmp.path()) / "library";
  const fs::path catalog = BuildMovedLibrary(top);
  const fs::path model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  CliResult r = cli.Run({"-q", "index", "--model", model.string(), catalog.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto names = [&](std::vector<std::string> extra) {
    return SearchFileNames(cli, "a photo", extra);
  };
  EXPECT_EQ(names({}).size(), 4u);
  EXPECT_EQ(names({"--album", "Best of 2013"}),
            (std::vector<std::string>{"_MAX3047.jpg", "_MAX7667.NEF"}));
  EXPECT_EQ(names({"--keyword", "vaasa"}), (std::vector<std::string>{"_MAX3047.jpg"}));
  EXPECT_EQ(names({"--min-rating", "3"}),
            (std::vector<std::string>{"_MAX3065.jpg", "_MAX7667.NEF"}));
  EXPECT_EQ(names({"--source", catalog.string()}).size(), 4u);
}

TEST(LightroomImport, MalformedCatalogsGetClearErrors) {
  TempDir tmp;
  Cli cli(tmp / "home");
  WriteFile(tmp / "garbage.lrcat", std::string(4096, 'G'));
  CliResult r = cli.Run({"import", "lightroom", "--no-embed", (tmp / "garbage.lrcat").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("garbage.lrcat: not a readable SQLite database"), std::string::npos)
      << r.err;
  {
    Database db;
    ASSERT_TRUE(db.Open((tmp / "other.lrcat").string(), true, false).ok());
    ASSERT_TRUE(db.Exec("CREATE TABLE Adobe_images(id_local INTEGER)").ok());
  }
  r = cli.Run({"import", "lightroom", "--no-embed", (tmp / "other.lrcat").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not a Lightroom catalog (no AgLibraryFile table)"), std::string::npos)
      << r.err;
  r = cli.Run({"import", "lightroom", "--no-embed", (tmp / "missing.lrcat").string()});
  EXPECT_NE(r.exit_code, 0);
  r = cli.Run({"import", "lightroom", "--no-embed", tmp.path().string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("is not a Lightroom catalog"), std::string::npos) << r.err;
  // A damaged preview cache does not stop the import: the offline originals are reported.
  const fs::path top = fs::canonical(tmp.path()) / "library";
  const fs::path catalog = BuildMovedLibrary(top);
  WriteFile(top / "a/b/c/d/test_catalog_1 Previews.lrdata/previews.db", "not sqlite");
  r = cli.Run({"import", "lightroom", "--no-embed", "--json", catalog.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["library"]["offline"], 1);
  r = cli.Run({"errors", "--json"});
  bool named = false;
  for (const auto& e : r.Json())
    if (e["path"] == kOffline7674)
      named = e["reason"].get<std::string>().find("previews.db: not a readable SQLite database") !=
              std::string::npos;
  EXPECT_TRUE(named) << r.out;
}

TEST(LrprevExtract, WritesPreviewsNamedAndStampedFromTheCatalog) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path top = fs::canonical(tmp.path()) / "library";
  const fs::path catalog = BuildMovedLibrary(top);
  const fs::path lrdata = top / "a/b/c/d/test_catalog_1 Previews.lrdata";
  const auto before = SnapshotTree(top);
  // With the catalog: the original's name, its orientation and capture time as EXIF.
  CliResult r = cli.Run({"lrprev", "extract", lrdata.string(), "--out", (tmp / "out").string(),
                         "--catalog", catalog.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json line = json::parse(r.out);
  EXPECT_EQ(line["level"], 2);
  EXPECT_EQ(line["width"], 1296);
  EXPECT_EQ(line["original"], kOffline7674);
  const fs::path out = tmp / "out/_MAX7674.jpg";
  ASSERT_TRUE(fs::exists(out)) << r.out;
  // Read back through shoebox itself: EXIF orientation 6, the catalog's capture time.
  r = cli.Run({"index", "--no-embed", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = cli.Run({"info", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["orientation"], 6);
  EXPECT_EQ(r.Json()["taken_at"], "2013-12-01T23:39:00");
  EXPECT_EQ(r.Json()["width"], 1296);
  // Without a catalog: named by the preview's uuid; --level picks a smaller one.
  const fs::path file =
      lrdata / "7/7B3E" / (std::string(kPreviewUuid) + "-" + kPreviewDigest + ".lrprev");
  r = cli.Run({"lrprev", "extract", file.string(), "--out", (tmp / "bare").string(), "--level", "1",
               "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["level"], 1);
  EXPECT_TRUE(fs::exists(tmp / "bare" / (std::string(kPreviewUuid) + ".jpg")));
  r = cli.Run(
      {"lrprev", "extract", file.string(), "--out", (tmp / "bare").string(), "--level", "7"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no level 7 (it has levels 1-2)"), std::string::npos) << r.err;
  // Never into the cache being read.
  r = cli.Run({"lrprev", "extract", lrdata.string(), "--out", (lrdata / "x").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("inside the previews being read"), std::string::npos) << r.err;
  EXPECT_EQ(SnapshotTree(top), before);
}

TEST(LrprevExtract, DamagedFilesAreNamedAndTheRestExtracted) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const std::string jpeg = ReadFile(CorpusPath() / "photos/jpeg-variants/1x1 Issue 508.jpg");
  const std::string good = PreviewFile(jpeg, jpeg);
  const fs::path dir = tmp / "previews";
  WriteFile(dir / "a/good.lrprev", good);
  WriteFile(dir / "b/truncated.lrprev", good.substr(0, good.size() - 100));
  WriteFile(dir / "c/garbage.lrprev", std::string(200, 'Z'));
  CliResult r = cli.Run({"lrprev", "extract", dir.string(), "--out", (tmp / "out").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("truncated.lrprev"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated?"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("garbage.lrprev: section at byte 0: no AgHg marker"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("extracted 1 of 3 previews"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(tmp / "out/good.jpg")) << "named after the file when no catalog maps it";
}

}  // namespace
}  // namespace shoebox::testing
