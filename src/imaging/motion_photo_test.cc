#include "imaging/motion_photo.h"

#include <gtest/gtest.h>

#include "imaging/photo_analyzer.h"
#include "test_util.h"

namespace shoebox {
namespace {

using testing::ReadFile;
using testing::TestVideos;

std::optional<EmbeddedVideo> Find(const std::string& bytes) {
  return FindMotionPhotoVideo(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

TEST(MotionPhoto, TheVideoAppendedToAGoogleStillIsFoundWithItsLength) {
  const std::string photo = ReadFile(TestVideos() / "motion.jpg");
  const std::string part = ReadFile(TestVideos() / "motion-part.mp4");
  auto v = Find(photo);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->offset, photo.size() - part.size());
  EXPECT_EQ(v->length, part.size());
  EXPECT_NEAR(v->duration_s, 1.5, 0.1);
  EXPECT_EQ(photo.substr(v->offset), part);
}

TEST(MotionPhoto, SamsungsMarkerBeforeTheVideoIsSkipped) {
  const std::string photo = ReadFile(TestVideos() / "motion-samsung.jpg");
  const std::string part = ReadFile(TestVideos() / "motion-part.mp4");
  auto v = Find(photo);
  ASSERT_TRUE(v);
  EXPECT_EQ(photo.substr(v->offset, v->length), part);
}

TEST(MotionPhoto, PlainPhotosAndLookalikesHaveNone) {
  EXPECT_FALSE(Find(ReadFile(testing::DataPath("fixtures/Canon_40D.jpg"))));
  // "ftyp" in a comment, with no movie after it.
  std::string fake = ReadFile(testing::DataPath("fixtures/Canon_40D.jpg"));
  fake += std::string(
              "\0\0\0\x18"
              "ftypisom\0\0\0\0isommp41",
              24) +
          std::string(100, 'x');
  EXPECT_FALSE(Find(fake));
  // The movie cut short: its boxes no longer reach the end.
  std::string cut = ReadFile(TestVideos() / "motion.jpg");
  cut.resize(cut.size() - 100);
  EXPECT_FALSE(Find(cut));
  EXPECT_FALSE(Find(""));
}

TEST(MotionPhoto, AnalyzingTheStillSaysWhereItsMotionIs) {
  ASSERT_TRUE(InitImaging().ok());
  const std::string photo = ReadFile(TestVideos() / "motion.jpg");
  auto p =
      AnalyzePhoto(reinterpret_cast<const uint8_t*>(photo.data()), photo.size(), "motion.jpg", {});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->format, ImageFormat::kJpeg);
  EXPECT_EQ(p->width, 320);
  ASSERT_TRUE(p->motion);
  EXPECT_FALSE(p->video) << "a photo with a motion part, not a video";
}

}  // namespace
}  // namespace shoebox
