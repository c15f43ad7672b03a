#include "engine/vision_patches.h"

#include <cstring>

namespace shoebox::engine {

void ExtractPatches(const float* pixels, int64_t s, int64_t p, float* out) {
  const int64_t grid = s / p;
  for (int64_t gy = 0; gy < grid; ++gy)
    for (int64_t gx = 0; gx < grid; ++gx) {
      float* dst = out + (gy * grid + gx) * 3 * p * p;
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t y = 0; y < p; ++y) {
          const float* src = pixels + c * s * s + (gy * p + y) * s + gx * p;
          std::memcpy(dst + (c * p + y) * p, src, static_cast<size_t>(p) * sizeof(float));
        }
    }
}

}  // namespace shoebox::engine
