// Recognising photos by their content (magic bytes), not their name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoebox {

enum class ImageFormat {
  kUnknown,
  kJpeg,
  kPng,
  kWebp,
  kGif,
  kHeic,
  kAvif,
  kTiff,
  kBmp,
  kJxl,
  kRaw,
  // Videos (imaging/video.h). They are catalogued like photos: a poster frame stands in for
  // the pixels wherever a photo's would be used.
  kMp4,  // ISO-BMFF movies: MP4, M4V and anything not QuickTime or 3GPP
  kMov,  // QuickTime (major brand "qt  ")
  k3gp,  // 3GPP / 3GPP2
  kMkv,
  kWebm,
  kAvi
};

// True for the video containers above.
bool IsVideoFormat(ImageFormat format);

// The lowercase name used in the catalog and JSON output ("jpeg", "heic", "raw"...).
std::string_view FormatName(ImageFormat format);
ImageFormat FormatFromName(std::string_view name);

// How many leading bytes SniffFormat wants to see.
constexpr size_t kSniffBytes = 64;

// Identifies an image format from the first bytes of a file. TIFF-based camera RAW files
// (NEF, ARW, DNG, PEF...) share TIFF's magic, so the file name's extension decides between
// kTiff and kRaw for those; everything else is decided by content alone.
ImageFormat SniffFormat(const uint8_t* data, size_t size, std::string_view file_name);

// A human reason why bytes that SniffFormat rejected are not a photo
// ("not an image: the file contains text").
std::string DescribeNonImage(const uint8_t* data, size_t size);

// True for extensions that are never photos or videos (sidecars, audio, documents), letting the
// crawler skip them without opening them.
bool IsKnownNonImageExtension(std::string_view file_name);
// True for extensions photos (or, for HasVideoExtension, videos) commonly have, any letter case.
bool HasImageExtension(std::string_view file_name);
bool HasVideoExtension(std::string_view file_name);

}  // namespace shoebox
