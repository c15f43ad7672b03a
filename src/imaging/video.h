// Videos (MP4, MOV, M4V, 3GP; Matroska, WebM; AVI), read with FFmpeg's libavformat and
// libavcodec: what the catalog records about one (duration, size, codec, rotation, capture
// time, place, camera), its poster frame, and the frames a model looks at.
//
// Which frames: a video of d seconds is looked at in n = clamp(d / 2 s, 1, max_frames) equal
// slices, at the middle of each: t_i = (i + 0.5) * d / n. For each t_i the demuxer seeks to the
// keyframe at or before it and only that keyframe is decoded (never the whole file), so a frame's
// time is its keyframe's. The first is the poster: the thumbnail and the asset's own vector
// (the middle of the first slice, past the fade-in or black first frame many clips start with);
// the others are embedded beside it like an animation's later frames.
//
// Hostile files: the bytes are read through our own reader (no file names reach FFmpeg, no
// protocol may be opened: a playlist or reference movie cannot reach other files), only the
// demuxers named above are allowed, decoding is single-threaded within the caller's worker,
// and every call has a time limit after which it gives up with an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/status.h"
#include "imaging/image_format.h"
#include "imaging/model_input.h"
#include "imaging/photo_metadata.h"

namespace shoebox {

// Where a video's bytes come from: a read at an offset (short only at the end; -1 on error).
struct VideoBytes {
  uint64_t size = 0;
  std::function<int64_t(uint64_t offset, uint8_t* out, size_t n)> read_at;
  static VideoBytes FromMemory(const uint8_t* data, size_t size);
  // Read through an opened file's descriptor: a video is never held whole in memory.
  static VideoBytes FromFile(std::shared_ptr<const OpenedFile> file);
};

struct VideoOptions {
  double time_limit_s = 30;  // per call; a stuck or pathological file is given up after this
  int max_frames = 8;        // frames looked at, the poster included
  uint64_t max_pixels = 200'000'000;
};

struct VideoFacts {
  double duration_s = 0;
  std::string codec;     // FFmpeg's codec name: "h264", "hevc", "vp9", "av1", "mpeg4"...
  double poster_at = 0;  // seconds from the start: the poster frame's time
};

// One decoded frame, upright (the container's rotation applied).
struct VideoFrame {
  double at = 0;  // seconds from the start
  RgbImage rgb;
};

struct AnalyzedVideo {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0, height = 0;  // as stored, before rotation
  PhotoMetadata metadata;     // orientation from the rotation; time, place, camera
  VideoFacts facts;
  std::optional<VideoFrame> poster;  // none when no frame could be decoded
  std::string warning;               // a damaged part that did not stop the poster
};

// The slice middles a video of duration_s seconds is looked at (see the top of this file).
std::vector<double> VideoFrameTimes(double duration_s, int max_frames);

// Reads the container, the metadata and the poster frame. `poster_short_side`: the poster is
// scaled while converting so its short side is at least this (never up); 0 = full size.
// Fails (naming why) when the container cannot be read, has no video stream, or no frame
// decodes; `partial` then gets what could be read.
Result<AnalyzedVideo> AnalyzeVideo(const VideoBytes& bytes, ImageFormat format,
                                   const VideoOptions& options, int poster_short_side,
                                   AnalyzedVideo* partial = nullptr);

// The frames after the poster (VideoFrameTimes from the second on), each at least
// `short_side` on its short side when the video is; frames on the same keyframe as an earlier
// one are given once. A frame that does not decode is skipped; none at all is an error.
Result<std::vector<VideoFrame>> DecodeVideoFrames(const VideoBytes& bytes,
                                                  const VideoOptions& options, int short_side);

// The EXIF orientation (1, 3, 6, 8) that shows a frame rotated clockwise by `degrees`.
int OrientationForRotation(int degrees);

// An ISO 6709 location ("+35.6586+139.7454+012.000/", as QuickTime and Android write it):
// latitude, longitude and, when given, altitude. False when malformed or out of range.
bool ParseIso6709(const std::string& text, double* lat, double* lon, std::optional<double>* alt);

}  // namespace shoebox
