// `shoebox import takeout` over the corpus' real Google Takeout exports: photos paired with
// their sidecars, one asset for the same photo in a year folder and an album, album
// membership, favourites, sidecar dates and places (with the offset they reveal), orphan
// sidecars reported, re-import a no-op, search filters by album and favourite, and the
// export byte-identical afterwards.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

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
  EXPECT_EQ(j["library"]["media"], 10);
  EXPECT_EQ(j["library"]["with_sidecar"], 10);
  EXPECT_EQ(j["library"]["albums"], 1);
  EXPECT_EQ(j["library"]["album_memberships"], 5);
  // `index` recognises a Takeout export by itself.
  r = cli.Run({"index", "--no-embed", "--json", polish, flat});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = r.Json();
  EXPECT_EQ(j["library"]["kind"], "takeout");

  // The same gopher in the year folder and in the album: one asset, two files, in the album.
  const std::string in_album = gophers + "/Google Photos/gophers/PinClipart.com_gopher-clipart_4000243.jpg";
  const std::string in_year = gophers + "/Google Photos/Photos from 2025/PinClipart.com_gopher-clipart_4000243.jpg";
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
  EXPECT_EQ(y["albums"], json::array());
  r = cli.Run({"info", gophers + "/Google Photos/gophers/PinClipart.com_gopher-clipart_4000224.jpg", "--json"});
  EXPECT_EQ(r.Json()["favorite"], false);

  // A photo whose own EXIF time is local: the sidecar's UTC instant gives its offset.
  const std::string received = polish + "/Zdjęcia Google/Photos from 2019/received_1475305699271723.jpeg";
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

  // Nothing in the export was written, created or touched.
  EXPECT_EQ(SnapshotTree(root), before);
}

TEST(TakeoutImport, SearchFiltersByAlbumAndFavorite) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  const std::string gophers = (CorpusPath() / "libraries/google-takeout/immich-go-gophers/Takeout").string();
  const std::string polish = (CorpusPath() / "libraries/google-takeout/seb-reference-collection/Takeout").string();
  CliResult r = cli.Run({"-q", "import", "takeout", "--model", model.string(), gophers, polish});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = cli.Run({"search", "a gopher", "-n", "50", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.Json().size(), 10u);
  r = cli.Run({"search", "a gopher", "-n", "50", "--album", "Gopher's gallery", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json album = r.Json();
  EXPECT_EQ(album.size(), 5u) << album;
  for (const auto& h : album) EXPECT_NE(h["path"].get<std::string>().find("immich-go-gophers"), std::string::npos);
  r = cli.Run({"search", "a gopher", "-n", "50", "--favorite", "--json"});
  json fav = r.Json();
  ASSERT_EQ(fav.size(), 1u) << fav;
  EXPECT_NE(fav[0]["path"].get<std::string>().find("4000243"), std::string::npos);
  r = cli.Run({"search", "a gopher", "--album", "No such album", "--json"});
  EXPECT_EQ(r.Json().size(), 0u);
}

}  // namespace
}  // namespace shoebox::testing
