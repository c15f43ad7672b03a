// Videos: a folder of clips is catalogued like photos (length, codec, place, time, rotation), a
// poster thumbnail is made past the first frame, several keyframes are embedded, and a search
// that matches a later moment returns the video once with that moment's time ("at"). Damaged,
// index-less, audio-only and mislabelled files are errors naming the reason; nothing in the
// library is written; an unchanged folder reads nothing again. The clips are made by
// tests/data/make_videos.sh (ffmpeg) from two corpus photos.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "catalog/catalog.h"
#include "cli_runner.h"
#include "server_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Name(const json& hit) {
  return fs::path(hit["path"].get<std::string>()).filename().string();
}

// A folder of these test clips, and the tiny golden model beside it.
struct ClipLibrary {
  fs::path model, library;
};
ClipLibrary MakeClipLibrary(const TempDir& tmp, const std::vector<std::string>& clips) {
  ClipLibrary c{GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer"), tmp / "library"};
  fs::create_directories(c.library);
  for (const std::string& clip : clips) CopyFile(TestVideos() / clip, c.library / clip);
  return c;
}

TEST(Videos, AFolderOfClipsIsCataloguedEmbeddedAndFoundAtTheMomentThatMatches) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const ClipLibrary lib = MakeClipLibrary(
      tmp, {"scenes.mp4", "rotated.mov", "clip.webm", "clip.mkv", "clip.avi", "damaged-tail.mp4",
            "no-moov.mp4", "not-a-video.mp4", "audio-only.mp4"});
  const fs::path &model = lib.model, &library = lib.library;
  const fs::path photos = CorpusPath() / "photos";
  CopyFile(photos / "jpeg-variants/progressive Sony DSC-P12.jpg", library / "other.jpg");
  const auto before = SnapshotTree(library);

  CliResult r = cli.Run({"index", "--json", "--model", model.string(), library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["added"], 9) << "every file but the text, which is no video at all";
  EXPECT_EQ(j["errors"], 3) << "no-moov, not-a-video and audio-only";
  // scenes.mp4 (and its damaged copy) are looked at again after their posters; the cameraman
  // from 4 s on is a new picture, the astronaut at 3 s is not.
  EXPECT_GE(j["animations"].get<int>(), 2);
  EXPECT_GE(j["frames_embedded"].get<int>(), 1);

  r = cli.Run({"info", "--json", (library / "scenes.mp4").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json v = r.Json();
  EXPECT_EQ(v["format"], "mp4");
  EXPECT_EQ(v["width"], 320);
  EXPECT_EQ(v["height"], 240);
  EXPECT_EQ(v["taken_at"], "2021-07-04T09:30:00+00:00");
  EXPECT_NEAR(v["gps"]["lat"].get<double>(), 35.6586, 1e-6);
  EXPECT_NEAR(v["gps"]["lon"].get<double>(), 139.7454, 1e-6);
  EXPECT_EQ(v["thumbnail"], true);
  ASSERT_TRUE(v["video"].is_object()) << v;
  EXPECT_NEAR(v["video"]["duration"].get<double>(), 8.0, 0.1);
  EXPECT_EQ(v["video"]["codec"], "h264");
  EXPECT_DOUBLE_EQ(v["video"]["poster_at"].get<double>(), 1.0);

  r = cli.Run({"info", "--json", (library / "rotated.mov").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v = r.Json();
  EXPECT_EQ(v["format"], "mov");
  EXPECT_EQ(v["orientation"], 6);
  EXPECT_EQ(v["taken_at"], "2022-03-05T18:04:12+01:00");
  EXPECT_EQ(v["camera"]["model"], "iPhone 12");
  for (const char* name : {"clip.webm", "clip.mkv", "clip.avi", "damaged-tail.mp4"}) {
    r = cli.Run({"info", "--json", (library / name).string()});
    ASSERT_EQ(r.exit_code, 0) << name << r.err;
    EXPECT_TRUE(r.Json()["error"].is_null()) << name << ": " << r.Json()["error"];
    EXPECT_EQ(r.Json()["thumbnail"], true) << name;
  }

  json errors = cli.Run({"errors", "--json"}).Json();
  std::map<std::string, std::string> reason;
  for (const json& e : errors) reason[Name(e)] = e["reason"].get<std::string>();
  EXPECT_NE(reason["no-moov.mp4"].find("not a readable video"), std::string::npos)
      << reason["no-moov.mp4"];
  EXPECT_NE(reason["audio-only.mp4"].find("no video stream"), std::string::npos)
      << reason["audio-only.mp4"];
  EXPECT_NE(reason["not-a-video.mp4"].find("not an image: the file contains text"),
            std::string::npos)
      << reason["not-a-video.mp4"];

  // Like the cameraman: scenes.mp4 is found once, at a moment after its scene change (4 s).
  const fs::path camera = photos / "png/camera grayscale.png";
  r = cli.Run(
      {"similar", "--file", camera.string(), "--json", "-n", "20", "--model", model.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json hits = r.Json();
  int scenes = 0;
  for (const json& h : hits) {
    if (Name(h) != "scenes.mp4") continue;
    ++scenes;
    ASSERT_TRUE(h.contains("at")) << h;
    EXPECT_GE(h["at"].get<double>(), 4.0) << h;
  }
  EXPECT_EQ(scenes, 1) << r.out;
  // Like the astronaut: its poster, at 1 s.
  const fs::path astronaut = photos / "png/astronaut.png";
  r = cli.Run(
      {"similar", "--file", astronaut.string(), "--json", "-n", "20", "--model", model.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool found = false;
  for (const json& h : r.Json()) {
    if (Name(h) != "scenes.mp4") continue;
    found = true;
    ASSERT_TRUE(h.contains("at")) << h;
    EXPECT_LT(h["at"].get<double>(), 4.0) << h;
  }
  EXPECT_TRUE(found) << r.out;

  // Like scenes.mp4 at 6 s (the cameraman) rather than at its astronaut poster: the clips of
  // the cameraman come before rotated.mov (the astronaut), and the reverse at 0 s.
  auto rank = [&](const std::vector<std::string>& extra, const std::string& name) {
    std::vector<std::string> args = {
        "similar",     (library / "scenes.mp4").string(), "--json", "-n", "20", "--model",
        model.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult s = cli.Run(args);
    EXPECT_EQ(s.exit_code, 0) << s.err;
    int i = 0;
    for (const json& h : s.Json()) {
      if (Name(h) == name) return i;
      ++i;
    }
    return -1;
  };
  EXPECT_LT(rank({"--at", "6"}, "clip.mkv"), rank({"--at", "6"}, "rotated.mov"));
  EXPECT_LT(rank({"--at", "0"}, "rotated.mov"), rank({"--at", "0"}, "clip.mkv"));

  // ls filters by a video format like any other.
  r = cli.Run({"ls", "--json", "--format", "mov"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.Json().size(), 1u) << r.out;

  // Nothing changed: no video is hashed, decoded or embedded again.
  r = cli.Run({"index", "--json", "--model", model.string(), library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["added"], 0);
  EXPECT_EQ(r.Json()["unchanged"], 10);
  EXPECT_EQ(r.Json()["animations"], 0);
  EXPECT_EQ(before, SnapshotTree(library)) << "the library was written to";
}

TEST(Videos, TheWebAppStreamsAVideoInRangesAndSaysWhereItMatched) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const ClipLibrary lib = MakeClipLibrary(tmp, {"scenes.mp4", "clip.mkv"});
  const fs::path &model = lib.model, &library = lib.library;
  CliResult r = cli.Run({"-q", "index", "--model", model.string(), library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto id_of = [&](const char* name) {
    auto cat = Catalog::Open(cli.catalog(), false);
    auto row = (*cat)->FindByPath((library / name).string());
    EXPECT_TRUE(row.ok() && *row) << name;
    return row.ok() && *row ? (*row)->asset.id : -1;
  };
  const int64_t scenes = id_of("scenes.mp4"), mkv = id_of("clip.mkv");
  Server server(cli, tmp / "serve.log");
  server.WaitReady();
  auto c = server.Client();

  auto res = c.Get("/api/assets/" + std::to_string(scenes));
  ASSERT_TRUE(res && res->status == 200);
  json a = json::parse(res->body);
  ASSERT_TRUE(a["video"].is_object()) << a;
  EXPECT_NEAR(a["video"]["duration"].get<double>(), 8.0, 0.1);
  EXPECT_EQ(a["video"]["poster_at"], 1.0);

  // The player asks for ranges; the file is sent as it is stored.
  const std::string original = a["original"].get<std::string>();
  const std::string bytes = ReadFile(library / "scenes.mp4");
  res = c.Get(original, {{"Range", "bytes=100-199"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->get_header_value("Content-Type"), "video/mp4");
  EXPECT_EQ(res->body, bytes.substr(100, 100));
  res = c.Get(original);
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(res->body, bytes);
  res = c.Get("/thumb/" + std::to_string(scenes));
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "image/jpeg");

  // More like the Matroska clip (the cameraman): scenes.mp4, at its second scene.
  res = c.Get("/api/similar/" + std::to_string(mkv) + "?n=5");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "");
  json hits = json::parse(res->body)["results"];
  ASSERT_EQ(hits.size(), 1u) << hits;
  EXPECT_EQ(hits[0]["id"], scenes);
  ASSERT_TRUE(hits[0].contains("at")) << hits[0];
  EXPECT_GE(hits[0]["at"].get<double>(), 4.0);
  // Like scenes.mp4 at 6 s: the cameraman of clip.mkv scores higher than like its poster.
  auto score = [&](const std::string& q) {
    auto s = c.Get("/api/similar/" + std::to_string(scenes) + q);
    EXPECT_TRUE(s && s->status == 200) << (s ? s->body : "");
    return s ? json::parse(s->body)["results"][0]["score"].get<double>() : 0.0;
  };
  EXPECT_GT(score("?at=6"), score(""));
  res = c.Get("/api/similar/" + std::to_string(scenes) + "?at=soon");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

TEST(Videos, AMotionPhotoIsOnePhotoWhoseVideoPlaysFromItsPage) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const ClipLibrary lib = MakeClipLibrary(tmp, {"motion.jpg", "motion-samsung.jpg"});
  CliResult r = cli.Run({"index", "--json", "--no-embed", lib.library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["added"], 2) << "each file is one photo, its video no second result";
  const std::string part = ReadFile(TestVideos() / "motion-part.mp4");
  r = cli.Run({"info", "--json", (lib.library / "motion.jpg").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json p = r.Json();
  EXPECT_EQ(p["format"], "jpeg");
  ASSERT_TRUE(p["motion"].is_object()) << p;
  EXPECT_EQ(p["motion"]["length"], part.size());
  EXPECT_NEAR(p["motion"]["duration"].get<double>(), 1.5, 0.1);
  EXPECT_FALSE(p.contains("video"));

  Server server(cli, tmp / "serve.log");
  server.WaitListening();
  auto c = server.Client();
  auto res = c.Get("/api/assets/" + std::to_string(p["id"].get<int64_t>()));
  ASSERT_TRUE(res && res->status == 200);
  const std::string src = json::parse(res->body)["motion"]["src"].get<std::string>();
  res = c.Get(src);
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "video/mp4");
  EXPECT_EQ(res->body, part) << "exactly the appended movie";
  res = c.Get(src, {{"Range", "bytes=0-7"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, part.substr(0, 8));
  // A photo without one has none to give.
  r = cli.Run({"info", "--json", (lib.library / "motion-samsung.jpg").string()});
  ASSERT_TRUE(r.Json()["motion"].is_object());
  res = c.Get("/motion/999999");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST(Videos, TheWordsInAVideosPosterFindIt) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const ClipLibrary lib = MakeClipLibrary(tmp, {"meme.mp4", "scenes.mp4"});
  CliResult r = cli.Run({"index", "--json", "--no-embed", lib.library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = cli.Run({"search", "walk into mordor", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json hits = r.Json();
  ASSERT_EQ(hits.size(), 1u) << r.out;
  EXPECT_EQ(Name(hits[0]), "meme.mp4");
  EXPECT_EQ(hits[0]["at"], 1.0) << "the poster, whose words were read";
  EXPECT_NEAR(hits[0]["duration"].get<double>(), 4.0, 0.1);
}

TEST(Videos, ALivePhotosMovieBesideItsStillIsItsMotionNotASecondPhoto) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path library = tmp / "library";
  fs::create_directories(library);
  for (const auto& e : fs::directory_iterator(TestVideos() / "live"))
    CopyFile(e.path(), library / e.path().filename());
  CliResult r = cli.Run({"index", "--json", "--no-embed", library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["motion_parts"], 3)
      << "IMG_0001.MOV, IMG_0003_HEVC.MOV and PXL_...MP; IMG_0002.MOV runs 8 s";

  // The lists show the stills, and the long clip, which is a video of its own.
  r = cli.Run({"ls", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> names;
  for (const json& p : r.Json()) names.insert(Name(p));
  EXPECT_EQ(names, (std::set<std::string>{"IMG_0001.JPG", "PXL_20240101_123456789.MP.jpg",
                                          "IMG_0002.JPG", "IMG_0002.MOV", "IMG_0003.JPG"}));
  r = cli.Run({"info", "--json", (library / "IMG_0001.JPG").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json still = r.Json();
  ASSERT_TRUE(still["motion"].is_object()) << still;
  EXPECT_NEAR(still["motion"]["duration"].get<double>(), 1.5, 0.1);
  r = cli.Run({"info", "--json", (library / "IMG_0001.MOV").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["status"], "motion part");
  r = cli.Run({"info", "--json", (library / "PXL_20240101_123456789.MP.jpg").string()});
  EXPECT_TRUE(r.Json()["motion"].is_object()) << r.out;

  // Its page plays the MOV, through the still.
  Server server(cli, tmp / "serve.log");
  server.WaitListening();
  auto c = server.Client();
  auto res = c.Get("/api/assets/" + std::to_string(still["id"].get<int64_t>()));
  ASSERT_TRUE(res && res->status == 200);
  const std::string src = json::parse(res->body)["motion"]["src"].get<std::string>();
  res = c.Get(src);
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "video/quicktime");
  EXPECT_EQ(res->body, ReadFile(library / "IMG_0001.MOV"));

  // Unchanged: nothing is read or paired again.
  r = cli.Run({"index", "--json", "--no-embed", library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["added"], 0);
  EXPECT_EQ(r.Json()["motion_parts"], 0);
}

}  // namespace
}  // namespace shoebox::testing
