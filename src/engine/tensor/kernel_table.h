// Internal: the per-instruction-set entry points behind gemm.h. Each table lives in a file
// compiled for its instruction set (kernels_avx2.cc, kernels_avx512.cc); gemm.cc picks one
// at run time from what the CPU reports.
#pragma once

#include <cstdint>

namespace shoebox::ops::internal {

struct KernelTable {
  const char* name;
  int nr;  // columns per packed weight panel
  // Packs w[out, in] (nn.Linear layout) into panels of nr output columns: dst[j][k][c] =
  // w[j*nr + c][k], zero past `out`. dst holds PackedFloats(out, in, nr) floats.
  void (*pack)(const float* w, int64_t out, int64_t in, float* dst);
  // y[m, n] (row stride ldy) = x[m, k] (row stride ldx) * W^T + bias (+ y if accumulate),
  // then act (-1 none, else ActivateRow's kind). Splits the work over the compute pool.
  void (*linear)(const float* x, int64_t m, int64_t ldx, const float* packed, int64_t n, int64_t k,
                 const float* bias, bool accumulate, int act, float* y, int64_t ldy);
  void (*activate)(int act, float* x, int64_t n);
  void (*softmax)(float* row, int64_t n);  // SoftmaxRow (activation_math.h)
};

inline int64_t PackedFloats(int64_t out, int64_t in, int nr) {
  return (out + nr - 1) / nr * nr * in;
}

// nullptr where this build has no such kernels. Whether the CPU can run them is for the
// caller to check (from code compiled without the instruction set's flags).
const KernelTable* Avx2Kernels();
const KernelTable* Avx512Kernels();

}  // namespace shoebox::ops::internal
