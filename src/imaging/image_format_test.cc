#include "imaging/image_format.h"

#include <gtest/gtest.h>

#include <string>

namespace shoebox {
namespace {

ImageFormat Sniff(const std::string& bytes, const std::string& name = "x") {
  return SniffFormat(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), name);
}

TEST(ImageFormat, RecognisesEachFormatByContent) {
  EXPECT_EQ(Sniff("\xFF\xD8\xFF\xE0", "photo.png"), ImageFormat::kJpeg);  // content wins
  EXPECT_EQ(Sniff(std::string("\x89PNG\r\n\x1A\n", 8) + "rest"), ImageFormat::kPng);
  EXPECT_EQ(Sniff("GIF89a...."), ImageFormat::kGif);
  EXPECT_EQ(Sniff(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)), ImageFormat::kWebp);
  EXPECT_EQ(Sniff(std::string("\0\0\0\x18"
                              "ftypheic\0\0\0\0mif1heic",
                              24)),
            ImageFormat::kHeic);
  EXPECT_EQ(Sniff(std::string("\0\0\0\x18"
                              "ftypmif1\0\0\0\0mif1heic",
                              24)),
            ImageFormat::kHeic);
  EXPECT_EQ(Sniff(std::string("\0\0\0\x1c"
                              "ftypavif\0\0\0\0avifmif1miaf",
                              28)),
            ImageFormat::kAvif);
  EXPECT_EQ(Sniff(std::string("\0\0\0\x18"
                              "ftypcrx \0\0\0\0crx isom",
                              24)),
            ImageFormat::kRaw);
  EXPECT_EQ(Sniff(std::string("II*\0\x08\0\0\0", 8), "scan.TIF"), ImageFormat::kTiff);
  EXPECT_EQ(Sniff(std::string("II*\0\x08\0\0\0", 8), "DSC_0001.NEF"), ImageFormat::kRaw);
  EXPECT_EQ(Sniff(std::string("MM\0*\0\0\0\x08", 8), "a.dng"), ImageFormat::kRaw);
  EXPECT_EQ(Sniff(std::string("II*\0\x10\0\0\0CR\x02\0", 12), "img.tif"), ImageFormat::kRaw);
  EXPECT_EQ(Sniff(std::string("IIRO\x08\0\0\0", 8)), ImageFormat::kRaw);
  EXPECT_EQ(Sniff("FUJIFILMCCD-RAW 0201"), ImageFormat::kRaw);
  EXPECT_EQ(Sniff(std::string("\xFF\x0A\xFA\x7F", 4)), ImageFormat::kJxl);
  EXPECT_EQ(Sniff(std::string("\0\0\0\x0CJXL \x0D\x0A\x87\x0A", 12)), ImageFormat::kJxl);
  std::string bmp =
      "BM" + std::string(12, '\0') + std::string("\x28\0\0\0", 4) + std::string(12, '\0');
  EXPECT_EQ(Sniff(bmp), ImageFormat::kBmp);
}

TEST(ImageFormat, RejectsTextAndTruncatedMagic) {
  EXPECT_EQ(Sniff("This is not a photo", "photo.jpg"), ImageFormat::kUnknown);
  EXPECT_EQ(Sniff("\xFF\xD8"), ImageFormat::kUnknown);
  EXPECT_EQ(Sniff(""), ImageFormat::kUnknown);
  EXPECT_EQ(Sniff("BM plain text that starts with BM"), ImageFormat::kUnknown);
}

TEST(ImageFormat, DescribesNonImages) {
  std::string text = "hello world\n";
  EXPECT_EQ(DescribeNonImage(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
            "not an image: the file contains text");
  EXPECT_EQ(DescribeNonImage(nullptr, 0), "empty file (0 bytes)");
  std::string bin("\x01\x02\x03\x04\x00", 5);
  EXPECT_NE(DescribeNonImage(reinterpret_cast<const uint8_t*>(bin.data()), bin.size())
                .find("01 02 03 04"),
            std::string::npos);
}

TEST(ImageFormat, ExtensionsInAnyLetterCase) {
  EXPECT_TRUE(HasImageExtension("IMG_0001.JPG"));
  EXPECT_TRUE(HasImageExtension("x.HeIc"));
  EXPECT_TRUE(HasImageExtension("a.b.cr3"));
  EXPECT_FALSE(HasImageExtension("clip.MOV"));
  EXPECT_TRUE(IsKnownNonImageExtension("IMG_0001.JPG.json"));
  EXPECT_FALSE(IsKnownNonImageExtension("clip.MP4")) << "videos are catalogued now";
  EXPECT_TRUE(HasVideoExtension("clip.MP4"));
  EXPECT_TRUE(HasVideoExtension("PXL_20240101_123456789.MP"));
  EXPECT_FALSE(HasVideoExtension("photo.jpeg"));
  EXPECT_TRUE(IsKnownNonImageExtension("song.mp3"));
  EXPECT_TRUE(IsKnownNonImageExtension("tape.wmv")) << "containers we do not read stay skipped";
  EXPECT_FALSE(IsKnownNonImageExtension("noextension"));
  EXPECT_FALSE(IsKnownNonImageExtension("photo.jpeg"));
}

TEST(ImageFormat, NamesRoundTrip) {
  for (auto f : {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp, ImageFormat::kGif,
                 ImageFormat::kHeic, ImageFormat::kAvif, ImageFormat::kTiff, ImageFormat::kBmp,
                 ImageFormat::kJxl, ImageFormat::kRaw})
    EXPECT_EQ(FormatFromName(FormatName(f)), f);
}

}  // namespace
}  // namespace shoebox
