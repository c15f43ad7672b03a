// Animated GIFs: a meme's later frames are embedded and searched (the first frame stays its
// thumbnail and its own vector), a search that matches a later frame returns the GIF once with
// the time of that frame ("at"), repeated frames add nothing, and an unchanged library embeds
// nothing again. The GIF is written by libvips from two corpus photos.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(Animation, AGifIsFoundByALaterFrameWithThatFramesTime) {
  TempDir tmp;
  Cli cli(tmp / "home");
  const fs::path model = GoldenSnapshot(tmp.path(), "clip/tiny-b32", "clip/tokenizer");
  const fs::path library = tmp / "library";
  fs::create_directories(library);
  const fs::path photos = CorpusPath() / "photos";
  const fs::path astronaut = photos / "png/astronaut.png";
  const fs::path camera = photos / "png/camera grayscale.png";
  // Astronaut for 0.6 s, then the cameraman twice (the repeat adds no vector).
  WriteFile(library / "meme.gif", AnimatedGif({astronaut, camera, camera}, 224, 600));
  CopyFile(photos / "jpeg-variants/progressive Sony DSC-P12.jpg", library / "other.jpg");

  CliResult r = cli.Run({"index", "--json", "--model", model.string(), library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = r.Json();
  EXPECT_EQ(j["animations"], 1);
  EXPECT_EQ(j["frames_embedded"], 1) << "the second and third frames are the same picture";

  // Like the cameraman: the GIF, once, at the second frame.
  r = cli.Run({"similar", "--file", camera.string(), "--json", "--model", model.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json hits = r.Json();
  ASSERT_GE(hits.size(), 1u) << r.out;
  EXPECT_EQ(fs::path(hits[0]["path"].get<std::string>()).filename(), "meme.gif") << r.out;
  ASSERT_TRUE(hits[0].contains("at")) << hits[0];
  EXPECT_NEAR(hits[0]["at"].get<double>(), 0.6, 1e-9);
  EXPECT_GT(hits[0]["score"].get<double>(), 0.9);
  int gifs = 0;
  for (const auto& h : hits)
    gifs += fs::path(h["path"].get<std::string>()).filename() == "meme.gif";
  EXPECT_EQ(gifs, 1) << "one hit per animation";

  // Like the astronaut: its first frame, which needs no time.
  r = cli.Run({"similar", "--file", astronaut.string(), "--json", "--model", model.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  hits = r.Json();
  ASSERT_GE(hits.size(), 1u);
  EXPECT_EQ(fs::path(hits[0]["path"].get<std::string>()).filename(), "meme.gif");
  EXPECT_FALSE(hits[0].contains("at")) << hits[0];

  // Nothing changed: no frame is decoded again.
  r = cli.Run({"index", "--json", "--model", model.string(), library.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["animations"], 0);
}

}  // namespace
}  // namespace shoebox::testing
