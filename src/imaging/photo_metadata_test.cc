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

TEST(PhotoMetadata, XmpDatesBecomeLocalTimeWithTheirOffset) {
  std::string off;
  EXPECT_EQ(XmpDateToIso("2017-06-03T18:04:12.35+02:00", &off).value_or(""), "2017-06-03T18:04:12");
  EXPECT_EQ(off, "+02:00");
  EXPECT_EQ(XmpDateToIso("2017-06-03T18:04:12Z", &off).value_or(""), "2017-06-03T18:04:12");
  EXPECT_EQ(off, "+00:00");
  EXPECT_EQ(XmpDateToIso("2017-06-03T18:04", &off).value_or(""), "2017-06-03T18:04:00");
  EXPECT_EQ(off, "");
  EXPECT_EQ(XmpDateToIso("2017-06-03", &off).value_or(""), "2017-06-03T00:00:00");
  EXPECT_FALSE(XmpDateToIso("2017-13-03T18:04:12", &off));
  EXPECT_FALSE(XmpDateToIso("yesterday", &off));
  EXPECT_FALSE(XmpDateToIso("", &off));
}

TEST(PhotoMetadata, AnXmpPacketGivesWhatItHoldsAndGarbageIsAWarning) {
  const std::string xmp =
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
      R"(<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/")"
      R"( xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/")"
      R"( photoshop:DateCreated="1998-07-14" xmp:CreateDate="2020-01-01T00:00:00" xmp:Rating="4")"
      R"( exif:GPSLatitude="33,51,21.6S" exif:GPSLongitude="151,12.6E"/></rdf:RDF></x:xmpmeta>)";
  std::string warning;
  PhotoMetadata m = ReadMetadataFromXmpPacket(xmp.data(), xmp.size(), &warning);
  EXPECT_EQ(warning, "");
  EXPECT_EQ(m.taken_at.value_or(""), "1998-07-14T00:00:00");
  EXPECT_EQ(m.rating.value_or(-9), 4);
  ASSERT_TRUE(m.gps_lat && m.gps_lon);
  EXPECT_NEAR(*m.gps_lat, -33.856, 1e-6);
  EXPECT_NEAR(*m.gps_lon, 151.21, 1e-6);

  // An editor's document date is not when the photo was taken.
  const std::string edited =
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
      R"(<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/")"
      R"( xmp:CreateDate="2014-12-18T17:36:40-02:00"/></rdf:RDF></x:xmpmeta>)";
  EXPECT_FALSE(ReadMetadataFromXmpPacket(edited.data(), edited.size(), &warning).taken_at);

  const std::string junk = "<x:xmpmeta><rdf:RDF><unclosed";
  PhotoMetadata bad = ReadMetadataFromXmpPacket(junk.data(), junk.size(), &warning);
  EXPECT_FALSE(bad.taken_at);
  EXPECT_NE(warning, "");
}

TEST(PhotoMetadata, ASecondSourceFillsOnlyWhatIsMissing) {
  PhotoMetadata exif;
  exif.taken_at = "2008-05-30T15:56:01";
  exif.make = "Canon";
  PhotoMetadata xmp;
  xmp.taken_at = "2017-06-03T18:04:12";
  xmp.tz_offset = "+02:00";
  xmp.make = "Google";
  xmp.model = "Pixel 2";
  xmp.gps_lat = 41.39;
  xmp.gps_lon = 2.17;
  FillMissing(&exif, xmp);
  EXPECT_EQ(exif.taken_at.value_or(""), "2008-05-30T15:56:01");
  EXPECT_FALSE(exif.tz_offset) << "an offset that belongs to another date";
  EXPECT_EQ(exif.make.value_or(""), "Canon");
  EXPECT_EQ(exif.model.value_or(""), "Pixel 2");
  EXPECT_TRUE(exif.gps_lat && exif.gps_lon);
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
