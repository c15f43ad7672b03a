// Turning a photo into a model's pixel_values exactly as the Hugging Face image processors
// (CLIPImageProcessor, SiglipImageProcessor) do, from their preprocessor_config.json:
// RGB (alpha dropped, grey replicated) -> Pillow-exact bicubic resize -> centre crop ->
// rescale -> normalise -> CHW float32.
//
// One deliberate difference, on by default: EXIF orientation is applied first, so photos
// are understood upright. The reference processors do not (README of the golden data, §5.3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace shoebox {

struct PreprocessConfig {
  bool do_resize = true;
  // Either the shortest edge goes to shortest_edge (aspect kept; CLIP), or the image is
  // resized to exactly height x width (SigLIP).
  int shortest_edge = 0;
  int height = 224, width = 224;
  bool do_center_crop = false;
  int crop_height = 224, crop_width = 224;
  bool do_rescale = true;
  double rescale_factor = 1.0 / 255.0;
  bool do_normalize = true;
  float mean[3] = {0.5f, 0.5f, 0.5f};
  float std[3] = {0.5f, 0.5f, 0.5f};
  int resample = 3;  // PIL bicubic; the only one supported
  int out_height() const { return do_center_crop ? crop_height : height; }
  int out_width() const { return do_center_crop ? crop_width : width; }
};

// Parses preprocessor_config.json (both the legacy integer "size"/"crop_size" layout and the
// dict layout; unknown keys ignored). label names the file in errors.
Result<PreprocessConfig> ParsePreprocessConfig(const std::string& json_text,
                                               const std::string& label);

// 8-bit interleaved RGB.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // height * width * 3
};

// Decodes a photo held in memory to full-size RGB with libvips (call InitImaging first).
// apply_orientation: rotate/flip by the EXIF orientation tag.
Result<RgbImage> DecodeRgb(const uint8_t* data, size_t size, bool apply_orientation);

// The short side a decode must keep for this processor to work as it would on the full image:
// the resize target (CLIP's shortest_edge; the larger of SigLIP's fixed height and width).
// 0 when the processor does not resize (then only the full image will do).
int ModelMinShortSide(const PreprocessConfig& config);

// A photo's pixels for a model, upright, and where they come from.
struct ModelImage {
  RgbImage rgb;
  std::string source;  // "photo", or "preview" (a HEIF's embedded thumbnail, a RAW's preview)
};

// The decode every model input comes from, in `index` as in `embed`: reduced while decoding
// where the format allows (JPEG DCT scaling to 1/2..1/8 but no less than twice
// ModelMinShortSide(config); a HEIF's embedded thumbnail or a RAW's embedded preview when
// at least ModelMinShortSide), then turned upright. Truncated files are errors. This is a
// deliberate difference from the reference processors, which resize the full decode; a 12 MP
// JPEG costs ~8x less this way (measured differences: docs/architecture.md, "Model input").
// file_name (optional) tells TIFF-based RAW files from TIFFs by their extension.
Result<ModelImage> DecodeForModel(const uint8_t* data, size_t size, const PreprocessConfig& config,
                                  std::string_view file_name = {});

// Pillow's Image.resize(BICUBIC) on 8-bit RGB, bit-exact (libImaging/Resample.c: separable,
// horizontal pass first, antialiased when shrinking, 22-bit fixed-point weights).
RgbImage ResizeBicubicLikePillow(const RgbImage& in, int out_width, int out_height);

// The whole processor: returns [3, out_height, out_width] float32.
std::vector<float> Preprocess(const RgbImage& rgb, const PreprocessConfig& config);

}  // namespace shoebox
