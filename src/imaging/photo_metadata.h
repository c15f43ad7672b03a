// What a photo says about itself (EXIF / XMP), read with exiv2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "imaging/image_format.h"

namespace shoebox {

// A named region a photo tool drew around a person (or a pet): XMP mwg-rs regions (Lightroom,
// digiKam, Picasa) or Microsoft Photo's. The box is top-left, width and height as fractions;
// `upright` says whether they are of the photo as shown (Microsoft's) or as stored (MWG's,
// which the orientation then turns: UprightRegion). No box: the name alone was given.
struct FaceRegion {
  std::string name;
  std::optional<double> x, y, w, h;
  bool upright = false;
};

// The region's box in the photo as shown, for a photo stored with EXIF `orientation`.
FaceRegion UprightRegion(const FaceRegion& region, int orientation);

struct PhotoMetadata {
  int orientation = 1;                   // EXIF Orientation 1..8; 1 when absent or invalid
  std::optional<std::string> taken_at;   // ISO 8601 local time, e.g. "2019-08-21T11:21:36"
  std::optional<std::string> tz_offset;  // "+02:00" from OffsetTimeOriginal, when recorded
  std::optional<std::string> make, model, lens;
  std::optional<double> gps_lat, gps_lon, gps_alt;  // absent, or [0,0] in the file, = none
  std::optional<int> rating;                        // 0..5 (-1 = rejected)
  std::optional<int> exif_width, exif_height;       // PixelX/YDimension, a hint only
  std::vector<FaceRegion> faces;                    // named people, from XMP regions
  // taken_at with the offset appended when known ("2019-08-21T11:21:36+02:00").
  std::string TakenAtWithOffset() const;
};

// One-time global set-up of exiv2 (XMP toolkit, quiet logging). Call before threads start.
void InitMetadataReader();

// Reads EXIF/XMP from a whole file held in memory. Damaged metadata is not fatal: the
// fields that could be read are returned and *warning says what went wrong.
PhotoMetadata ReadMetadataFromFile(const uint8_t* data, size_t size, std::string* warning);

// Parses a bare EXIF block ("Exif\0\0" + TIFF, or TIFF alone), as HEIF/AVIF carry it.
PhotoMetadata ReadMetadataFromExifBlock(const uint8_t* data, size_t size, std::string* warning);

// Parses an XMP packet (a PNG's iTXt, a JPEG XL box, a sidecar): the capture time
// (exif:DateTimeOriginal, else photoshop:DateCreated, with the offset they carry; never
// xmp:CreateDate, which editors set to when a document was made), exif:GPSLatitude/Longitude,
// tiff:Make/Model, the lens, xmp:Rating, named face regions.
PhotoMetadata ReadMetadataFromXmpPacket(const char* data, size_t size, std::string* warning);

// Fills the facts `into` lacks (capture time and its offset, camera, lens, place, rating)
// from a second source of the same photo. Orientation is left alone: the decoder applies the
// one it reads.
void FillMissing(PhotoMetadata* into, const PhotoMetadata& from);

// An XMP date ("2017-06-03T18:04:12.35+02:00", "...Z", "2017-06-03T18:04", "2017-06-03") as
// local ISO 8601 time and its offset ("+02:00", "+00:00" for Z; empty when none).
std::optional<std::string> XmpDateToIso(const std::string& xmp_date, std::string* offset);

// "2008:10:22 16:28:39" -> "2008-10-22T16:28:39"; nullopt when malformed or all zeros.
std::optional<std::string> ExifDateToIso(const std::string& exif_date);

}  // namespace shoebox
