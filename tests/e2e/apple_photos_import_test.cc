// `shoebox import apple-photos` / `shoebox index LIBRARY.photoslibrary`.
//
// Two kinds of fixture: the corpus' real osxphotos libraries (Photos 5 on macOS 10.15.1 with
// one photo, ZGENERICASSET; an empty Ventura 13.5 library, ZASSET), and a miniature library
// built here from the real Ventura 13.5 database — its schema, entity numbers and join-table
// names untouched, Core Data's triggers dropped (they call functions only Photos has) — with
// six assets inserted into its WAL only, as Photos leaves them before a checkpoint: an
// original with album, keywords, title, description and a named face; a hidden PNG without EXIF
// (date and place from Photos); an iCloud-only photo with two derivatives; a trashed photo; an
// iCloud-only photo without derivatives; a video.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "catalog/sqlite_db.h"
#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kUuidA[] = "A1B2C3D4-0000-4000-8000-00000000000A";
constexpr char kUuidB[] = "B1B2C3D4-0000-4000-8000-00000000000B";
constexpr char kUuidC[] = "C1B2C3D4-0000-4000-8000-00000000000C";
constexpr char kUuidD[] = "D1B2C3D4-0000-4000-8000-00000000000D";
constexpr char kUuidE[] = "E1B2C3D4-0000-4000-8000-00000000000E";
constexpr char kUuidF[] = "F1B2C3D4-0000-4000-8000-00000000000F";

// Seconds since 2001-01-01 UTC for a UTC calendar time.
double CoreDataTime(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<double>(timegm(&tm) - 978307200);
}

int64_t Entity(Database& db, const std::string& name) {
  auto q = db.Prepare("SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = ?1");
  EXPECT_TRUE(q.ok());
  q->Bind(1, name);
  Status st;
  EXPECT_TRUE(q->Step(&st)) << name;
  return q->Int(0);
}

void Exec(Database& db, const std::string& sql) {
  Status st = db.Exec(sql);
  ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
}

