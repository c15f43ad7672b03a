#include "imaging/photo_analyzer.h"

#include <gtest/gtest.h>
#include <vips/vips.h>
// vector.h needs vips.h first
#include <vips/vector.h>

#include "test_util.h"

namespace shoebox {
namespace {

using testing::DataPath;
using testing::ReadFile;

class PhotoAnalyzerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(InitImaging()); }

  Result<AnalyzedPhoto> Analyze(const std::string& fixture, AnalyzeOptions opt = {}) {
    bytes_ = ReadFile(DataPath("fixtures/" + fixture));
    return AnalyzePhoto(reinterpret_cast<const uint8_t*>(bytes_.data()), bytes_.size(), fixture,
                        opt);
  }

  // Size of a JPEG thumbnail, decoded back.
  static std::pair<int, int> ThumbSize(const std::vector<uint8_t>& jpeg) {
    VipsImage* im = vips_image_new_from_buffer(jpeg.data(), jpeg.size(), "", nullptr);
    EXPECT_NE(im, nullptr);
    if (!im) return {0, 0};
    std::pair<int, int> wh{vips_image_get_width(im), vips_image_get_height(im)};
    g_object_unref(im);
    return wh;
  }

  std::string bytes_;
};

TEST_F(PhotoAnalyzerTest, PhotosAreDecodedWithoutOrcVectorCodeThatCorruptsTheHeapUnderThreads) {
  EXPECT_FALSE(vips_vector_isenabled());
}

TEST_F(PhotoAnalyzerTest, ReadsCameraMetadataAndMakesThumbnail) {
  auto p = Analyze("Canon_40D.jpg");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->format, ImageFormat::kJpeg);
  EXPECT_EQ(p->width, 100);
  EXPECT_EQ(p->height, 68);
  EXPECT_EQ(p->metadata.make.value_or(""), "Canon");
  EXPECT_EQ(p->metadata.model.value_or(""), "Canon EOS 40D");
  EXPECT_EQ(p->metadata.taken_at.value_or(""), "2008-05-30T15:56:01");
  EXPECT_EQ(ThumbSize(p->thumbnail_jpeg), std::make_pair(100, 68));  // never upscaled
}

TEST_F(PhotoAnalyzerTest, APngsExifChunkGivesItsCaptureTimeAndCamera) {
  // exiv2 0.27 does not read PNG's eXIf chunk; the decoder hands it over.
  auto p = Analyze("canon_40d exif chunk.png");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->format, ImageFormat::kPng);
  EXPECT_EQ(p->metadata.make.value_or(""), "Canon");
  EXPECT_EQ(p->metadata.model.value_or(""), "Canon EOS 40D");
  EXPECT_EQ(p->metadata.taken_at.value_or(""), "2008-05-30T15:56:01");
}

TEST_F(PhotoAnalyzerTest, APngWithOnlyXmpGetsItsDateOffsetPlaceAndCameraFromIt) {
  auto p = Analyze("xmp itxt only.png");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->metadata.taken_at.value_or(""), "2017-06-03T18:04:12");
  EXPECT_EQ(p->metadata.tz_offset.value_or(""), "+02:00");
  EXPECT_EQ(p->metadata.make.value_or(""), "Google");
  EXPECT_EQ(p->metadata.model.value_or(""), "Pixel 2");
  ASSERT_TRUE(p->metadata.gps_lat && p->metadata.gps_lon);
  EXPECT_NEAR(*p->metadata.gps_lat, 41.39, 1e-6);
  EXPECT_NEAR(*p->metadata.gps_lon, 2.17, 1e-6);
}

TEST_F(PhotoAnalyzerTest, ThumbnailIsUprightForRotatedPhotos) {
  auto p = Analyze("landscape_6.jpg");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->metadata.orientation, 6);
  EXPECT_EQ(p->width, 450);  // as stored
  EXPECT_EQ(p->height, 600);
  auto [w, h] = ThumbSize(p->thumbnail_jpeg);
  EXPECT_EQ(w, 256);  // rotated to landscape, long side 256
  EXPECT_EQ(h, 192);
}

TEST_F(PhotoAnalyzerTest, HonoursThumbnailSize) {
  AnalyzeOptions opt;
  opt.thumbnail_size = 64;
  auto p = Analyze("cheers_1440x960.heic", opt);
  ASSERT_OK(p.status());
  EXPECT_EQ(p->format, ImageFormat::kHeic);
  EXPECT_EQ(ThumbSize(p->thumbnail_jpeg), std::make_pair(64, 43));
}

