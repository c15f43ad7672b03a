// `shoebox import capture-one` / `shoebox index X.cocatalog`.
//
// No public Capture One catalog exists to copy, so the fixture is a miniature built here with
// the tables and columns Capture One 16 writes (Core Data: ZENTITIES, ZIMAGE, ZPATHLOCATION,
// ZVARIANT, ZVARIANTMETADATA linked by ZLAYER to the variant's combined settings, ZCOLLECTION
// with ZVARIANTINCOLLECTION / ZIMAGEINCOLLECTION) and their documented encodings: Windows
// backslashes in ZRELATIVEPATH, GPS as "degrees,decimal-minutes + hemisphere", keywords as
// "name||order" entries, colour tags by index. Four images: one stored inside the catalog,
// one referenced elsewhere (trashed), one referenced on an unmounted volume, one movie.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/sqlite_db.h"
#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void Exec(Database& db, const std::string& sql) {
  Status st = db.Exec(sql);
  ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
}

// <top>/Photos.cocatalog, its inside-catalog original, and <top>/External/Trips/2019/x.jpg.
fs::path BuildCatalog(const fs::path& top) {
  const fs::path bundle = top / "Photos.cocatalog";
  fs::create_directories(bundle);
  const fs::path photos = CorpusPath() / "photos";
  CopyFile(photos / "phones/Apple iPhone 4.jpg", bundle / "Originals/2022/10/9/DSCF1013.JPG");
  CopyFile(photos / "jpeg-variants/progressive Sony DSC-P12.jpg",
           top / "External/Trips/2019/DSC00042.JPG");
  Database db;
  EXPECT_TRUE(db.Open((bundle / "Photos.cocatalogdb").string(), true, false).ok());
  Exec(db, "CREATE TABLE ZENTITIES (Z_ENT INTEGER PRIMARY KEY, ZNAME VARCHAR)");
  Exec(db,
       "INSERT INTO ZENTITIES VALUES (2, 'AlbumCollection'), (5, 'SmartAlbumCollection'), (36, "
       "'CatalogFolderCollection'), (38, 'PathLocation')");
  Exec(db,
       "CREATE TABLE ZPATHLOCATION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
       "ZISRELATIVE INTEGER, "
       "ZMACROOT VARCHAR, ZWINROOT VARCHAR, ZRELATIVEPATH VARCHAR, ZVOLUME VARCHAR)");
  Exec(db,
       "INSERT INTO ZPATHLOCATION VALUES (1, 38, 1, 1, '', '', 'Originals\\2022\\10\\9', ''), "
       "(2, 38, 1, 0, '" +
           (top / "External").string() +
           "', '', 'Trips\\2019', ''), "
           "(3, 38, 1, 0, '/Volumes/Gone', '', 'Archive/2015', 'Gone')");
  Exec(db,
       "CREATE TABLE ZIMAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZIMAGEUUID "
       "VARCHAR, "
       "ZDISPLAYNAME VARCHAR, ZIMAGEFILENAME VARCHAR, ZIMAGELOCATION INTEGER, ZISINSIDECATALOG "
       "INTEGER, "
       "ZISTRASHED INTEGER, ZIMAGECLASSIFICATION INTEGER, ZGPSLATITUDE VARCHAR, ZGPSLONGITUDE "
       "VARCHAR, "
       "ZEXP_DATE TIMESTAMP)");
  Exec(db,
       "INSERT INTO ZIMAGE VALUES "
       "(10, 30, 1, 'C1-UUID-0010', 'DSCF1013', 'DSCF1013.JPG', 1, 1, 0, 19, '59,56.7543N', "
       "'10,45.0000E', 1665300000), "
       "(11, 30, 1, 'C1-UUID-0011', 'DSC00042', 'DSC00042.JPG', 2, 0, 1, 19, NULL, NULL, "
       "1560000000), "
       "(12, 30, 1, 'C1-UUID-0012', 'OLD', 'OLD.JPG', 3, 0, 0, 19, NULL, NULL, 1420000000), "
       "(13, 30, 1, 'C1-UUID-0013', 'CLIP', 'CLIP.MOV', 1, 1, 0, 6, NULL, NULL, 1665300000)");
  Exec(db,
       "CREATE TABLE ZVARIANT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZIMAGE "
       "INTEGER, "
       "ZVARIANTUUID VARCHAR, ZDEFAULTLAYER INTEGER, ZADJUSTMENTLAYER INTEGER, ZCOMBINEDSETTINGS "
       "INTEGER)");
  Exec(db,
       "INSERT INTO ZVARIANT VALUES (100, 31, 1, 10, 'V-100', 200, 201, 202), (101, 31, 1, 11, "
       "'V-101', 210, 211, 212), "
       "(102, 31, 1, 10, 'V-102', 220, 221, 222)");  // 102: a second variant of image 10
  Exec(db,
       "CREATE TABLE ZVARIANTMETADATA (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
       "ZLAYER INTEGER, "
       "ZBASIC_RATING INTEGER, ZCOLOR_TAG_INDEX INTEGER, ZCONTENT_KEYWORDS VARCHAR, ZSTATUS_TITLE "
       "VARCHAR, "
       "ZCONTENT_DESCRIPTION VARCHAR)");
  Exec(db,
       "INSERT INTO ZVARIANTMETADATA VALUES "
       "(300, 25, 1, 201, 2, 0, 'stale||0', NULL, NULL), "  // the adjustment layer: not what
                                                            // Capture One shows
       "(301, 25, 1, 202, 5, 1, 'marta||0,oslo||1', 'Harbour', 'Evening at the harbour'), "
       "(302, 25, 1, 212, 3, 5, '', NULL, NULL), "
       "(303, 25, 1, 222, 1, 2, 'copy||0', NULL, NULL)");
  Exec(db,
       "CREATE TABLE ZCOLLECTION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZNAME "
       "VARCHAR, ZPARENT INTEGER)");
  Exec(db,
       "INSERT INTO ZCOLLECTION VALUES (500, 2, 1, 'Oslo trip', -1), (501, 2, 1, 'Recent Imports', "
       "-1), "
       "(502, 5, 1, 'Five stars', -1), (503, 36, 1, NULL, -1)");
  Exec(db,
       "CREATE TABLE ZVARIANTINCOLLECTION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
       "ZCOLLECTION INTEGER, ZVARIANT INTEGER)");
  Exec(db,
       "INSERT INTO ZVARIANTINCOLLECTION VALUES (1, 40, 1, 500, 100), (2, 40, 1, 502, 100), (3, "
       "40, 1, 503, 101)");
  Exec(db,
       "CREATE TABLE ZIMAGEINCOLLECTION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
       "ZCOLLECTION INTEGER, ZIMAGE INTEGER)");
  Exec(db, "INSERT INTO ZIMAGEINCOLLECTION VALUES (1, 41, 1, 501, 11)");
  return bundle;
}