// The miniature Ventura library described above, as <dir>/Mini.photoslibrary.
fs::path BuildVenturaLibrary(const fs::path& dir) {
  const fs::path real =
      CorpusPath() /
      "libraries/apple-photos/Test-Empty-Library-Ventura-13-5.photoslibrary/database";
  const fs::path work = dir / "build";
  const fs::path bundle = dir / "Mini.photoslibrary";
  for (const char* s : {"", "-wal", "-shm"}) {
    CopyFile(real / (std::string("Photos.sqlite") + s), work / (std::string("Photos.sqlite") + s));
    fs::permissions(work / (std::string("Photos.sqlite") + s),
                    fs::perms::owner_read | fs::perms::owner_write);
  }
  Database db;
  EXPECT_TRUE(db.Open((work / "Photos.sqlite").string(), false, false).ok());
  Exec(db, "PRAGMA wal_autocheckpoint=0");
  std::vector<std::string> triggers;
  {
    auto q = db.Prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'");
    Status st;
    while (q->Step(&st)) triggers.push_back(q->Text(0));
  }
  for (const auto& t : triggers) Exec(db, "DROP TRIGGER \"" + t + "\"");
  const int64_t asset = Entity(db, "Asset"), attrs = Entity(db, "AdditionalAssetAttributes"),
                desc = Entity(db, "AssetDescription"), album = Entity(db, "Album"),
                keyword = Entity(db, "Keyword");
  const std::string album_join = "Z_" + std::to_string(album) + "ASSETS";
  const std::string kw_join = "Z_" + std::to_string(attrs) + "KEYWORDS";
  struct Row {
    int pk;
    const char* uuid;
    const char* dir;
    const char* file;
    double created;
    double lat, lon;
    int favorite, hidden, trashed, kind;
    const char* original_name;
    const char* title;
    int tz;
  };
  const Row rows[] = {
      {1, kUuidA, "A", "A1B2C3D4-0000-4000-8000-00000000000A.jpeg",
       CoreDataTime(2011, 1, 13, 13, 33, 39), 41.9, 12.5, 1, 0, 0, 0, "IMG_0001.JPG", "Colosseum",
       3600},
      {2, kUuidB, "B", "B1B2C3D4-0000-4000-8000-00000000000B.png",
       CoreDataTime(2020, 1, 2, 3, 4, 5), 35.3606, 138.7274, 0, 1, 0, 0, "astronaut.png", nullptr,
       32400},
      {3, kUuidC, "C", "C1B2C3D4-0000-4000-8000-00000000000C.heic",
       CoreDataTime(2003, 8, 27, 11, 9, 56), -180, -180, 0, 0, 0, 0, "IMG_0003.HEIC", nullptr,
       7200},
      {4, kUuidD, "D", "D1B2C3D4-0000-4000-8000-00000000000D.jpeg",
       CoreDataTime(2011, 4, 2, 16, 30, 10), -180, -180, 0, 0, 1, 0, "IMG_0004.JPG", nullptr, 7200},
      {5, kUuidE, "E", "E1B2C3D4-0000-4000-8000-00000000000E.jpeg",
       CoreDataTime(2022, 5, 5, 5, 5, 5), -180, -180, 0, 0, 0, 0, "IMG_0005.JPG", nullptr, 0},
      {6, kUuidF, "F", "F1B2C3D4-0000-4000-8000-00000000000F.mov",
       CoreDataTime(2022, 6, 6, 6, 6, 6), -180, -180, 0, 0, 0, 1, "IMG_0006.MOV", nullptr, 0},
  };
  Exec(db, "BEGIN");
  for (const Row& r : rows) {
    auto ins = db.Prepare(
        "INSERT INTO ZASSET(Z_PK, Z_ENT, Z_OPT, ZUUID, ZDIRECTORY, ZFILENAME, ZDATECREATED, "
        "ZLATITUDE, ZLONGITUDE, "
        "ZFAVORITE, ZHIDDEN, ZTRASHEDSTATE, ZKIND, ZADDITIONALATTRIBUTES) "
        "VALUES(?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?1)");
    ins->Bind(1, int64_t{r.pk})
        .Bind(2, asset)
        .Bind(3, r.uuid)
        .Bind(4, r.dir)
        .Bind(5, r.file)
        .Bind(6, r.created);
    ins->Bind(7, r.lat)
        .Bind(8, r.lon)
        .Bind(9, r.favorite)
        .Bind(10, r.hidden)
        .Bind(11, r.trashed)
        .Bind(12, r.kind);
    EXPECT_TRUE(ins->Run().ok());
    auto attr = db.Prepare(
        "INSERT INTO ZADDITIONALASSETATTRIBUTES(Z_PK, Z_ENT, Z_OPT, ZASSET, ZORIGINALFILENAME, "
        "ZTITLE, "
        "ZTIMEZONEOFFSET, ZASSETDESCRIPTION) VALUES(?1, ?2, 1, ?1, ?3, ?4, ?5, ?6)");
    attr->Bind(1, int64_t{r.pk}).Bind(2, attrs).Bind(3, r.original_name);
    if (r.title)
      attr->Bind(4, r.title);
    else
      attr->BindNull(4);
    attr->Bind(5, r.tz);
    if (r.pk == 1)
      attr->Bind(6, int64_t{1});
    else
      attr->BindNull(6);
    EXPECT_TRUE(attr->Run().ok());
  }
  Exec(db,
       "INSERT INTO ZASSETDESCRIPTION(Z_PK, Z_ENT, Z_OPT, ZASSETATTRIBUTES, ZLONGDESCRIPTION) "
       "VALUES(1, " +
           std::to_string(desc) + ", 1, 1, 'Evening walk by the arena')");
  // Albums: Rome (A, D), Space (B), a trashed album (A) and a smart album (kind 1507).
  Exec(db,
       "INSERT INTO ZGENERICALBUM(Z_PK, Z_ENT, Z_OPT, ZKIND, ZTITLE, ZTRASHEDSTATE) VALUES "
       "(900, " +
           std::to_string(album) + ", 1, 2, 'Rome', 0), (901, " + std::to_string(album) +
           ", 1, 2, 'Space', 0), (902, " + std::to_string(album) +
           ", 1, 2, 'Deleted album', 1), (903, " + std::to_string(album) +
           ", 1, 1507, 'Smart', 0)");
  Exec(db, "INSERT INTO " + album_join +
               " VALUES (900, 1, 1), (900, 4, 2), (901, 2, 1), (902, 1, 1), (903, 1, 1)");
  Exec(db, "INSERT INTO ZKEYWORD(Z_PK, Z_ENT, Z_OPT, ZTITLE) VALUES (1, " +
               std::to_string(keyword) + ", 1, 'travel'), (2, " + std::to_string(keyword) +
               ", 1, 'family')");
  Exec(db, "INSERT INTO " + kw_join + " VALUES (1, 1), (1, 2)");
  // People: Ada (full name) in A, with a face box, and a hidden face of hers in D; Grace
  // (display name only) in B without a box; an unnamed cluster in A.
  const std::string person = std::to_string(Entity(db, "Person")),
                    face = std::to_string(Entity(db, "DetectedFace"));
  Exec(db,
       "INSERT INTO ZPERSON(Z_PK, Z_ENT, Z_OPT, ZFULLNAME, ZDISPLAYNAME, ZFACECOUNT) VALUES "
       "(1, " +
           person + ", 1, 'Ada Lovelace', 'Ada', 2), (2, " + person + ", 1, '', 'Grace', 1), (3, " +
           person + ", 1, NULL, NULL, 1)");
  // A's face: centre (0.5, 0.75 from the bottom), a fifth of the longer side of a 1000x500
  // analysis image: 0.2 of the width, 0.4 of the height, top-left (0.4, 0.05).
  Exec(db,
       "INSERT INTO ZDETECTEDFACE(Z_PK, Z_ENT, Z_OPT, ZASSET, ZPERSON, ZCENTERX, ZCENTERY, ZSIZE, "
       "ZSOURCEWIDTH, ZSOURCEHEIGHT, ZHIDDEN, ZISINTRASH) VALUES "
       "(1, " +
           face + ", 1, 1, 1, 0.5, 0.75, 0.2, 1000, 500, 0, 0), (2, " + face +
           ", 1, 2, 2, NULL, NULL, NULL, 0, 0, 0, 0), (3, " + face +
           ", 1, 1, 3, 0.2, 0.2, 0.1, 1000, 500, 0, 0), (4, " + face +
           ", 1, 4, 1, 0.5, 0.5, 0.1, 1000, 500, 1, 0)");
  Exec(db, "COMMIT");
  // Copied while the writer is open: the rows are in the -wal only, as Photos leaves them.
  for (const char* s : {"", "-wal", "-shm"})
    CopyFile(work / (std::string("Photos.sqlite") + s),
             bundle / "database" / (std::string("Photos.sqlite") + s));
  db.Close();

  const fs::path photos = CorpusPath() / "photos";
  CopyFile(photos / "phones/Apple iPhone 4.jpg", bundle / "originals/A" / rows[0].file);
  CopyFile(photos / "png/astronaut.png", bundle / "originals/B" / rows[1].file);
  CopyFile(photos / "jpeg-variants/progressive Sony DSC-P12.jpg",
           bundle / "resources/derivatives/C" / (std::string(kUuidC) + "_1_105_c.jpeg"));
  CopyFile(photos / "jpeg-variants/1x1 Issue 508.jpg",
           bundle / "resources/derivatives/masters/C" / (std::string(kUuidC) + "_4_5005_c.jpeg"));
  CopyFile(photos / "phones/Samsung GT-I9000 (Galaxy S).jpg",
           bundle / "originals/D" / rows[3].file);
  CopyFile(TestVideos() / "rotated.mov", bundle / "originals/F" / rows[5].file);
  return bundle;
}

