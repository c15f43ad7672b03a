#include "imaging/photo_metadata.h"

#include <gtest/gtest.h>

namespace shoebox {
namespace {

TEST(PhotoMetadata, ExifDatesBecomeIso8601) {
  EXPECT_EQ(ExifDateToIso("2008:10:22 16:28:39").value_or(""), "2008-10-22T16:28:39");
  EXPECT_EQ(ExifDateToIso("2008-10-22 16:28:39").value_or(""), "2008-10-22T16:28:39");
  EXPECT_FALSE(ExifDateToIso("0000:00:00 00:00:00"));
  EXPECT_FALSE(ExifDateToIso("    :  :     :  :  "));
  EXPECT_FALSE(ExifDateToIso("2008:13:22 16:28:39"));
  EXPECT_FALSE(ExifDateToIso(""));
}

TEST(PhotoMetadata, OffsetIsAppendedWhenKnown) {
  PhotoMetadata m;
  EXPECT_EQ(m.TakenAtWithOffset(), "");
  m.taken_at = "2021-04-11T15:47:53";
  EXPECT_EQ(m.TakenAtWithOffset(), "2021-04-11T15:47:53");
  m.tz_offset = "-05:00";
  EXPECT_EQ(m.TakenAtWithOffset(), "2021-04-11T15:47:53-05:00");
}

TEST(PhotoMetadata, GarbageExifBlockIsAWarningNotACrash) {
  InitMetadataReader();
  std::string junk = "Exif\0\0II*\0\x08\0\0\0\xff\xff";
  std::string warning;
  PhotoMetadata m = ReadMetadataFromExifBlock(reinterpret_cast<const uint8_t*>(junk.data()),
                                              junk.size(), &warning);
  EXPECT_EQ(m.orientation, 1);
  EXPECT_FALSE(m.taken_at);
}

}  // namespace
}  // namespace shoebox
