// `shoebox import takeout` over the corpus' real Google Takeout exports: photos paired with
// their sidecars, one asset for the same photo in a year folder and an album, album
// membership, favourites, sidecar dates and places (with the offset they reveal), orphan
// sidecars reported, re-import a no-op, search filters by album and favourite, and the
// export byte-identical afterwards.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "catalog/sqlite_db.h"
#include "cli_runner.h"
#include "server_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What the import reports for the gophers export (10 photos, one album of 5).
void ExpectGophers(const json& library) {
  EXPECT_EQ(library["media"], 10);
  EXPECT_EQ(library["with_sidecar"], 10);
  EXPECT_EQ(library["albums"], 1);
  EXPECT_EQ(library["album_memberships"], 5);
}

TEST(TakeoutImport, ExportsImportWithTheirSidecarsAlbumsAndFlags) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path root = fs::canonical(CorpusPath() / "libraries/google-takeout");
  const auto before = SnapshotTree(root);
  const std::string gophers = (root / "immich-go-gophers/Takeout").string();
  const std::string polish = (root / "seb-reference-collection/Takeout").string();
  const std::string flat = (root / "seb-test-set1/Takeout").string();
  CliResult r = cli.Run({"import", "takeout", "--no-embed", "--json", gophers});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  ExpectGophers(j["library"]);
  // `index` recognises a Takeout export by itself.
  r = cli.Run({"index", "--no-embed", "--json", polish, flat});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = r.Json();
  EXPECT_EQ(j["library"]["kind"], "takeout");

  // The same gopher in the year folder and in the album: one asset, two files, in the album.
  const std::string in_album =
      gophers + "/Google Photos/gophers/PinClipart.com_gopher-clipart_4000243.jpg";
  const std::string in_year =
      gophers + "/Google Photos/Photos from 2025/PinClipart.com_gopher-clipart_4000243.jpg";
  r = cli.Run({"info", in_album, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = r.Json();
  EXPECT_EQ(a["source"]["kind"], "takeout");
  EXPECT_EQ(a["source"]["root"], gophers);
  EXPECT_EQ(a["albums"], json::array({"Gopher's gallery"}));
  EXPECT_EQ(a["favorite"], true);
  EXPECT_EQ(a["original_filename"], "PinClipart.com_gopher-clipart_4000243.jpg");
  EXPECT_EQ(a["taken_at"], "2025-03-13T17:05:10+00:00");
  EXPECT_TRUE(a["external_id"].is_string() && !a["external_id"].get<std::string>().empty()) << a;
  r = cli.Run({"info", in_year, "--json"});
  json y = r.Json();
  EXPECT_EQ(y["id"], a["id"]) << "one asset for both copies";
  EXPECT_EQ(y["albums"], json::array({"Gopher's gallery"}))
      << "the photo is in the album, whichever of its files is asked about";
  r = cli.Run({"info", gophers + "/Google Photos/gophers/PinClipart.com_gopher-clipart_4000224.jpg",
               "--json"});
  EXPECT_EQ(r.Json()["favorite"], false);

  // A photo whose own EXIF time is local: the sidecar's UTC instant gives its offset.
  const std::string received =
      polish + "/Zdjęcia Google/Photos from 2019/received_1475305699271723.jpeg";
  r = cli.Run({"info", received, "--json"});
  json p = r.Json();
  EXPECT_EQ(p["taken_at"], "2019-04-29T22:05:59+02:00");
  ASSERT_TRUE(p["gps"].is_object()) << p;
  EXPECT_DOUBLE_EQ(p["gps"]["lat"].get<double>(), 49.210771);
  EXPECT_DOUBLE_EQ(p["gps"]["lon"].get<double>(), 22.6266861);
  // A truncated sidecar name still found its photo.
  r = cli.Run({"info", flat + "/alignment-temple-5D-32-temple-V-reconstructed.png", "--json"});
  EXPECT_EQ(r.Json()["original_filename"], "alignment-temple-5D-32-temple-V-reconstructed.png");
  EXPECT_EQ(r.Json()["taken_at"], "2018-02-06T21:40:55+00:00");

  // Sidecars of videos left out of the export are reported, naming the file and the title.
  r = cli.Run({"errors", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int orphans = 0;
  for (const auto& e : r.Json())
    if (e["reason"].get<std::string>().find("sidecar without its photo") != std::string::npos) {
      ++orphans;
      EXPECT_NE(e["path"].get<std::string>().find(".json"), std::string::npos);
    }
  EXPECT_EQ(orphans, 4);

  // Re-import: nothing read again, nothing new.
  r = cli.Run({"import", "takeout", "--no-embed", "--json", gophers, polish, flat});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = r.Json();
  EXPECT_EQ(j["added"], 0);
  EXPECT_EQ(j["unchanged"], j["seen"]);
  r = cli.Run({"info", in_album, "--json"});
  EXPECT_EQ(r.Json()["albums"].size(), 1u) << "memberships are not duplicated";
  // A photo's copy in its album folder is how Takeout lists the album, not a duplicate.
  r = cli.Run({"dupes", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json dupes = r.Json();  // (a loop over r.Json()["exact"] would outlive the temporary)
  for (const auto& group : dupes["exact"])
    for (const auto& file : group)
      EXPECT_EQ(file.dump().find("immich-go-gophers"), std::string::npos)
          << "album copies reported as identical files: " << group;

  // Nothing in the export was written, created or touched.
  EXPECT_EQ(SnapshotTree(root), before);
}

TEST(TakeoutImport, SearchFiltersByAlbumAndFavorite) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  const std::string gophers =
      (CorpusPath() / "libraries/google-takeout/immich-go-gophers/Takeout").string();
  const std::string polish =
      (CorpusPath() / "libraries/google-takeout/seb-reference-collection/Takeout").string();
  CliResult r = cli.Run({"-q", "import", "takeout", "--model", model.string(), gophers, polish});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = cli.Run({"search", "a gopher", "-n", "50", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.Json().size(), 10u);
  r = cli.Run({"search", "a gopher", "-n", "50", "--album", "Gopher's gallery", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json album = r.Json();
  EXPECT_EQ(album.size(), 5u) << album;
  for (const auto& h : album)
    EXPECT_NE(h["path"].get<std::string>().find("immich-go-gophers"), std::string::npos);
  r = cli.Run({"search", "a gopher", "-n", "50", "--favorite", "--json"});
  json fav = r.Json();
  ASSERT_EQ(fav.size(), 1u) << fav;
  EXPECT_NE(fav[0]["path"].get<std::string>().find("4000243"), std::string::npos);
  r = cli.Run({"search", "a gopher", "--album", "No such album", "--json"});
  EXPECT_EQ(r.Json().size(), 0u);
}

// A .zip or .tar.gz of dir's Takeout folder (libarchive), members named "Takeout/...", with
// extra (name, bytes) members appended.
void WriteArchive(const fs::path& dir, const fs::path& out, bool zip,
                  const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  struct archive* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
  }
  ASSERT_EQ(archive_write_open_filename(a, out.c_str()), ARCHIVE_OK);
  auto add = [&](const std::string& name, const std::string& data, time_t mtime) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, mtime, 0);
    ASSERT_GE(archive_write_header(a, e), ARCHIVE_WARN) << archive_error_string(a);
    ASSERT_EQ(archive_write_data(a, data.data(), data.size()),
              static_cast<la_ssize_t>(data.size()));
    archive_entry_free(e);
  };
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir / "Takeout"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) add(fs::relative(f, dir).string(), ReadFile(f), 1700000000);
  for (const auto& [name, data] : extra) add(name, data, 1700000000);
  archive_write_close(a);
  archive_write_free(a);
}

TEST(TakeoutImport, ZipAndTgzDownloadsAreReadInPlace) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path root = CorpusPath() / "libraries/google-takeout";
  const fs::path downloads = fs::canonical(tmp.path()) / "downloads";
  fs::create_directories(downloads);
  const std::string jpeg = ReadFile(CorpusPath() / "photos/jpeg-variants/1x1 Issue 508.jpg");
  WriteArchive(root / "immich-go-gophers", downloads / "takeout-001.zip", true,
               {{"../escape.jpg", jpeg}, {"/etc/absolute.jpg", jpeg}});
  WriteArchive(root / "seb-reference-collection", downloads / "takeout-002.tgz", false,
               {{"Takeout/Zdjęcia Google/Photos from 2019/broken.jpg", jpeg},
                {"Takeout/Zdjęcia Google/Photos from 2019/broken.jpg.json", "{\"title\": "}});
  const auto before = SnapshotTree(downloads);
  const fs::path model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  const std::string zip = (downloads / "takeout-001.zip").string(),
                    tgz = (downloads / "takeout-002.tgz").string();
  CliResult r = cli.Run({"import", "takeout", "--model", model.string(), "--json", zip});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  ExpectGophers(j["library"]);
  // `index` recognises a Takeout download by its name.
  r = cli.Run({"index", "--model", model.string(), "--json", tgz});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["library"]["kind"], "takeout");
  EXPECT_EQ(r.Json()["library"]["bad_sidecars"], 1);

  // The same facts as from the extracted folders (ExportsImportWithTheirSidecarsAlbumsAndFlags).
  const std::string in_album =
      zip + "/Takeout/Google Photos/gophers/PinClipart.com_gopher-clipart_4000243.jpg";
  const std::string in_year =
      zip + "/Takeout/Google Photos/Photos from 2025/PinClipart.com_gopher-clipart_4000243.jpg";
  r = cli.Run({"info", in_album, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = r.Json();
  EXPECT_EQ(a["source"]["root"], zip);
  EXPECT_EQ(a["albums"], json::array({"Gopher's gallery"}));
  EXPECT_EQ(a["favorite"], true);
  EXPECT_EQ(a["taken_at"], "2025-03-13T17:05:10+00:00");
  EXPECT_EQ(a["thumbnail"], true);
  r = cli.Run({"info", in_year, "--json"});
  EXPECT_EQ(r.Json()["id"], a["id"]) << "one asset for both copies";
  r = cli.Run({"info",
               tgz + "/Takeout/Zdjęcia Google/Photos from 2019/received_1475305699271723.jpeg",
               "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["taken_at"], "2019-04-29T22:05:59+02:00");
  EXPECT_DOUBLE_EQ(r.Json()["gps"]["lat"].get<double>(), 49.210771);

  // Embedded from the archive itself, not from thumbnails; searchable with library filters.
  r = cli.Run({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.Json()["embeddings"].size(), 1u) << r.out;
  EXPECT_EQ(r.Json()["embeddings"][0]["failed"], 0) << r.out;
  EXPECT_GE(r.Json()["embeddings"][0]["embedded"].get<int>(), 20) << r.out;
  {
    Database db;
    ASSERT_TRUE(db.Open(cli.catalog().string(), false, true).ok());
    auto q = db.Prepare("SELECT count(*) FROM embeddings WHERE source IS NOT 'photo'");
    Status st;
    ASSERT_TRUE(q->Step(&st));
    EXPECT_EQ(q->Int(0), 0) << "every vector from the photo's own bytes";
  }
  EXPECT_EQ(SearchFileNames(cli, "a gopher", {"--album", "Gopher's gallery"}).size(), 5u);

  // The web app serves the original out of the archive, byte for byte.
  {
    Server server(cli, tmp / "serve.log");
    server.WaitReady();
    auto c = server.Client();
    auto res = c.Get(("/original/" + std::to_string(a["id"].get<int64_t>())).c_str());
    ASSERT_TRUE(res) << server.log();
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->body,
              ReadFile(root / "immich-go-gophers/Takeout/Google "
                              "Photos/gophers/PinClipart.com_gopher-clipart_4000243.jpg"));
    EXPECT_EQ(res->get_header_value("Content-Type"), "image/jpeg");
  }

  // Hostile member names are refused, by name; nothing was extracted or written.
  r = cli.Run({"errors", "--json"});
  int unsafe = 0;
  for (const auto& e : r.Json())
    if (e["reason"].get<std::string>().find("unsafe member name") != std::string::npos) ++unsafe;
  EXPECT_EQ(unsafe, 2);
  // A malformed sidecar is named, with what is wrong; its photo is still indexed.
  bool broken = false;
  for (const auto& e : r.Json())
    if (e["path"] == tgz + "/Takeout/Zdjęcia Google/Photos from 2019/broken.jpg.json")
      broken =
          e["reason"].get<std::string>().find("Takeout sidecar: not JSON") != std::string::npos;
  EXPECT_TRUE(broken) << r.out;
  EXPECT_EQ(
      cli.Run({"info", tgz + "/Takeout/Zdjęcia Google/Photos from 2019/broken.jpg"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(tmp / "escape.jpg"));
  EXPECT_EQ(SnapshotTree(downloads), before);

  // Re-import: unchanged members are not read again.
  r = cli.Run({"import", "takeout", "--no-embed", "--json", zip, tgz});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["added"], 0);
  EXPECT_EQ(r.Json()["unchanged"], r.Json()["seen"]);

  // A damaged download: a clear error naming it; what was indexed stays.
  const std::string bytes = ReadFile(zip);
  WriteFile(downloads / "takeout-003.zip", bytes.substr(0, bytes.size() / 2));
  r = cli.Run({"import", "takeout", "--no-embed", (downloads / "takeout-003.zip").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("takeout-003.zip"), std::string::npos) << r.err;
  r = cli.Run({"info", in_album, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Google Photos exports an album the user never named with an empty title (the folder is
// "Untitled(2)"); its photos stay together under the folder's name.
TEST(TakeoutImport, AnUntitledAlbumKeepsItsFolderName) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path from = CorpusPath() / "libraries/google-takeout/immich-go-gophers/Takeout";
  const fs::path export_root = tmp / "Takeout";
  fs::copy(from, export_root, fs::copy_options::recursive);
  fs::permissions(export_root, fs::perms::owner_all, fs::perm_options::add);
  for (const auto& e : fs::recursive_directory_iterator(export_root))
    fs::permissions(e.path(),
                    fs::perms::owner_read | fs::perms::owner_write |
                        (e.is_directory() ? fs::perms::owner_exec : fs::perms::none),
                    fs::perm_options::add);
  const fs::path album = export_root / "Google Photos/Untitled(2)";
  fs::rename(export_root / "Google Photos/gophers", album);
  std::string meta = ReadFile(album / "metadata.json");
  meta.replace(meta.find("\"Gopher's gallery\""), std::strlen("\"Gopher's gallery\""), "\"\"");
  WriteFile(album / "metadata.json", meta);

  CliResult r = cli.Run({"import", "takeout", "--no-embed", "--json", export_root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["library"]["albums"], 1);
  r = cli.Run({"info", (album / "PinClipart.com_gopher-clipart_4000243.jpg").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["albums"], json::array({"Untitled(2)"}));
  EXPECT_EQ(SearchFileNames(cli, "pinclipart", {"--mode", "text", "--album", "Untitled(2)"}).size(),
            5u);
}

}  // namespace
}  // namespace shoebox::testing
