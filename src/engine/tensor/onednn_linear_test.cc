// The oneDNN backend against a naive double-precision product (float32), against the int8
// kernel's own numbers (int8: the same quantisation must give the same result), and within
// bfloat16's rounding (bf16). The same tests run a second time with oneDNN capped to AVX2
// (ctest OnednnCappedToAvx2), so the paths of both an AVX2 CPU and this one are checked.
#include "engine/tensor/onednn_linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <thread>
#include <vector>

#include "engine/tensor/int8_gemm.h"
#include "engine/tensor/random_for_test.h"

namespace shoebox::ops {
namespace {

struct Shape {
  int64_t m, n, k;
};
const std::vector<Shape> kShapes = {{1, 1, 1},      {1, 32, 8},    {5, 17, 3},
                                    {7, 50, 300},   {13, 96, 257}, {50, 768, 64},
                                    {61, 100, 520}, {200, 72, 33}, {9, 40, 2100}};

// Largest |y - want| / (1 + |want|) over the product in six modes: bias, bias + residual,
// bias + each activation, no bias. `round` is applied to x and W first (the precision's grid).
template <class Round>
double WorstError(const Shape& s, OnednnType type, const Round& round, int64_t* checked) {
  auto x = RandomNormal(s.m * (s.k + 3), 1), w = RandomNormal(s.n * s.k, 2),
       b = RandomNormal(s.n, 3);
  const int64_t ldx = s.k + 3, ldy = s.n + 5;  // strided rows in and out
  OnednnWeights dw = OnednnWeights::Make(w.data(), s.n, s.k, type);
  EXPECT_FALSE(dw.empty());
  if (dw.empty()) return 1e9;
  auto rx = x, rw = w;
  round(rx, s.m, ldx, s.k);
  round(rw, s.n, s.k, s.k);
  double worst = 0;
  for (int mode = 0; mode < 6; ++mode) {
    std::vector<float> y(s.m * ldy), before;
    for (size_t i = 0; i < y.size(); ++i) y[i] = 0.25f * static_cast<float>(i % 7);
    before = y;
    LinearOptions o{.accumulate = mode == 1, .ldx = ldx, .ldy = ldy};
    const Activation acts[] = {Activation::kGelu, Activation::kQuickGelu, Activation::kGeluTanh};
    if (mode >= 2 && mode <= 4) o.activation = acts[mode - 2];
    const bool bias = mode != 5;
    Linear(x.data(), s.m, dw, bias ? b.data() : nullptr, y.data(), o);
    for (int64_t r = 0; r < s.m; ++r) {
      for (int64_t c = 0; c < s.n; ++c) {
        double sum = bias ? b[c] : 0;
        for (int64_t p = 0; p < s.k; ++p) sum += double(rx[r * ldx + p]) * rw[c * s.k + p];
        if (mode == 1) sum += before[r * ldy + c];
        if (o.activation) sum = ReferenceActivation(*o.activation, sum);
        worst = std::max(worst, std::abs(y[r * ldy + c] - sum) / (1 + std::abs(sum)));
        ++*checked;
      }
      for (int64_t c = s.n; c < ldy; ++c)
        EXPECT_EQ(y[r * ldy + c], before[r * ldy + c]) << "wrote past the row";
    }
  }
  return worst;
}

TEST(OnednnLinear, Float32MatchesANaiveProductWithBiasResidualAndEveryActivation) {
  for (const Shape& s : kShapes) {
    int64_t checked = 0;
    double worst = WorstError(
        s, OnednnType::kFloat32, [](auto&, int64_t, int64_t, int64_t) {}, &checked);
    EXPECT_LT(worst, 1e-5 + 1e-7 * static_cast<double>(s.k))
        << s.m << "x" << s.n << "x" << s.k << " on " << OnednnIsa();
    EXPECT_EQ(checked, 6 * s.m * s.n);
  }
}

TEST(OnednnLinear, Bf16IsExactOnTheBf16GridOrRefusedWhereTheCpuLacksIt) {
  if (!OnednnSupports(OnednnType::kBf16)) {
    // No emulation: where bf16 is not native the backend refuses it and float32 stays.
    auto w = RandomNormal(64, 1);
    EXPECT_TRUE(OnednnWeights::Make(w.data(), 8, 8, OnednnType::kBf16).empty()) << OnednnIsa();
    return;
  }
  auto to_grid = [](std::vector<float>& v, int64_t rows, int64_t ld, int64_t cols) {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        float& f = v[r * ld + c];
        uint32_t b = std::bit_cast<uint32_t>(f);
        b += 0x7fffu + ((b >> 16) & 1u);
        f = std::bit_cast<float>(b & 0xffff0000u);
      }
  };
  for (const Shape& s : kShapes) {
    int64_t checked = 0;
    // Products of bf16 values are exact in float32; only the float32 sums round.
    double worst = WorstError(s, OnednnType::kBf16, to_grid, &checked);
    EXPECT_LT(worst, 1e-5 + 1e-7 * static_cast<double>(s.k))
        << s.m << "x" << s.n << "x" << s.k << " on " << OnednnIsa();
  }
}

TEST(OnednnLinear, Int8GivesTheInt8KernelsNumbersOrIsRefusedWithoutVnni) {
  if (!OnednnSupports(OnednnType::kInt8)) {
    // Without VNNI oneDNN's u8 x s8 pairs saturate in 16 bits: refused, int8_gemm.h is used.
    auto w = RandomNormal(64, 1);
    EXPECT_TRUE(OnednnWeights::Make(w.data(), 8, 8, OnednnType::kInt8).empty()) << OnednnIsa();
    return;
  }
  for (const Shape& s : kShapes) {
    auto x = RandomNormal(s.m * s.k, 7), w = RandomNormal(s.n * s.k, 8), b = RandomNormal(s.n, 9);
    OnednnWeights dw = OnednnWeights::Make(w.data(), s.n, s.k, OnednnType::kInt8);
    ASSERT_FALSE(dw.empty());
    std::vector<float> got(s.m * s.n, 0.5f), want(s.m * s.n, 0.5f);
    const LinearOptions o{.accumulate = true, .activation = Activation::kQuickGelu};
    Linear(x.data(), s.m, dw, b.data(), got.data(), o);
    if (Int8Available()) {
      Linear(x.data(), s.m, QuantizedWeights::Quantize(w.data(), s.n, s.k), b.data(), want.data(),
             o);
    } else {  // the same rounding done slowly
      for (int64_t r = 0; r < s.m; ++r)
        for (int64_t c = 0; c < s.n; ++c) {
          float mx = 0, mw = 0;
          for (int64_t p = 0; p < s.k; ++p) {
            mx = std::max(mx, std::fabs(x[r * s.k + p]));
            mw = std::max(mw, std::fabs(w[c * s.k + p]));
          }
          int64_t acc = 0;
          for (int64_t p = 0; p < s.k; ++p)
            acc += std::lrintf(x[r * s.k + p] * 127 / mx) * std::lrintf(w[c * s.k + p] * 127 / mw);
          want[r * s.n + c] = static_cast<float>(ReferenceActivation(
              Activation::kQuickGelu, want[r * s.n + c] + acc * (mx / 127) * (mw / 127) + b[c]));
        }
    }
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_NEAR(got[i], want[i], 2e-5 * (1 + std::abs(want[i])))
          << s.m << "x" << s.n << "x" << s.k << " at " << i << " on " << OnednnIsa();
  }
}

TEST(OnednnLinear, ProductsFromSeveralThreadsAtOnceGiveEachItsOwnAnswer) {
  const int64_t m = 40, n = 96, k = 128;
  auto w = RandomNormal(n * k, 11);
  for (OnednnType type : {OnednnType::kFloat32, OnednnType::kInt8}) {
    if (!OnednnSupports(type)) continue;
    OnednnWeights dw = OnednnWeights::Make(w.data(), n, k, type);
    ASSERT_FALSE(dw.empty());
    std::vector<std::vector<float>> xs, alone(4), together(4);
    for (int t = 0; t < 4; ++t) {
      xs.push_back(RandomNormal(m * k, 20 + t));
      alone[t].resize(m * n);
      together[t].resize(m * n);
      Linear(xs[t].data(), m, dw, nullptr, alone[t].data());
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int rep = 0; rep < 20; ++rep) Linear(xs[t].data(), m, dw, nullptr, together[t].data());
      });
    for (auto& th : threads) th.join();
    for (int t = 0; t < 4; ++t) EXPECT_EQ(alone[t], together[t]) << OnednnTypeName(type);
  }
}

