#include "imaging/animation_frames.h"

#include <gtest/gtest.h>

#include "base/file_io.h"
#include "imaging/photo_analyzer.h"
#include "test_util.h"

namespace shoebox {
namespace {

TEST(AnimationFrames, FramesAreSpreadEvenlyAfterTheFirst) {
  EXPECT_EQ(PickFrames(24, 7), (std::vector<int>{3, 6, 9, 12, 15, 18, 21}));
  EXPECT_EQ(PickFrames(3, 7), (std::vector<int>{1, 2}));
  EXPECT_EQ(PickFrames(2, 7), (std::vector<int>{1}));
  EXPECT_TRUE(PickFrames(1, 7).empty());
  EXPECT_TRUE(PickFrames(0, 7).empty());
  EXPECT_TRUE(PickFrames(24, 0).empty());
}

PreprocessConfig ClipLike() {
  PreprocessConfig c;
  c.do_resize = true;
  c.shortest_edge = 32;
  c.do_center_crop = true;
  c.crop_height = c.crop_width = 32;
  return c;
}

TEST(AnimationFrames, ACorpusGifGivesItsLaterFramesInOrderWithTheirTimes) {
  ASSERT_TRUE(InitImaging().ok());
  auto bytes =
      ReadWholeFile(testing::CorpusPath() / "photos/gif/no_time_for_that_tiny.gif", 1 << 20);
  ASSERT_TRUE(bytes.ok());
  auto frames = DecodeAnimationFrames(bytes->data(), bytes->size(), ClipLike(), 7);
  ASSERT_TRUE(frames.ok()) << frames.status().ToString();
  ASSERT_EQ(frames->size(), 7u);  // of 24
  double last = 0;
  for (const AnimationFrame& f : *frames) {
    EXPECT_GT(f.at, last);
    last = f.at;
    EXPECT_EQ(f.model_input.size(), 3u * 32 * 32);
  }
}

TEST(AnimationFrames, AStillImageHasNoLaterFramesAndGarbageIsAnError) {
  ASSERT_TRUE(InitImaging().ok());
  auto still = ReadWholeFile(testing::CorpusPath() / "photos/gif/Issue 201.gif", 1 << 20);
  ASSERT_TRUE(still.ok());
  auto none = DecodeAnimationFrames(still->data(), still->size(), ClipLike(), 7);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  const std::string junk = "GIF89a not really";
  EXPECT_FALSE(DecodeAnimationFrames(reinterpret_cast<const uint8_t*>(junk.data()), junk.size(),
                                     ClipLike(), 7)
                   .ok());
}

}  // namespace
}  // namespace shoebox
