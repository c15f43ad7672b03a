// Each op against a naive, obviously-correct double-precision version.
#include "engine/tensor/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/tensor/random_for_test.h"

namespace shoebox::ops {
namespace {

TEST(Ops, LinearMatchesNaive) {
  const int64_t rows = 5, in = 7, out = 3;
  auto x = RandomNormal(rows * in, 1), w = RandomNormal(out * in, 2), b = RandomNormal(out, 3);
  std::vector<float> y(rows * out);
  Linear(x.data(), rows, in, w.data(), b.data(), out, y.data());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double s = b[o];
      for (int64_t i = 0; i < in; ++i) s += double(x[r * in + i]) * w[o * in + i];
      EXPECT_NEAR(y[r * out + o], s, 1e-5);
    }
  Linear(x.data(), rows, in, w.data(), nullptr, out, y.data());  // no bias
  double s = 0;
  for (int64_t i = 0; i < in; ++i) s += double(x[i]) * w[i];
  EXPECT_NEAR(y[0], s, 1e-5);
}

TEST(Ops, LayerNormUsesBiasedVarianceAndEps) {
  const int64_t dim = 6;
  auto x = RandomNormal(dim, 4), g = RandomNormal(dim, 5), b = RandomNormal(dim, 6);
  std::vector<float> y(dim);
  LayerNorm(x.data(), 1, dim, g.data(), b.data(), 1e-5f, y.data());
  double mean = 0, var = 0;
  for (float v : x) mean += v;
  mean /= dim;
  for (float v : x) var += (v - mean) * (v - mean);
  var /= dim;
  for (int64_t i = 0; i < dim; ++i)
    EXPECT_NEAR(y[i], (x[i] - mean) / std::sqrt(var + 1e-5) * g[i] + b[i], 1e-5);
}

TEST(Ops, Activations) {
  std::vector<float> v = {-2.0f, -0.5f, 0.0f, 0.7f, 3.0f};
  for (auto act : {Activation::kQuickGelu, Activation::kGelu, Activation::kGeluTanh}) {
    std::vector<float> y = v;
    Activate(act, y.data(), static_cast<int64_t>(y.size()));
    for (size_t i = 0; i < v.size(); ++i) {
      double x = v[i],
             want =
                 act == Activation::kQuickGelu ? x / (1 + std::exp(-1.702 * x))
                 : act == Activation::kGelu
                     ? 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)))
                     : 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
      EXPECT_NEAR(y[i], want, 1e-6) << static_cast<int>(act) << " at " << x;
    }
  }
  Activation a;
  EXPECT_TRUE(ParseActivation("quick_gelu", &a));
  EXPECT_FALSE(ParseActivation("swish", &a));
}

// softmax(q k^T / sqrt(hd) + mask) v, per head, in double.
std::vector<double> NaiveAttention(const std::vector<float>& q, const std::vector<float>& k,
                                   const std::vector<float>& v, int64_t t, int64_t heads,
                                   int64_t hd, bool causal, const int64_t* valid) {
  const int64_t d = heads * hd;
  std::vector<double> out(t * d, 0.0);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < t; ++i) {
      std::vector<double> w(t, 0.0);
      double mx = -1e300, sum = 0;
      for (int64_t j = 0; j < t; ++j) {
        if ((causal && j > i) || (valid && !valid[j])) continue;
        double s = 0;
        for (int64_t c = 0; c < hd; ++c) s += double(q[i * d + h * hd + c]) * k[j * d + h * hd + c];
        w[j] = s / std::sqrt(double(hd));
        mx = std::max(mx, w[j]);
      }
      for (int64_t j = 0; j < t; ++j) {
        if ((causal && j > i) || (valid && !valid[j])) {
          w[j] = 0;
          continue;
        }
        w[j] = std::exp(w[j] - mx);
        sum += w[j];
      }
      for (int64_t j = 0; j < t; ++j)
        for (int64_t c = 0; c < hd; ++c)
          out[i * d + h * hd + c] += w[j] / sum * v[j * d + h * hd + c];
    }
  return out;
}

TEST(Ops, AttentionWithCausalAndPaddingMasks) {
  const int64_t t = 5, heads = 2, hd = 3, d = heads * hd;
  auto q = RandomNormal(t * d, 7), k = RandomNormal(t * d, 8), v = RandomNormal(t * d, 9);
  const int64_t valid[t] = {1, 1, 1, 0, 0};
  std::vector<float> out(t * d), scratch(t * t);
  for (bool causal : {false, true})
    for (const int64_t* mask : {static_cast<const int64_t*>(nullptr), valid}) {
      Attention(q.data(), k.data(), v.data(), d, t, t, heads, hd, causal, mask, out.data(), d,
                scratch.data());
      auto want = NaiveAttention(q, k, v, t, heads, hd, causal, mask);
      for (int64_t i = 0; i < t * d; ++i)
        EXPECT_NEAR(out[i], want[i], 1e-5) << causal << " " << (mask != nullptr);
    }
}

}  // namespace
}  // namespace shoebox::ops
