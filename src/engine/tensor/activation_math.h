// Branch-free float formulas for exp, erf and the GELU family, written so that the compiler
// vectorises loops over them (std::exp/std::erf are library calls it cannot vectorise: they
// cost ~15 ns each and made the MLP activation 4% of a forward pass). Internal linkage: the
// kernel files include this under different instruction-set flags, and each must keep its
// own copy (an inline function merged across them could run AVX2 code on an older CPU).
#pragma once

#include <bit>
#include <cstdint>

namespace shoebox::ops {
namespace {

// exp(x) to ~2 ulp over the float range: 2^n * p(r), r = x - n ln2 in [-ln2/2, ln2/2].
inline float ExpApprox(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  float n = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693145751953125f;  // ln2, split in two for exactness
  r = r - n * 1.42860682030941723212e-6f;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

// erf(x) as a rational function of x on [-4, 4] (|error| < 2e-7; erf is +-1 in float beyond).
inline float ErfApprox(float x) {
  x = x < -4.0f ? -4.0f : (x > 4.0f ? 4.0f : x);
  float x2 = x * x;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return x * p / q;
}

inline float QuickGelu(float x) { return x / (1.0f + ExpApprox(-1.702f * x)); }
inline float GeluErf(float x) { return 0.5f * x * (1.0f + ErfApprox(x * 0.70710678118654752f)); }
inline float GeluTanh(float x) {
  float u = 0.79788456080286536f * (x + 0.044715f * x * x * x);
  float t = 1.0f - 2.0f / (1.0f + ExpApprox(2.0f * u));  // tanh(u)
  return 0.5f * x * (1.0f + t);
}

// kind: 0 quick_gelu, 1 gelu (erf), 2 gelu_pytorch_tanh — ops::Activation's order.
inline void ActivateRow(int kind, float* x, int64_t n) {
  if (kind == 0) {
    for (int64_t i = 0; i < n; ++i) x[i] = QuickGelu(x[i]);
  } else if (kind == 1) {
    for (int64_t i = 0; i < n; ++i) x[i] = GeluErf(x[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) x[i] = GeluTanh(x[i]);
  }
}

// Softmax of one row in place. Entries of -inf (masked keys) come out exactly 0; a row of
// only -inf comes out all 0. Three passes that vectorise (max; exp; sum in eight partial
// sums, since one running float sum would keep the exp loop scalar).
inline void SoftmaxRow(float* x, int64_t n) {
  constexpr float kNegInf = -__builtin_inff();
  float mx = kNegInf;
  for (int64_t i = 0; i < n; ++i) mx = x[i] > mx ? x[i] : mx;
  if (mx == kNegInf) {
    for (int64_t i = 0; i < n; ++i) x[i] = 0.0f;
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    const float e = ExpApprox(x[i] - mx);
    x[i] = x[i] == kNegInf ? 0.0f : e;
  }
  float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) part[k] += x[i + k];
  float sum =
      ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
  for (; i < n; ++i) sum += x[i];
  const float inv = 1.0f / sum;
  for (int64_t j = 0; j < n; ++j) x[j] *= inv;
}

}  // namespace
}  // namespace shoebox::ops
