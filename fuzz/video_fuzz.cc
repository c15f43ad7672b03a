// libFuzzer target for videos (imaging/video.h): the containers a library holds (QuickTime/MP4,
// Matroska/WebM, AVI) read through our reader, their metadata, rotation, poster and later
// keyframes. FFmpeg itself is the system library, uninstrumented; a crash inside it still ends
// the run, and so would a hang past the per-call time limit. Seeds: fuzz/corpus/video/ (small
// clips from tests/data/make_videos.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "imaging/image_format.h"
#include "imaging/video.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shoebox;
  ImageFormat format = SniffFormat(data, size < kSniffBytes ? size : kSniffBytes, "");
  if (!IsVideoFormat(format)) format = ImageFormat::kMp4;
  const VideoBytes bytes = VideoBytes::FromMemory(data, size);
  VideoOptions opt;
  opt.time_limit_s = 5;
  opt.max_pixels = 4'000'000;
  auto v = AnalyzeVideo(bytes, format, opt, 32);
  if (v.ok()) {
    if (!v->poster || v->poster->rgb.width <= 0 || v->poster->rgb.height <= 0) std::abort();
    if (v->poster->rgb.pixels.size() != size_t(v->poster->rgb.width) * v->poster->rgb.height * 3)
      std::abort();
    const int o = v->metadata.orientation;
    if (o != 1 && o != 3 && o != 6 && o != 8) std::abort();
    if (v->facts.poster_at < 0) std::abort();
    if (v->metadata.gps_lat && (*v->metadata.gps_lat < -90 || *v->metadata.gps_lat > 90))
      std::abort();
  }
  auto frames = DecodeVideoFrames(bytes, opt, 32);
  if (frames.ok()) {
    if (frames->size() > size_t(opt.max_frames)) std::abort();
    for (const VideoFrame& f : *frames)
      if (f.at < 0 || f.rgb.pixels.size() != size_t(f.rgb.width) * f.rgb.height * 3) std::abort();
  }
  return 0;
}