TEST_F(PhotoAnalyzerTest, DecodesEveryFixtureFormat) {
  const std::pair<const char*, ImageFormat> cases[] = {
      {"palette_color.png", ImageFormat::kPng},
      {"basn6a16.png", ImageFormat::kPng},  // 16-bit with alpha
      {"32Bit-72dpi-sRGB-800x600.avif", ImageFormat::kAvif},
      {"no_time_for_that_tiny.gif", ImageFormat::kGif},  // animated: first frame
      {"Arbitro.tiff", ImageFormat::kTiff},
      {"canon_40d.jxl", ImageFormat::kJxl},
      {"canon_40d.bmp", ImageFormat::kBmp},
  };
  for (const auto& [file, format] : cases) {
    auto p = Analyze(file);
    ASSERT_OK(p.status());
    EXPECT_EQ(p->format, format) << file;
    EXPECT_FALSE(p->thumbnail_jpeg.empty()) << file;
    EXPECT_GT(p->width, 0) << file;
  }
  EXPECT_EQ(Analyze("canon_40d.jxl")->width, 100);
  EXPECT_EQ(Analyze("canon_40d.bmp")->height, 68);
}

TEST_F(PhotoAnalyzerTest, WebPAndAvifCarryTheirExifCaptureTimeAndCamera) {
  // The Canon's JPEG re-encoded with its metadata kept, as phones and exporters write them.
  const std::string jpeg = ReadFile(DataPath("fixtures/Canon_40D.jpg"));
  VipsImage* im = vips_image_new_from_buffer(jpeg.data(), jpeg.size(), "", nullptr);
  ASSERT_NE(im, nullptr);
  for (const char* suffix : {".webp", ".avif"}) {
    void* buf = nullptr;
    size_t len = 0;
    ASSERT_EQ(vips_image_write_to_buffer(im, suffix, &buf, &len, "strip", FALSE, nullptr), 0)
        << suffix << ": " << vips_error_buffer();
    auto p = AnalyzePhoto(static_cast<const uint8_t*>(buf), len, std::string("canon") + suffix, {});
    g_free(buf);
    ASSERT_OK(p.status());
    EXPECT_EQ(p->metadata.make.value_or(""), "Canon") << suffix;
    EXPECT_EQ(p->metadata.taken_at.value_or(""), "2008-05-30T15:56:01") << suffix;
  }
  g_object_unref(im);
}

TEST_F(PhotoAnalyzerTest, TruncatedJpegIsAnErrorNamingTheProblem) {
  auto p = Analyze("truncated.jpg");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("truncated JPEG"), std::string::npos) << p.status().message();
}

TEST_F(PhotoAnalyzerTest, BadCrcPngIsAnError) {
  auto p = Analyze("xcsn0g01 bad IDAT crc.png");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("PNG"), std::string::npos) << p.status().message();
}

TEST_F(PhotoAnalyzerTest, RefusesDecompressionBombsBeforeDecoding) {
  auto p = Analyze("bomb 20000x20000.png");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kTooLarge);
  EXPECT_NE(p.status().message().find("400 megapixels"), std::string::npos);
  AnalyzeOptions small;
  small.max_pixels = 1000;
  auto q = Analyze("Canon_40D.jpg", small);
  EXPECT_EQ(q.status().code(), StatusCode::kTooLarge);
}

TEST_F(PhotoAnalyzerTest, EmptyAndTextFilesAreNotImages) {
  std::string text = "just some notes, not a photo";
  auto p = AnalyzePhoto(reinterpret_cast<const uint8_t*>(text.data()), text.size(), "a.jpg", {});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "not an image: the file contains text");
  auto e = AnalyzePhoto(nullptr, 0, "b.jpg", {});
  EXPECT_EQ(e.status().message(), "empty file (0 bytes)");
}

TEST_F(PhotoAnalyzerTest, GarbageAfterAValidMagicIsAnErrorNotACrash) {
  std::string junk = "\xFF\xD8\xFF\xE1" + std::string(4000, '\x5A');
  auto p = AnalyzePhoto(reinterpret_cast<const uint8_t*>(junk.data()), junk.size(), "x.jpg", {});
  EXPECT_FALSE(p.ok());
  std::string heif = std::string(
                         "\0\0\0\x18"
                         "ftypheic\0\0\0\0mif1heic",
                         24) +
                     std::string(500, '\x01');
  auto h = AnalyzePhoto(reinterpret_cast<const uint8_t*>(heif.data()), heif.size(), "x.heic", {});
  EXPECT_FALSE(h.ok());
}

}  // namespace
}  // namespace shoebox
