// The matrix-product kernels (every one this CPU can run) against a naive double-precision
// product, over shapes that hit every edge: rows not a multiple of the tile height, columns
// not a multiple of the panel width, depths across several cache blocks, strided rows, and
// the fused bias / residual / activation.
#include "engine/tensor/gemm.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "engine/tensor/compute_pool.h"
#include "engine/tensor/random_for_test.h"

namespace shoebox::ops {
namespace {

struct Shape {
  int64_t m, n, k;
};

TEST(Gemm, EveryKernelMatchesNaiveProduct) {
  const std::vector<Shape> shapes = {{1, 1, 1},     {1, 32, 8},    {5, 17, 3},     {7, 50, 300},
                                     {13, 96, 257}, {50, 768, 64}, {61, 100, 520}, {200, 72, 33},
                                     {9, 40, 2100}};  // the last: several depth blocks of every
                                                      // kernel
  for (const std::string& kernel : AvailableKernels()) {
    for (const Shape& s : shapes) {
      auto x = RandomNormal(s.m * (s.k + 3), 1), w = RandomNormal(s.n * s.k, 2),
           b = RandomNormal(s.n, 3);
      const int64_t ldx = s.k + 3, ldy = s.n + 5;  // strided rows in and out
      auto packed = PackedWeights::Pack(w.data(), s.n, s.k, kernel);
      ASSERT_EQ(packed.kernel(), kernel);
      for (int mode = 0; mode < 3; ++mode) {  // 0 bias, 1 bias + residual, 2 bias + activation
        std::vector<float> y(s.m * ldy), before;
        for (size_t i = 0; i < y.size(); ++i) y[i] = 0.25f * static_cast<float>(i % 7);
        before = y;
        LinearOptions o{.accumulate = mode == 1, .ldx = ldx, .ldy = ldy};
        if (mode == 2) o.activation = Activation::kGelu;
        Linear(x.data(), s.m, packed, b.data(), y.data(), o);
        double worst = 0;
        for (int64_t r = 0; r < s.m; ++r) {
          for (int64_t c = 0; c < s.n; ++c) {
            double sum = b[c];
            for (int64_t p = 0; p < s.k; ++p) sum += double(x[r * ldx + p]) * w[c * s.k + p];
            if (mode == 1) sum += before[r * ldy + c];
            if (mode == 2) sum = ReferenceActivation(Activation::kGelu, sum);
            worst = std::max(worst, std::abs(y[r * ldy + c] - sum) / (1 + std::abs(sum)));
          }
          for (int64_t c = s.n; c < ldy; ++c)
            ASSERT_EQ(y[r * ldy + c], before[r * ldy + c]) << "wrote past the row";
        }
        // float sums of k products of N(0,1) values: rounding grows with the depth
        EXPECT_LT(worst, 1e-5 + 1e-7 * static_cast<double>(s.k))
            << kernel << " " << s.m << "x" << s.n << "x" << s.k << " mode " << mode;
      }
    }
  }
}

TEST(Gemm, NoBiasMeansZero) {
  for (const std::string& kernel : AvailableKernels()) {
    auto x = RandomNormal(3 * 4, 4), w = RandomNormal(2 * 4, 5);
    auto packed = PackedWeights::Pack(w.data(), 2, 4, kernel);
    std::vector<float> y(6, 99.0f);
    Linear(x.data(), 3, packed, nullptr, y.data());
    double want = 0;
    for (int p = 0; p < 4; ++p) want += double(x[p]) * w[p];
    EXPECT_NEAR(y[0], want, 1e-5) << kernel;
  }
}

TEST(Gemm, GenericIsAlwaysAvailableAndActiveIsListed) {
  auto k = AvailableKernels();
  ASSERT_FALSE(k.empty());
  EXPECT_EQ(k.back(), "generic");
  EXPECT_NE(std::find(k.begin(), k.end(), ActiveKernel()), k.end());
}

TEST(Gemm, ActivationApproximationsAreFloatAccurate) {
  for (auto act : {Activation::kQuickGelu, Activation::kGelu, Activation::kGeluTanh}) {
    std::vector<float> xs;
    for (double x = -12; x <= 12; x += 0.01) xs.push_back(static_cast<float>(x));
    xs.push_back(-100.0f);
    xs.push_back(100.0f);
    std::vector<float> y = xs;
    Activate(act, y.data(), static_cast<int64_t>(y.size()));
    for (size_t i = 0; i < xs.size(); ++i) {
      double want = ReferenceActivation(act, xs[i]);
      ASSERT_NEAR(y[i], want, 1e-6 * (1 + std::abs(want)))
          << static_cast<int>(act) << " at " << xs[i];
    }
  }
}

TEST(Gemm, SoftmaxMatchesDoubleReferenceAndZeroesMaskedEntries) {
  const float inf = std::numeric_limits<float>::infinity();
  for (int64_t n : {1, 7, 8, 50, 197}) {
    auto x = RandomNormal(n, static_cast<unsigned>(n));
    for (auto& v : x) v *= 4;
    if (n > 2) x[1] = -inf;
    auto y = x;
    Softmax(y.data(), n);
    double mx = -inf, sum = 0;
    for (float v : x) mx = std::max(mx, double(v));
    for (float v : x) sum += v == -inf ? 0 : std::exp(v - mx);
    for (int64_t i = 0; i < n; ++i) {
      const double want = x[i] == -inf ? 0 : std::exp(x[i] - mx) / sum;
      ASSERT_NEAR(y[i], want, 1e-6 * (1 + want)) << n << " " << i;
      if (x[i] == -inf) ASSERT_EQ(y[i], 0.0f);
    }
  }
  std::vector<float> masked(9, -inf);
  Softmax(masked.data(), 9);
  for (float v : masked) EXPECT_EQ(v, 0.0f);
}

TEST(ComputePool, RunsEveryIndexOnceAcrossThreads) {
  ComputePool pool(3);
  for (int64_t n : {1, 2, 7, 1000}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    pool.ParallelFor(n, [&](int64_t i) { hits[static_cast<size_t>(i)]++; });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  }
}

TEST(ComputePool, NestedAndConcurrentCallsComplete) {
  ComputePool pool(2);
  std::atomic<int> total{0};
  pool.ParallelFor(4, [&](int64_t) { pool.ParallelFor(5, [&](int64_t) { total++; }); });
  EXPECT_EQ(total.load(), 20);
  total = 0;
  std::thread other([&] {
    for (int r = 0; r < 200; ++r) pool.ParallelFor(8, [&](int64_t) { total++; });
  });
  for (int r = 0; r < 200; ++r) pool.ParallelFor(8, [&](int64_t) { total++; });
  other.join();
  EXPECT_EQ(total.load(), 2 * 200 * 8);
}

TEST(ComputePool, ResizesBetweenJobsAndWakesSleepingWorkers) {
  ComputePool pool(1);
  EXPECT_EQ(pool.threads(), 1);
  pool.SetThreads(3);
  EXPECT_EQ(pool.threads(), 3);
  std::atomic<int> total{0};
  for (int r = 0; r < 3; ++r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // workers fall asleep
    pool.ParallelFor(16, [&](int64_t) { total++; });
  }
  EXPECT_EQ(total.load(), 48);
}

}  // namespace
}  // namespace shoebox::ops
