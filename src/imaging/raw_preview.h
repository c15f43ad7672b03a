// Camera RAW files, through LibRaw: their stored size and the embedded preview JPEG (or
// bitmap) that the camera wrote, which is what we thumbnail. We never demosaic.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"

namespace shoebox {

struct RawPreview {
  int width = 0, height = 0;  // sensor image size as LibRaw reports it
  int orientation = 1;        // EXIF-style, from LibRaw's flip
  bool is_jpeg = false;       // else 8-bit RGB bitmap of preview_width x preview_height
  int preview_width = 0, preview_height = 0;
  std::vector<uint8_t> preview;
};

Result<RawPreview> ExtractRawPreview(const uint8_t* data, size_t size);

}  // namespace shoebox
