// The int8 products against the same arithmetic done slowly (round each value to its
// per-row / per-channel 8-bit grid, sum exactly, scale back), over shapes that hit every
// edge of the kernel; and against float32, to bound what the rounding costs.
#include "engine/tensor/int8_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/tensor/random_for_test.h"

namespace shoebox::ops {
namespace {

struct Shape {
  int64_t m, n, k;
};

// Row r of a [rows, k] matrix (row stride ld) on its symmetric 8-bit grid.
std::vector<int64_t> Grid(const float* row, int64_t k, float* scale) {
  float max_abs = 0;
  for (int64_t i = 0; i < k; ++i) max_abs = std::max(max_abs, std::fabs(row[i]));
  *scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
  const float inv = max_abs > 0 ? 127.0f / max_abs : 0.0f;
  std::vector<int64_t> q(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) q[i] = std::lrintf(row[i] * inv);
  return q;
}

TEST(Int8Gemm, MatchesTheSameRoundingDoneSlowly) {
  if (!Int8Available()) GTEST_SKIP() << "no int8 kernel on this CPU (float32 is used instead)";
  const std::vector<Shape> shapes = {{1, 1, 1},     {1, 16, 8},    {5, 17, 3},      {7, 50, 301},
                                     {13, 96, 257}, {50, 768, 64}, {61, 100, 1030}, {200, 40, 33}};
  for (const Shape& s : shapes) {
    const int64_t ldx = s.k + 3, ldy = s.n + 5;
    auto x = RandomNormal(s.m * ldx, 1), w = RandomNormal(s.n * s.k, 2), b = RandomNormal(s.n, 3);
    auto q = QuantizedWeights::Quantize(w.data(), s.n, s.k);
    ASSERT_FALSE(q.empty());
    for (int mode = 0; mode < 3; ++mode) {  // 0 bias, 1 bias + residual, 2 bias + activation
      std::vector<float> y(s.m * ldy), before;
      for (size_t i = 0; i < y.size(); ++i) y[i] = 0.25f * static_cast<float>(i % 7);
      before = y;
      LinearOptions o{.accumulate = mode == 1, .ldx = ldx, .ldy = ldy};
      if (mode == 2) o.activation = Activation::kQuickGelu;
      Linear(x.data(), s.m, q, b.data(), y.data(), o);
      double worst = 0;
      for (int64_t r = 0; r < s.m; ++r) {
        float sx;
        auto qx = Grid(x.data() + r * ldx, s.k, &sx);
        for (int64_t c = 0; c < s.n; ++c) {
          float sw;
          auto qw = Grid(w.data() + c * s.k, s.k, &sw);
          int64_t sum = 0;
          for (int64_t p = 0; p < s.k; ++p) sum += qx[p] * qw[p];
          double want = static_cast<double>(sum) * sx * sw + b[c];
          if (mode == 1) want += before[r * ldy + c];
          if (mode == 2) want = want / (1 + std::exp(-1.702 * want));
          worst = std::max(worst, std::abs(y[r * ldy + c] - want) / (1 + std::abs(want)));
        }
        for (int64_t c = s.n; c < ldy; ++c)
          ASSERT_EQ(y[r * ldy + c], before[r * ldy + c]) << "wrote past the row";
      }
      EXPECT_LT(worst, 2e-5) << s.m << "x" << s.n << "x" << s.k << " mode " << mode;
    }
  }
}

TEST(Int8Gemm, StaysCloseToFloat32) {
  if (!Int8Available()) GTEST_SKIP() << "no int8 kernel on this CPU";
  const int64_t m = 50, n = 96, k = 768;
  auto x = RandomNormal(m * k, 4), w = RandomNormal(n * k, 5);
  auto q = QuantizedWeights::Quantize(w.data(), n, k);
  auto f = PackedWeights::Pack(w.data(), n, k);
  std::vector<float> yq(m * n), yf(m * n);
  Linear(x.data(), m, q, nullptr, yq.data());
  Linear(x.data(), m, f, nullptr, yf.data());
  // Gaussian data: each 8-bit value carries ~1.5% noise; a sum of 768 averages it down.
  EXPECT_GT(WorstRowCosine(yq.data(), yf.data(), m, n), 0.999);
}

TEST(Int8Gemm, QuantizesFromEveryPackedLayout) {
  if (!Int8Available()) GTEST_SKIP() << "no int8 kernel on this CPU";
  const int64_t m = 9, n = 37, k = 70;
  auto x = RandomNormal(m * k, 6), w = RandomNormal(n * k, 7);
  std::vector<float> want(m * n);
  Linear(x.data(), m, QuantizedWeights::Quantize(w.data(), n, k), nullptr, want.data());
  for (const std::string& kernel : AvailableKernels()) {
    auto packed = PackedWeights::Pack(w.data(), n, k, kernel);
    std::vector<float> back(n * k);
    packed.Unpack(back.data());
    ASSERT_EQ(back, w) << kernel;
    std::vector<float> got(m * n);
    Linear(x.data(), m, QuantizedWeights::Quantize(packed), nullptr, got.data());
    EXPECT_EQ(got, want) << kernel;
  }
}

}  // namespace
}  // namespace shoebox::ops
