// Preprocessing against the reference processors' pixel_values (golden data README §5).
#include "imaging/model_input.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "imaging/photo_analyzer.h"
#include "model/weights/safetensors.h"
#include "test_util.h"

namespace shoebox {
namespace {

std::filesystem::path Golden() { return testing::GoldenPath(); }

PreprocessConfig Config(const std::string& file) {
  auto c = ParsePreprocessConfig(testing::ReadFile(Golden() / "preprocess" / file), file);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : PreprocessConfig{};
}

float MaxAbsDiff(const std::vector<float>& a, const TensorView* t) {
  EXPECT_NE(t, nullptr);
  if (!t) return 1e9f;
  auto b = *ToFloat32(*t);
  EXPECT_EQ(a.size(), b.size());
  float m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

class GoldenPreprocess : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_TRUE(InitImaging().ok()); }
};

TEST_P(GoldenPreprocess, MatchesReferenceProcessorsExactly) {
  const std::string stem = GetParam();
  std::string ext = stem == "rocket_exif6" ? ".jpg" : ".png";
  std::string bytes = testing::ReadFile(Golden() / "preprocess/images" / (stem + ext));
  auto expected = SafetensorsFile::Open(Golden() / "preprocess" / (stem + ".safetensors"));
  ASSERT_TRUE(expected.ok());
  // The reference processors ignore EXIF orientation.
  auto rgb = DecodeRgb(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), false);
  ASSERT_TRUE(rgb.ok()) << rgb.status().ToString();
  if (const TensorView* decoded = (*expected)->Find("rgb")) {  // JPEG: same decoder output?
    ASSERT_EQ(decoded->nbytes, rgb->pixels.size());
    EXPECT_EQ(std::memcmp(decoded->data, rgb->pixels.data(), decoded->nbytes), 0) << "decoder differs";
  }
  EXPECT_LE(MaxAbsDiff(Preprocess(*rgb, Config("clip_preprocessor_config.json")),
                       (*expected)->Find("clip_pixel_values")), 1e-6f);
  EXPECT_LE(MaxAbsDiff(Preprocess(*rgb, Config("siglip_preprocessor_config.json")),
                       (*expected)->Find("siglip_pixel_values")), 1e-6f);
  if ((*expected)->Find("clip_pixel_values_exif_transposed")) {
    // Our default: upright first.
    auto upright = DecodeRgb(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), true);
    ASSERT_TRUE(upright.ok());
    EXPECT_EQ(upright->width, 427);
    EXPECT_LE(MaxAbsDiff(Preprocess(*upright, Config("clip_preprocessor_config.json")),
                         (*expected)->Find("clip_pixel_values_exif_transposed")), 1e-6f);
    EXPECT_LE(MaxAbsDiff(Preprocess(*upright, Config("siglip_preprocessor_config.json")),
                         (*expected)->Find("siglip_pixel_values_exif_transposed")), 1e-6f);
  }
}

INSTANTIATE_TEST_SUITE_P(AllImages, GoldenPreprocess,
                         ::testing::Values("astronaut", "chelsea_alpha", "coffee_portrait", "coffee_tiny",
                                           "coins", "rocket_exif6"));

TEST(PreprocessConfig, ReadsBothLayoutsAndRejectsNonsense) {
  auto legacy = ParsePreprocessConfig(R"({"size": 224, "crop_size": 224, "do_center_crop": true})", "a");
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->shortest_edge, 224);
  EXPECT_EQ(legacy->out_width(), 224);
  auto dict = ParsePreprocessConfig(R"({"size": {"height": 256, "width": 256}, "_valid_processor_keys": []})", "b");
  ASSERT_TRUE(dict.ok());
  EXPECT_EQ(dict->shortest_edge, 0);
  EXPECT_EQ(dict->out_height(), 256);
  EXPECT_FALSE(ParsePreprocessConfig("[]", "c").ok());
  EXPECT_FALSE(ParsePreprocessConfig(R"({"image_mean": [1, 2]})", "d").ok());
  EXPECT_FALSE(ParsePreprocessConfig(R"({"size": "big"})", "e").ok());
  EXPECT_FALSE(ParsePreprocessConfig(R"({"size": {"height": -4}})", "f").ok());
  EXPECT_EQ(ParsePreprocessConfig(R"({"resample": 2})", "g").status().code(), StatusCode::kUnsupported);
}

TEST(ResizeBicubicLikePillow, IdentityWhenSizeUnchangedAndConstantStaysConstant) {
  RgbImage img{5, 4, std::vector<uint8_t>(5 * 4 * 3, 77)};
  EXPECT_EQ(ResizeBicubicLikePillow(img, 5, 4).pixels, img.pixels);
  RgbImage up = ResizeBicubicLikePillow(img, 13, 9);
  EXPECT_EQ(up.pixels, std::vector<uint8_t>(13 * 9 * 3, 77));
  RgbImage down = ResizeBicubicLikePillow(img, 2, 1);
  EXPECT_EQ(down.pixels, std::vector<uint8_t>(2 * 1 * 3, 77));
}

}  // namespace
}  // namespace shoebox