int64_t CountAssetsIgnoringWal(const fs::path& db_path) {
  sqlite3* db = nullptr;
  const std::string uri = "file:" + db_path.string() + "?immutable=1";
  EXPECT_EQ(sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr),
            SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM ZASSET", -1, &st, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
  const int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

TEST(ApplePhotosImport, RealPhotos5LibraryWithItsWal) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path bundle =
      fs::canonical(CorpusPath() / "libraries/apple-photos/Test-Lock-10_15_1.photoslibrary");
  const auto before = SnapshotTree(bundle);
  // `index` recognises the bundle by its structure.
  CliResult r = cli.Run({"index", "--no-embed", "--json", bundle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["library"]["kind"], "apple-photos");
  EXPECT_EQ(j["library"]["assets"], 1);
  EXPECT_EQ(j["library"]["indexed"], 1);
  EXPECT_EQ(j["added"], 1);
  // The facts of manifest.jsonl (osxphotos' own test expectations for this library).
  const fs::path original = bundle / "originals/E/E1E4B1A5-AC21-4CAD-AA64-34BB96CE5B37.jpeg";
  r = cli.Run({"info", original.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = r.Json();
  EXPECT_EQ(a["source"]["kind"], "apple-photos");
  EXPECT_EQ(a["source"]["root"], bundle.string());
  EXPECT_EQ(a["external_id"], "E1E4B1A5-AC21-4CAD-AA64-34BB96CE5B37");
  EXPECT_EQ(a["original_filename"], "WEDDING.JPG");
  EXPECT_EQ(a["width"], 2048);
  EXPECT_EQ(a["height"], 1367);
  // 2019-04-15 21:40:24 UTC, taken in America/Los_Angeles (-25200 s).
  EXPECT_EQ(a["taken_at"], "2019-04-15T14:40:24-07:00");
  EXPECT_EQ(a["gps"], nullptr);
  EXPECT_EQ(a["favorite"], false);
  EXPECT_EQ(a["hidden"], false);
  EXPECT_EQ(a["trashed"], false);
  EXPECT_EQ(a["title"], nullptr);
  EXPECT_EQ(a["description"], "Bride Wedding day");
  EXPECT_EQ(a["keywords"], json::array({"Maria"}));
  EXPECT_EQ(a["albums"], json::array());
  // The modern (ZASSET) schema family reads too, though this library is empty.
  const fs::path ventura = fs::canonical(
      CorpusPath() / "libraries/apple-photos/Test-Empty-Library-Ventura-13-5.photoslibrary");
  const auto ventura_before = SnapshotTree(ventura);
  r = cli.Run({"import", "apple-photos", "--no-embed", "--json", ventura.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["library"]["assets"], 0);
  EXPECT_EQ(SnapshotTree(bundle), before);
  EXPECT_EQ(SnapshotTree(ventura), ventura_before);
}

TEST(ApplePhotosImport, MiniatureVenturaLibraryCarriesEveryFact) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path bundle = BuildVenturaLibrary(tmp.path());
  const fs::path db = bundle / "database/Photos.sqlite";
  ASSERT_EQ(CountAssetsIgnoringWal(db), 0) << "the fixture's rows must live in the WAL only";
  const auto before = SnapshotTree(bundle);

  CliResult r = cli.Run({"import", "apple-photos", "--no-embed", "--json", bundle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["library"]["assets"], 6);  // A, B, C (derivative), D, E (unreadable), F (a video)
  EXPECT_EQ(j["library"]["indexed"], 5);
  EXPECT_EQ(j["library"]["offline"], 1);
  EXPECT_EQ(j["library"]["stand_ins"], 1);
  EXPECT_EQ(j["library"]["problems"], 1);
  EXPECT_EQ(j["library"]["skipped"], 0);
  {
    // A video of the library is catalogued with what Photos knows about it.
    CliResult f =
        cli.Run({"info", "--json",
                 (bundle / "originals/F/F1B2C3D4-0000-4000-8000-00000000000F.mov").string()});
    ASSERT_EQ(f.exit_code, 0) << f.err;
    json v = f.Json();
    EXPECT_EQ(v["format"], "mov");
    EXPECT_EQ(v["original_filename"], "IMG_0006.MOV");
    ASSERT_TRUE(v["video"].is_object()) << v;
    EXPECT_NEAR(v["video"]["duration"].get<double>(), 2.0, 0.1);
    EXPECT_EQ(v["video"]["codec"], "h264");
    EXPECT_EQ(v["orientation"], 6);
  }
  EXPECT_EQ(j["library"]["albums"], 2);
  EXPECT_EQ(j["library"]["keywords"], 2);

  r = cli.Run(
      {"info", (bundle / "originals/A" / (std::string(kUuidA) + ".jpeg")).string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = r.Json();
  EXPECT_EQ(a["external_id"], kUuidA);
  EXPECT_EQ(a["original_filename"], "IMG_0001.JPG");
  EXPECT_EQ(a["title"], "Colosseum");
  EXPECT_EQ(a["description"], "Evening walk by the arena");
  EXPECT_EQ(a["albums"], json::array({"Rome"}));  // not the trashed album, not the smart one
  EXPECT_EQ(a["keywords"], json::array({"family", "travel"}));
  EXPECT_EQ(a["favorite"], true);
  // The camera's local time, with the offset Photos knows.
  EXPECT_EQ(a["taken_at"], "2011-01-13T14:33:39+01:00");
  ASSERT_TRUE(a["gps"].is_object());
  EXPECT_NEAR(a["gps"]["lat"].get<double>(), 41.853, 1e-3) << "the photo's own GPS is kept";
  // Who Photos found in it, with the box turned from Photos' centre and size.
  ASSERT_EQ(a["people"].size(), 1u) << a.dump();  // not the unnamed cluster
  EXPECT_EQ(a["people"][0]["name"], "Ada Lovelace");
  EXPECT_EQ(a["people"][0]["from"], "library");
  const json box = a["people"][0]["box"];
  ASSERT_EQ(box.size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(box[i].get<double>(), std::vector<double>({0.4, 0.05, 0.2, 0.4})[i], 1e-9);

  // No EXIF at all: Photos' date (with its zone) and place.
  r = cli.Run(
      {"info", (bundle / "originals/B" / (std::string(kUuidB) + ".png")).string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json b = r.Json();
  EXPECT_EQ(b["taken_at"], "2020-01-02T12:04:05+09:00");
  ASSERT_TRUE(b["gps"].is_object());
  EXPECT_NEAR(b["gps"]["lat"].get<double>(), 35.3606, 1e-6);
  EXPECT_NEAR(b["gps"]["lon"].get<double>(), 138.7274, 1e-6);
  EXPECT_EQ(b["hidden"], true);
  EXPECT_EQ(b["albums"], json::array({"Space"}));
  ASSERT_EQ(b["people"].size(), 1u) << b.dump();
  EXPECT_EQ(b["people"][0]["name"], "Grace");  // the display name when there is no full name
  EXPECT_FALSE(b["people"][0].contains("box"));

  // iCloud-only: the largest derivative stands in; asking for the original finds it.
  const std::string c_original =
      (bundle / "originals/C" / (std::string(kUuidC) + ".heic")).string();
  r = cli.Run({"info", c_original, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json c = r.Json();
  EXPECT_EQ(c["stand_in"], "derivative");
  EXPECT_EQ(c["original_path"], c_original);
  EXPECT_EQ(
      c["path"],
      (bundle / "resources/derivatives/C" / (std::string(kUuidC) + "_1_105_c.jpeg")).string());
  EXPECT_EQ(c["width"], 1536);

  r = cli.Run(
      {"info", (bundle / "originals/D" / (std::string(kUuidD) + ".jpeg")).string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["trashed"], true);
  EXPECT_EQ(r.Json()["albums"], json::array({"Rome"}));

  // The unmappable asset is reported by its original's path, with the reason.
  r = cli.Run({"errors", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool reported = false;
  for (const auto& e : r.Json()) {
    if (e["path"].get<std::string>().find(kUuidE) == std::string::npos) continue;
    reported = true;
    EXPECT_NE(e["reason"].get<std::string>().find("iCloud"), std::string::npos) << e;
    EXPECT_NE(e["reason"].get<std::string>().find("IMG_0005.JPG"), std::string::npos) << e;
  }
  EXPECT_TRUE(reported);
  // ...and kept as a known, missing file with its facts, so a later import can find it.
  r = cli.Run(
      {"info", (bundle / "originals/E" / (std::string(kUuidE) + ".jpeg")).string(), "--json"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not a usable photo"), std::string::npos) << r.err;

  // Re-import: nothing decoded again, the same facts, no duplicated memberships.
  r = cli.Run({"import", "apple-photos", "--no-embed", "--json", bundle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = r.Json();
  EXPECT_EQ(j["added"], 0);
  EXPECT_EQ(j["unchanged"], j["seen"]);
  EXPECT_EQ(j["seen"], 5);
  r = cli.Run(
      {"info", (bundle / "originals/A" / (std::string(kUuidA) + ".jpeg")).string(), "--json"});
  EXPECT_EQ(r.Json()["albums"], json::array({"Rome"}));
  EXPECT_EQ(r.Json()["keywords"].size(), 2u);

  // The library was not written: same bytes, same times, no -wal/-shm created or removed.
  EXPECT_EQ(SnapshotTree(bundle), before);

  // A moved library resolves at its new place (paths in the bundle are relative to it).
  const fs::path moved = tmp / "Moved Library.photoslibrary";
  fs::rename(bundle, moved);
  r = cli.Run({"index", "--no-embed", "--json", moved.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["added"], 0) << "the same photos, known by content";
  r = cli.Run(
      {"info", (moved / "originals/A" / (std::string(kUuidA) + ".jpeg")).string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["albums"], json::array({"Rome"}));
  EXPECT_EQ(r.Json()["source"]["root"], moved.string());
}

TEST(ApplePhotosImport, SearchFiltersByAlbumKeywordFavoriteAndLeavesOutTrashedAndHidden) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path bundle = BuildVenturaLibrary(tmp.path());
  const fs::path model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  CliResult r =
      cli.Run({"-q", "import", "apple-photos", "--model", model.string(), bundle.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto paths = [&](std::vector<std::string> extra) {
    return SearchFileNames(cli, "a photo", extra);
  };
  const std::string a = std::string(kUuidA) + ".jpeg", b = std::string(kUuidB) + ".png",
                    c = std::string(kUuidC) + "_1_105_c.jpeg", d = std::string(kUuidD) + ".jpeg",
                    f = "F1B2C3D4-0000-4000-8000-00000000000F.mov";  // a video
  EXPECT_EQ(paths({}), (std::vector<std::string>{a, c, f}))
      << "the trashed and hidden are left out";
  EXPECT_EQ(paths({"--include-hidden"}), (std::vector<std::string>{a, b, c, f}));
  EXPECT_EQ(paths({"--include-trashed"}), (std::vector<std::string>{a, c, d, f}));
  EXPECT_EQ(paths({"--include-trashed", "--include-hidden"}),
            (std::vector<std::string>{a, b, c, d, f}));
  EXPECT_EQ(paths({"--album", "Rome"}), (std::vector<std::string>{a}));
  EXPECT_EQ(paths({"--album", "Rome", "--include-trashed"}), (std::vector<std::string>{a, d}));
  EXPECT_EQ(paths({"--keyword", "travel"}), (std::vector<std::string>{a}));
  EXPECT_EQ(paths({"--favorite"}), (std::vector<std::string>{a}));
  EXPECT_EQ(paths({"--person", "ada lovelace"}), (std::vector<std::string>{a}));
  EXPECT_TRUE(paths({"--person", "Grace"}).empty()) << "her photo is hidden";
  EXPECT_EQ(paths({"--person", "Grace", "--include-hidden"}), (std::vector<std::string>{b}));
  EXPECT_EQ(paths({"--source", bundle.string()}), (std::vector<std::string>{a, c, f}));
}

TEST(ApplePhotosImport, MalformedLibrariesGetClearErrors) {
  TempDir tmp;
  Cli cli(tmp / "home");
  // Not SQLite at all.
  const fs::path garbage = tmp / "Garbage.photoslibrary";
  WriteFile(garbage / "database/Photos.sqlite", std::string(8192, 'x'));
  CliResult r = cli.Run({"import", "apple-photos", "--no-embed", garbage.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Photos.sqlite"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a readable SQLite database"), std::string::npos) << r.err;
  // SQLite, but not Photos' (Photos 4 and older, or something else).
  const fs::path other = tmp / "Other.photoslibrary";
  {
    Database db;
    fs::create_directories(other / "database");
    ASSERT_TRUE(db.Open((other / "database/Photos.sqlite").string(), true, false).ok());
    ASSERT_TRUE(db.Exec("CREATE TABLE RKMaster(id INTEGER)").ok());
  }
  r = cli.Run({"import", "apple-photos", "--no-embed", other.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("ZASSET"), std::string::npos) << r.err;
  // Not a library.
  r = cli.Run({"import", "apple-photos", "--no-embed", (tmp / "nothing").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not an Apple Photos library"), std::string::npos) << r.err;
  // What was already indexed survives a failed import.
  r = cli.Run({"status", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace shoebox::testing
