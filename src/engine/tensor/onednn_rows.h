// The row-wise work around oneDNN's products (onednn_linear.cc): rounding activations to bf16
// or int8 before, and the int8 epilogue after. Written once, compiled twice: portably in
// onednn_linear.cc and with AVX2 + FMA in onednn_rows_avx2.cc, chosen at run time (these
// loops were 14% of an int8 ViT-B/32 image pass in the portable build). Internal linkage, as
// activation_math.h explains.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace shoebox::ops {

namespace internal {
// One instruction set's build of the loops below.
struct OnednnRowKernels {
  // n rows of x (row stride ldx) -> bf16 rows of `in` values.
  void (*to_bf16)(const float* x, int64_t n, int64_t in, int64_t ldx, uint16_t* out);
  // n rows -> int8 rows of `in` values and one scale per row (int8_gemm.h's rounding).
  void (*quantize)(const float* x, int64_t n, int64_t in, int64_t ldx, int8_t* q, float* scales);
  // y[r] = act(sums[r] * x_scales[r] * w_scales + bias (+ y[r])), act applied by `activate`
  // (the widest build: AVX-512 where there is one); v: `out` floats of scratch.
  void (*finish)(const int32_t* sums, int64_t n, int64_t out, const float* x_scales,
                 const float* w_scales, const float* bias, bool accumulate, int act,
                 void (*activate)(int act, float* x, int64_t n), float* y, int64_t ldy, float* v);
};
const OnednnRowKernels* Avx2OnednnRows();  // nullptr where not built
}  // namespace internal

namespace {

// Rounds to the nearest integer, ties to even, in a form the compiler vectorises (lrintf is
// a library call); exact for |v| <= 2^22, and the scaled values are within +-127. The AVX2
// build has -ffp-contract=off: an FMA would fold the product into the rounding (one rounding
// instead of int8_gemm.h's two) and move some weights by one step.
inline float RoundEven(float v) { return (v + 12582912.0f) - 12582912.0f; }

inline uint16_t ToBf16(float f) {  // round to nearest even, as oneDNN and PyTorch do
  uint32_t b = std::bit_cast<uint32_t>(f);
  if ((b & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((b >> 16) | 0x40);  // NaN
  b += 0x7fffu + ((b >> 16) & 1u);
  return static_cast<uint16_t>(b >> 16);
}

void RowsToBf16(const float* x, int64_t n, int64_t in, int64_t ldx, uint16_t* out) {
  for (int64_t r = 0; r < n; ++r)
    for (int64_t k = 0; k < in; ++k) out[r * in + k] = ToBf16(x[r * ldx + k]);
}

void QuantizeRows(const float* x, int64_t n, int64_t in, int64_t ldx, int8_t* q, float* scales) {
  for (int64_t r = 0; r < n; ++r) {
    const float* row = x + r * ldx;
    float max_abs = 0;
    for (int64_t k = 0; k < in; ++k) max_abs = std::max(max_abs, std::fabs(row[k]));
    const float inv = max_abs > 0 ? 127.0f / max_abs : 0.0f;
    scales[r] = max_abs > 0 ? max_abs / 127.0f : 1.0f;
    for (int64_t k = 0; k < in; ++k)
      q[r * in + k] = static_cast<int8_t>(static_cast<int32_t>(RoundEven(row[k] * inv)));
  }
}

// Scales, bias, residual, then the activation (as the other kernels order them).
void FinishRows(const int32_t* sums, int64_t n, int64_t out, const float* x_scales,
                const float* w_scales, const float* bias, bool accumulate, int act,
                void (*activate)(int act, float* x, int64_t n), float* y, int64_t ldy, float* v) {
  for (int64_t r = 0; r < n; ++r) {
    const int32_t* s = sums + r * out;
    float* yr = y + r * ldy;
    const float xs = x_scales[r];
    for (int64_t c = 0; c < out; ++c)
      v[c] = static_cast<float>(s[c]) * xs * w_scales[c] + (bias ? bias[c] : 0.0f) +
             (accumulate ? yr[c] : 0.0f);
    if (act >= 0) activate(act, v, out);
    std::copy(v, v + out, yr);
  }
}

}  // namespace
}  // namespace shoebox::ops
