// An upright 8-bit grey image at reduced size: what OCR and its text gate read.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "imaging/image_format.h"
#include "imaging/video.h"

namespace shoebox {

struct GreyImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // width * height, row by row
  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

// Decodes a photo held in memory (any format AnalyzePhoto reads; a RAW through its embedded
// preview) into grey, upright, with its long side shrunk to at most max_long_side (JPEG DCT
// scaling while decoding, so a 24 MP photo is never decoded whole for a 2 MP result); never
// enlarged. Alpha is flattened onto white. Lenient on damage (a truncated photo's rows that
// did decode are still read). Errors: kCorrupt / kUnsupported with a short reason.
// A video's words are its poster frame's (imaging/video.h).
Result<GreyImage> DecodeGrey(const uint8_t* data, size_t size, ImageFormat format,
                             int max_long_side);

// A video's poster frame, in grey, as DecodeGrey gives it, from any reader.
Result<GreyImage> DecodeVideoPosterGrey(const VideoBytes& bytes, ImageFormat format,
                                        int max_long_side);

}  // namespace shoebox
