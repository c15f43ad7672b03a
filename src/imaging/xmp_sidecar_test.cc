#include "imaging/xmp_sidecar.h"

#include <gtest/gtest.h>

#include <cstring>

namespace shoebox {
namespace {

// A Lightroom Classic sidecar as it writes them for a RAW file (trimmed): rating, label,
// title, caption, flat and hierarchical keywords, an edited capture time and a place.
constexpr const char* kLightroomSidecar =
    R"(<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmp:Rating="4"
    xmp:Label="Green"
    exif:DateTimeOriginal="2019-04-15T14:40:24.00+09:00"
    exif:GPSLatitude="35,21.6N"
    exif:GPSLongitude="138,43.8E">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Fuji from the plane</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="de">Fuji aus dem Flugzeug</rdf:li><rdf:li xml:lang="x-default">Window seat, row 12</rdf:li></rdf:Alt></dc:description>
   <dc:subject><rdf:Bag><rdf:li>Fuji</rdf:li><rdf:li>mountain</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|Japan|Fuji</rdf:li><rdf:li>Trips|Japan 2019</rdf:li></rdf:Bag></lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>)";

TEST(XmpSidecar, ALightroomSidecarGivesWhatTheUserDecided) {
  std::string warning;
  XmpSidecar s = ReadXmpSidecar(kLightroomSidecar, std::strlen(kLightroomSidecar), &warning);
  EXPECT_EQ(warning, "");
  EXPECT_EQ(s.photo.rating.value_or(-9), 4);
  EXPECT_EQ(s.label.value_or(""), "Green");
  EXPECT_EQ(s.title.value_or(""), "Fuji from the plane");
  EXPECT_EQ(s.description.value_or(""), "Window seat, row 12");  // x-default, not the first
  EXPECT_EQ(s.photo.taken_at.value_or(""), "2019-04-15T14:40:24");
  EXPECT_EQ(s.photo.tz_offset.value_or(""), "+09:00");
  ASSERT_TRUE(s.photo.gps_lat && s.photo.gps_lon);
  EXPECT_NEAR(*s.photo.gps_lat, 35.36, 1e-9);
  EXPECT_NEAR(*s.photo.gps_lon, 138.73, 1e-9);
  // Flat keywords first; every level of the hierarchical ones once ("Fuji" is already there).
  EXPECT_EQ(s.keywords, (std::vector<std::string>{"Fuji", "mountain", "Places", "Japan", "Trips",
                                                  "Japan 2019"}));
}

TEST(XmpSidecar, ARejectedPhotoAndAnEmptySidecarAreNotErrors) {
  const std::string rejected =
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
      R"(<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="-1"/>)"
      R"(</rdf:RDF></x:xmpmeta>)";
  std::string warning;
  XmpSidecar s = ReadXmpSidecar(rejected.data(), rejected.size(), &warning);
  EXPECT_EQ(warning, "");
  EXPECT_EQ(s.photo.rating.value_or(0), -1);
  const std::string empty =
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>)";
  s = ReadXmpSidecar(empty.data(), empty.size(), &warning);
  EXPECT_EQ(warning, "");
  EXPECT_TRUE(s.keywords.empty());
  EXPECT_FALSE(s.title);
}

TEST(XmpSidecar, ADamagedSidecarIsAWarningNotACrash) {
  InitMetadataReader();  // exiv2 quiet, as the product sets it up
  for (const std::string bad : {std::string("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF"),
                                std::string("\xff\xfe\x00garbage", 10), std::string()}) {
    std::string warning;
    XmpSidecar s = ReadXmpSidecar(bad.data(), bad.size(), &warning);
    EXPECT_NE(warning, "") << bad;
    EXPECT_TRUE(s.keywords.empty());
  }
}

TEST(XmpSidecar, SidecarNamesAreXmpInAnyCase) {
  EXPECT_TRUE(IsXmpSidecarName("IMG_1234.xmp"));
  EXPECT_TRUE(IsXmpSidecarName("IMG_1234.CR2.XMP"));
  EXPECT_FALSE(IsXmpSidecarName(".xmp"));
  EXPECT_FALSE(IsXmpSidecarName("IMG_1234.jpg"));
  EXPECT_FALSE(IsXmpSidecarName("xmp"));
}

}  // namespace
}  // namespace shoebox
