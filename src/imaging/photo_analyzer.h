// Everything the catalog needs from one photo's bytes: its format, stored size, metadata
// and a small upright sRGB JPEG thumbnail, decoded once at reduced size.
//
// Thread-safe: AnalyzePhoto may run on many threads at once (after InitImaging()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "imaging/image_format.h"
#include "imaging/model_input.h"
#include "imaging/motion_photo.h"
#include "imaging/photo_metadata.h"
#include "imaging/video.h"

namespace shoebox {

struct AnalyzeOptions {
  // Long side of the thumbnail in pixels. Larger costs decode time and cache space.
  int thumbnail_size = 256;
  // Refuse images above this many pixels (decompression bombs). Default 200 megapixels.
  uint64_t max_pixels = 200'000'000;
  // Skip thumbnail generation (metadata only).
  bool make_thumbnail = true;
  // Also prepare this model input (imaging/model_input.h) from the thumbnail's decode, so a
  // photo being indexed and embedded is decoded once. Needs make_thumbnail.
  const PreprocessConfig* model_input = nullptr;
};

struct AnalyzedPhoto {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;  // pixels as stored, before EXIF orientation
  int height = 0;
  PhotoMetadata metadata;
  std::vector<uint8_t> thumbnail_jpeg;  // empty when not requested
  // When AnalyzeOptions::model_input asked for it and the shared decode worked: exactly what
  // DecodeForModel + Preprocess give for these bytes, and its source ("photo", "preview").
  // Empty otherwise (the photo is then decoded for the model later).
  std::vector<float> model_input;
  std::string model_input_source;
  // Non-fatal trouble (damaged EXIF...). The photo is still usable.
  std::string warning;
  // For a video: its duration, codec and the poster frame's time. The thumbnail and model
  // input are the poster's; width and height the frames' as stored.
  std::optional<VideoFacts> video;
  // For a motion photo (imaging/motion_photo.h): where its appended video is.
  std::optional<EmbeddedVideo> motion;
};

// One-time global set-up (libvips, exiv2). Safe to call more than once.
Status InitImaging();

// Analyses a whole file held in memory. On failure the Status message is a short human
// reason ("truncated JPEG", "not an image: looks like text", "400 megapixels exceeds the
// 200 megapixel limit"). `partial` (optional) receives whatever metadata could be read
// even when decoding fails, so a broken RAW still shows its camera and date.
Result<AnalyzedPhoto> AnalyzePhoto(const uint8_t* data, size_t size, std::string_view file_name,
                                   const AnalyzeOptions& options, AnalyzedPhoto* partial = nullptr);

// A video (IsVideoFormat) from any reader, so a large file need not be held in memory: as
// AnalyzePhoto does for photos, with the poster frame (imaging/video.h) as its pixels.
Result<AnalyzedPhoto> AnalyzeVideoBytes(const VideoBytes& bytes, ImageFormat format,
                                        const AnalyzeOptions& options,
                                        AnalyzedPhoto* partial = nullptr);

// An upright RGB image as the catalog's thumbnail: long side `target` at most, sRGB JPEG.
Result<std::vector<uint8_t>> ThumbnailFromRgb(const RgbImage& rgb, int target);

}  // namespace shoebox
