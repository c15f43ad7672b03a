#include "model/tensor/ops.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace shoebox::ops {

bool ParseActivation(const std::string& name, Activation* out) {
  if (name == "quick_gelu") *out = Activation::kQuickGelu;
  else if (name == "gelu") *out = Activation::kGelu;
  else if (name == "gelu_pytorch_tanh" || name == "gelu_new" || name == "gelu_fast") *out = Activation::kGeluTanh;
  else return false;
  return true;
}

void Linear(const float* x, int64_t rows, int64_t in, const float* w, const float* b, int64_t out,
            float* y) {
  if (b) {
    for (int64_t r = 0; r < rows; ++r) std::copy(b, b + out, y + r * out);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows), static_cast<int>(out),
              static_cast<int>(in), 1.0f, x, static_cast<int>(in), w, static_cast<int>(in),
              b ? 1.0f : 0.0f, y, static_cast<int>(out));
}

void LayerNorm(const float* x, int64_t rows, int64_t dim, const float* gamma, const float* beta,
               float eps, float* y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * dim;
    float* yr = y + r * dim;
    // Two passes in double: the mean/variance of O(1) activations over a few hundred values.
    double mean = 0;
    for (int64_t i = 0; i < dim; ++i) mean += xr[i];
    mean /= static_cast<double>(dim);
    double var = 0;
    for (int64_t i = 0; i < dim; ++i) {
      double d = xr[i] - mean;
      var += d * d;
    }
    var /= static_cast<double>(dim);
    float inv = static_cast<float>(1.0 / std::sqrt(var + eps));
    float m = static_cast<float>(mean);
    for (int64_t i = 0; i < dim; ++i) yr[i] = (xr[i] - m) * inv * gamma[i] + beta[i];
  }
}

void Activate(Activation act, float* x, int64_t n) {
  switch (act) {
    case Activation::kQuickGelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] / (1.0f + std::exp(-1.702f * x[i]));
      break;
    case Activation::kGelu:
      for (int64_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * 0.70710678118654752f));
      break;
    case Activation::kGeluTanh:
      for (int64_t i = 0; i < n; ++i) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + std::tanh(0.79788456080286536f * (v + 0.044715f * v * v * v)));
      }
      break;
  }
}

void AddInPlace(float* x, const float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] += y[i];
}

void Attention(const float* q, const float* k, const float* v, int64_t stride, int64_t t_q,
               int64_t t_k, int64_t heads, int64_t head_dim, bool causal, const int64_t* key_valid,
               float* out, int64_t out_stride, float* scores) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  for (int64_t h = 0; h < heads; ++h) {
    const float* qh = q + h * head_dim;
    const float* kh = k + h * head_dim;
    const float* vh = v + h * head_dim;
    // scores[t_q, t_k] = scale * q_h k_h^T
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(t_q), static_cast<int>(t_k),
                static_cast<int>(head_dim), scale, qh, static_cast<int>(stride), kh,
                static_cast<int>(stride), 0.0f, scores, static_cast<int>(t_k));
    for (int64_t i = 0; i < t_q; ++i) {
      float* row = scores + i * t_k;
      float mx = -std::numeric_limits<float>::infinity();
      for (int64_t j = 0; j < t_k; ++j) {
        bool masked = (causal && j > i) || (key_valid && key_valid[j] == 0);
        if (masked) row[j] = -std::numeric_limits<float>::infinity();
        mx = std::max(mx, row[j]);
      }
      float sum = 0;
      for (int64_t j = 0; j < t_k; ++j) {
        row[j] = std::isinf(row[j]) && row[j] < 0 ? 0.0f : std::exp(row[j] - mx);
        sum += row[j];
      }
      float inv = sum > 0 ? 1.0f / sum : 0.0f;
      for (int64_t j = 0; j < t_k; ++j) row[j] *= inv;
    }
    // out_h[t_q, head_dim] = scores * v_h
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(t_q),
                static_cast<int>(head_dim), static_cast<int>(t_k), 1.0f, scores,
                static_cast<int>(t_k), vh, static_cast<int>(stride), 0.0f, out + h * head_dim,
                static_cast<int>(out_stride));
  }
}

}  // namespace shoebox::ops