TEST(CaptureOneImport, CatalogImagesWithPathsRatingsKeywordsAndAlbums) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path top = fs::canonical(tmp.path()) / "lib";
  const fs::path bundle = BuildCatalog(top);
  const auto before = SnapshotTree(top);
  CliResult r = cli.Run({"index", "--no-embed", "--json", bundle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["library"]["kind"], "capture-one");
  EXPECT_EQ(j["library"]["assets"], 3);
  EXPECT_EQ(j["library"]["indexed"], 2);
  EXPECT_EQ(j["library"]["offline"], 1);
  EXPECT_EQ(j["library"]["skipped"], 1);

  r = cli.Run({"info", (bundle / "Originals/2022/10/9/DSCF1013.JPG").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = r.Json();
  EXPECT_EQ(a["source"]["kind"], "capture-one");
  EXPECT_EQ(a["external_id"], "C1-UUID-0010");
  EXPECT_EQ(a["rating"], 5) << "the combined settings, not the adjustment layer";
  EXPECT_EQ(a["color_label"], "Red");
  EXPECT_EQ(a["keywords"], json::array({"marta", "oslo"}));
  EXPECT_EQ(a["title"], "Harbour");
  EXPECT_EQ(a["description"], "Evening at the harbour");
  EXPECT_EQ(a["albums"], json::array({"Oslo trip"})) << "not smart albums, not folders";
  ASSERT_TRUE(a["gps"].is_object());
  EXPECT_NEAR(a["gps"]["lat"].get<double>(), 41.853, 1e-3) << "the photo's own GPS is kept";

  r = cli.Run({"info", (top / "External/Trips/2019/DSC00042.JPG").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json b = r.Json();
  EXPECT_EQ(b["trashed"], true);
  EXPECT_EQ(b["rating"], 3);
  EXPECT_EQ(b["color_label"], "Blue");
  EXPECT_EQ(b["albums"], json::array({"Recent Imports"}));
  ASSERT_TRUE(b["gps"].is_null());

  r = cli.Run({"errors", "--json"});
  bool offline = false;
  for (const auto& e : r.Json())
    if (e["path"] == "/Volumes/Gone/Archive/2015/OLD.JPG")
      offline = e["reason"].get<std::string>().find("offline") != std::string::npos;
  EXPECT_TRUE(offline) << r.out;

  // Re-import changes nothing; a -journal (Capture One writing) is respected.
  r = cli.Run({"import", "capture-one", "--no-embed", "--json", bundle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["added"], 0);
  EXPECT_EQ(SnapshotTree(top), before);
  WriteFile(bundle / "Photos.cocatalogdb-journal", std::string(512, '\0'));
  r = cli.Run({"import", "capture-one", "--no-embed", bundle.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("--force-read"), std::string::npos) << r.err;
  r = cli.Run({"import", "capture-one", "--no-embed", "--force-read", bundle.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Not a catalog.
  r = cli.Run({"import", "capture-one", "--no-embed", (tmp / "none.cocatalog").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not a Capture One catalog"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace shoebox::testing