TEST(OnednnLinear, WeightsComeFromEveryPackedLayoutAndSayWhatRuns) {
  auto w = RandomNormal(70 * 50, 5);
  std::vector<float> want(3 * 70), got(3 * 70);
  auto x = RandomNormal(3 * 50, 6);
  OnednnWeights plain = OnednnWeights::Make(w.data(), 70, 50, OnednnType::kFloat32);
  Linear(x.data(), 3, plain, nullptr, want.data());
  for (const std::string& kernel : AvailableKernels()) {
    OnednnWeights dw =
        OnednnWeights::Make(PackedWeights::Pack(w.data(), 70, 50, kernel), OnednnType::kFloat32);
    ASSERT_EQ(dw.out(), 70);
    ASSERT_EQ(dw.in(), 50);
    Linear(x.data(), 3, dw, nullptr, got.data());
    EXPECT_EQ(got, want) << kernel;
    const std::string impl = dw.Implementation(32);
    EXPECT_FALSE(impl.empty());
    EXPECT_EQ(impl.find("ref"), std::string::npos) << "oneDNN's slow reference code: " << impl;
  }
  EXPECT_GT(plain.bytes(), 70u * 50u * sizeof(float) - 1);
  EXPECT_NE(OnednnVersion().find("oneDNN "), std::string::npos);
}

}  // namespace
}  // namespace shoebox::ops
