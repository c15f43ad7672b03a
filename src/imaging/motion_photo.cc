#include "imaging/motion_photo.h"

#include <cstring>
#include <string>

#include "imaging/image_format.h"
#include "imaging/video.h"

namespace shoebox {
namespace {

uint32_t Be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Whether the boxes from `at` run exactly to the end of the data (size 0 = "to the end",
// size 1 = a 64-bit size follows), as an appended movie's do.
bool BoxesRunToTheEnd(const uint8_t* d, size_t size, size_t at) {
  int boxes = 0;
  while (at + 8 <= size && boxes < 10000) {
    uint64_t box = Be32(d + at);
    if (box == 1) {
      if (at + 16 > size) return false;
      box = (uint64_t{Be32(d + at + 8)} << 32) | Be32(d + at + 12);
    } else if (box == 0) {
      return true;
    }
    if (box < 8 || box > size - at) return false;
    at += box;
    ++boxes;
  }
  return at == size;
}

}  // namespace

std::optional<EmbeddedVideo> FindMotionPhotoVideo(const uint8_t* d, size_t size) {
  if (size < 64 || d[0] != 0xFF || d[1] != 0xD8) return std::nullopt;
  // A movie starts with its 'ftyp' box (size, "ftyp", a brand). The still comes first, so the
  // search starts past the smallest JPEG.
  for (size_t i = 128; i + 12 <= size;) {
    const void* hit = memmem(d + i, size - i, "ftyp", 4);
    if (!hit) break;
    const size_t at = static_cast<const uint8_t*>(hit) - d;
    i = at + 1;
    const size_t start = at - 4;
    const uint32_t box = Be32(d + start);
    if (box < 16 || box > 256 || !BoxesRunToTheEnd(d, size, start)) continue;
    const ImageFormat format =
        SniffFormat(d + start, std::min<size_t>(size - start, kSniffBytes), "");
    if (!IsVideoFormat(format)) continue;
    VideoOptions opt;
    opt.time_limit_s = 10;
    auto video = AnalyzeVideo(VideoBytes::FromMemory(d + start, size - start), format, opt, 16);
    if (!video.ok()) return std::nullopt;
    return EmbeddedVideo{start, size - start, video->facts.duration_s};
  }
  return std::nullopt;
}

}  // namespace shoebox
