#include "pipeline/thumbnail_cache.h"

#include <gtest/gtest.h>
#include <vips/vips.h>

#include "imaging/photo_analyzer.h"
#include "test_util.h"

namespace shoebox {
namespace {

// A real JPEG thumbnail, made the way the indexer makes them.
std::vector<uint8_t> SomeThumbnail() {
  EXPECT_TRUE(InitImaging().ok());
  const std::string photo =
      testing::ReadFile(testing::CorpusPath() / "photos/phones/Apple iPhone 4.jpg");
  AnalyzeOptions opt;
  auto a = AnalyzePhoto(reinterpret_cast<const uint8_t*>(photo.data()), photo.size(), "a.jpg", opt);
  EXPECT_TRUE(a.ok());
  return a.ok() ? a->thumbnail_jpeg : std::vector<uint8_t>();
}

TEST(ThumbnailCache, AThumbnailReadsBackCheckedAndStillDecodesAsAJpeg) {
  testing::TempDir tmp;
  ThumbnailCache cache(tmp / "thumbs");
  const auto jpeg = SomeThumbnail();
  ASSERT_FALSE(jpeg.empty());
  ASSERT_TRUE(cache.Put("ab12", jpeg).ok());
  auto bytes = cache.Read("ab12");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(bytes->size(), jpeg.size() + 16);
  EXPECT_TRUE(std::equal(jpeg.begin(), jpeg.end(), bytes->begin()));
  // The trailer after the end-of-image marker bothers no JPEG reader, strict ones included.
  VipsImage* im = vips_image_new_from_buffer(bytes->data(), bytes->size(), "", "fail_on",
                                             VIPS_FAIL_ON_WARNING, nullptr);
  ASSERT_NE(im, nullptr) << vips_error_buffer();
  double avg = 0;
  EXPECT_EQ(vips_avg(im, &avg, nullptr), 0) << vips_error_buffer();
  g_object_unref(im);
  EXPECT_EQ(cache.Read("cd34").status().code(), StatusCode::kNotFound);
}

TEST(ThumbnailCache, ADamagedThumbnailIsRefusedAndRemovedSoThatIndexMakesItAgain) {
  testing::TempDir tmp;
  ThumbnailCache cache(tmp / "thumbs");
  const auto jpeg = SomeThumbnail();
  ASSERT_TRUE(cache.Put("ab12", jpeg).ok());
  std::string bytes = testing::ReadFile(cache.PathFor("ab12"));
  bytes[bytes.size() / 2] ^= 0x04;  // one bit, in the middle of the image data
  testing::WriteFile(cache.PathFor("ab12"), bytes);
  auto read = cache.Read("ab12");
  EXPECT_EQ(read.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(read.status().message().find("shoebox index"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(cache.PathFor("ab12")));
  // A thumbnail written before the trailer existed is taken as it is; an empty one is not.
  testing::WriteFile(cache.PathFor("ef56"), std::string(jpeg.begin(), jpeg.end()));
  EXPECT_TRUE(cache.Read("ef56").ok());
  testing::WriteFile(cache.PathFor("0000"), "");
  EXPECT_EQ(cache.Read("0000").status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace shoebox
