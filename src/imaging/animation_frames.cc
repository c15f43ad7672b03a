#include "imaging/animation_frames.h"

#include <vips/vips.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "imaging/reduced_decode.h"

namespace shoebox {

std::vector<int> PickFrames(int n, int max_frames) {
  std::vector<int> out;
  if (n <= 1 || max_frames <= 0) return out;
  const int k = std::min(max_frames, n - 1);
  for (int j = 1; j <= k; ++j) {
    const int i = static_cast<int>(std::lround(static_cast<double>(j) * n / (k + 1)));
    const int clamped = std::clamp(i, 1, n - 1);
    if (out.empty() || clamped > out.back()) out.push_back(clamped);
  }
  return out;
}

Result<std::vector<AnimationFrame>> DecodeAnimationFrames(const uint8_t* data, size_t size,
                                                          const PreprocessConfig& config,
                                                          int max_frames, uint64_t max_pixels) {
  std::vector<AnimationFrame> out;
  VipsRef header(vips_image_new_from_buffer(data, size, "", nullptr));
  if (!header.im) {
    vips_error_clear();
    return Corrupt("cannot read the animation's header");
  }
  const int n = vips_image_get_n_pages(header.im);
  if (n <= 1) return out;
  const uint64_t pixels = static_cast<uint64_t>(vips_image_get_width(header.im)) *
                          static_cast<uint64_t>(vips_image_get_height(header.im));
  if (pixels > max_pixels) return TooLarge("animation frames over the pixel limit");
  // Delays in milliseconds per frame; browsers show a frame of 10 ms or less for 100 ms.
  std::vector<double> delay(static_cast<size_t>(n), 0.1);
  int* delays = nullptr;
  int count = 0;
  if (vips_image_get_typeof(header.im, "delay") &&
      vips_image_get_array_int(header.im, "delay", &delays, &count) == 0)
    for (int i = 0; i < std::min(count, n); ++i)
      delay[i] = delays[i] > 10 ? delays[i] / 1000.0 : 0.1;
  std::vector<double> start(static_cast<size_t>(n), 0);
  for (int i = 1; i < n; ++i) start[i] = start[i - 1] + delay[i - 1];
  for (int index : PickFrames(n, max_frames)) {
    CountPhotoDecode();
    VipsRef frame(vips_image_new_from_buffer(data, size, "", "page", index, "n", 1, "access",
                                             VIPS_ACCESS_SEQUENTIAL, nullptr));
    if (!frame.im) {
      const std::string why = vips_error_buffer();
      vips_error_clear();
      return Corrupt("frame " + std::to_string(index) + " cannot be decoded: " + why);
    }
    auto rgb = ToRgb(frame.im);
    if (!rgb.ok()) return rgb.status();
    out.push_back({index, start[index], Preprocess(*rgb, config)});
  }
  return out;
}

}  // namespace shoebox
