#include "imaging/photo_metadata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base/file_io.h"
#include "test_util.h"

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

// The corpus's portrait (from Immich's face test assets) is stored landscape with Orientation 6
// and names two people twice: MWG regions of the stored pixels and Microsoft Photo rectangles
// of the photo as shown. Turned upright, the MWG boxes must land on Microsoft's.
TEST(PhotoMetadata, NamedFaceRegionsAreReadAndTurnedUprightWithThePhoto) {
  auto bytes = ReadWholeFile(
      testing::CorpusPath() / "photos/jpeg-variants/grayscale portrait-orientation-6.jpg", 1 << 24);
  ASSERT_TRUE(bytes.ok());
  InitMetadataReader();
  std::string warning;
  PhotoMetadata m = ReadMetadataFromFile(bytes->data(), bytes->size(), &warning);
  EXPECT_EQ(m.orientation, 6);
  ASSERT_EQ(m.faces.size(), 2u);
  struct Expected {
    const char* name;
    double x, y, w, h;
  };
  const Expected shown[] = {{"Marie Curie", 0.311905, 0.208571, 0.113095, 0.198571},
                            {"Pierre Curie", 0.639286, 0.118571, 0.0964286, 0.241429}};
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(m.faces[i].name, shown[i].name);
    EXPECT_FALSE(m.faces[i].upright);  // MWG's, of the stored pixels
    FaceRegion u = UprightRegion(m.faces[i], m.orientation);
    ASSERT_TRUE(u.x && u.y && u.w && u.h);
    EXPECT_NEAR(*u.x, shown[i].x, 1e-5);
    EXPECT_NEAR(*u.y, shown[i].y, 1e-5);
    EXPECT_NEAR(*u.w, shown[i].w, 1e-5);
    EXPECT_NEAR(*u.h, shown[i].h, 1e-5);
  }
}

TEST(PhotoMetadata, EveryOrientationTurnsABoxTheWayThePhotoTurns) {
  FaceRegion r;
  r.name = "A";
  r.x = 0.1, r.y = 0.2, r.w = 0.3, r.h = 0.4;
  auto box = [&](int o) {
    FaceRegion u = UprightRegion(r, o);
    return std::vector<double>{*u.x, *u.y, *u.w, *u.h};
  };
  auto near = [](std::vector<double> a, std::vector<double> b) {
    for (size_t i = 0; i < 4; ++i)
      if (std::abs(a[i] - b[i]) > 1e-9) return false;
    return true;
  };
  EXPECT_TRUE(near(box(1), {0.1, 0.2, 0.3, 0.4}));
  EXPECT_TRUE(near(box(2), {0.6, 0.2, 0.3, 0.4}));  // mirrored left-right
  EXPECT_TRUE(near(box(3), {0.6, 0.4, 0.3, 0.4}));  // half a turn
  EXPECT_TRUE(near(box(4), {0.1, 0.4, 0.3, 0.4}));  // mirrored top-bottom
  EXPECT_TRUE(near(box(5), {0.2, 0.1, 0.4, 0.3}));  // transposed
  EXPECT_TRUE(near(box(6), {0.4, 0.1, 0.4, 0.3}));  // a quarter turn clockwise
  EXPECT_TRUE(near(box(7), {0.4, 0.6, 0.4, 0.3}));
  EXPECT_TRUE(near(box(8), {0.2, 0.6, 0.4, 0.3}));  // a quarter turn back
  r.upright = true;  // Microsoft's rectangles are of the photo as shown already
  EXPECT_TRUE(near(box(6), {0.1, 0.2, 0.3, 0.4}));
}

TEST(PhotoMetadata, RegionsWithoutANameOrOutsideThePhotoAreNotPeopleOrBoxes) {
  const std::string xmp = R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
 xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
 xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"><mwg-rs:Regions rdf:parseType="Resource">
 <mwg-rs:RegionList><rdf:Bag>
  <rdf:li rdf:parseType="Resource"><mwg-rs:Type>Face</mwg-rs:Type></rdf:li>
  <rdf:li rdf:parseType="Resource"><mwg-rs:Type>Focus</mwg-rs:Type><mwg-rs:Name>AF point</mwg-rs:Name></rdf:li>
  <rdf:li rdf:parseType="Resource"><mwg-rs:Type>Pet</mwg-rs:Type><mwg-rs:Name>Rex</mwg-rs:Name>
   <mwg-rs:Area rdf:parseType="Resource"><stArea:x>0.5</stArea:x><stArea:y>0.5</stArea:y>
   <stArea:w>3</stArea:w><stArea:h>0.2</stArea:h><stArea:unit>normalized</stArea:unit></mwg-rs:Area></rdf:li>
 </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>)";
  std::string warning;
  PhotoMetadata m = ReadMetadataFromXmpPacket(xmp.data(), xmp.size(), &warning);
  EXPECT_EQ(warning, "");
  ASSERT_EQ(m.faces.size(), 1u);
  EXPECT_EQ(m.faces[0].name, "Rex");
  EXPECT_FALSE(m.faces[0].x);  // three photos wide: no box, the name kept
}

}  // namespace
}  // namespace shoebox
