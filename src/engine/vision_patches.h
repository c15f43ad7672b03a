// Patch embedding (a stride-P, P x P convolution) as im2col + one matrix product.
#pragma once

#include <cstdint>

namespace shoebox::engine {

// pixels [3, S, S] -> patches [(S/P)^2, 3*P*P] in (channel, row, column) order, matching a
// PyTorch Conv2d weight [D, 3, P, P] flattened to [D, 3*P*P]. Patches are row-major over the
// grid, as HF flattens them.
void ExtractPatches(const float* pixels, int64_t image_size, int64_t patch, float* out);

}  // namespace shoebox::engine
