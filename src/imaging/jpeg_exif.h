// Writes a few EXIF facts into a JPEG held in memory (exiv2), for images shoebox produces
// itself — a Lightroom preview extracted from its .lrprev carries no EXIF, yet its catalog
// knows how the photo is turned and when it was taken. The pixels are not re-encoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox {

struct ExifStamp {
  std::optional<int> orientation;                 // 1..8
  std::optional<std::string> date_time_original;  // "YYYY:MM:DD HH:MM:SS"
};

Result<std::vector<uint8_t>> StampJpegExif(const uint8_t* jpeg, size_t size,
                                           const ExifStamp& stamp);

}  // namespace shoebox
