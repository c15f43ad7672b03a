#include "engine/tensor/ops.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/tensor/activation_math.h"
#include "engine/tensor/compute_pool.h"
#include "engine/tensor/gemm.h"

namespace shoebox::ops {

bool ParseActivation(const std::string& name, Activation* out) {
  if (name == "quick_gelu")
    *out = Activation::kQuickGelu;
  else if (name == "gelu")
    *out = Activation::kGelu;
  else if (name == "gelu_pytorch_tanh" || name == "gelu_new" || name == "gelu_fast")
    *out = Activation::kGeluTanh;
  else
    return false;
  return true;
}

void Linear(const float* x, int64_t rows, int64_t in, const float* w, const float* b, int64_t out,
            float* y) {
  if (b) {
    for (int64_t r = 0; r < rows; ++r) std::copy(b, b + out, y + r * out);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows),
              static_cast<int>(out), static_cast<int>(in), 1.0f, x, static_cast<int>(in), w,
              static_cast<int>(in), b ? 1.0f : 0.0f, y, static_cast<int>(out));
}

void LayerNorm(const float* x, int64_t rows, int64_t dim, const float* gamma, const float* beta,
               float eps, float* y) {
  auto rows_from = [=](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * dim;
      float* yr = y + r * dim;
      // Two passes (mean, then squared deviations) keep float sums accurate; vectorised.
      float sum = 0;
      for (int64_t i = 0; i < dim; ++i) sum += xr[i];
      const float mean = sum / static_cast<float>(dim);
      float var = 0;
      for (int64_t i = 0; i < dim; ++i) var += (xr[i] - mean) * (xr[i] - mean);
      var /= static_cast<float>(dim);
      const float inv = 1.0f / std::sqrt(var + eps);
      for (int64_t i = 0; i < dim; ++i) yr[i] = (xr[i] - mean) * inv * gamma[i] + beta[i];
    }
  };
  constexpr int64_t kRowsPerTask = 16;
  if (rows <= kRowsPerTask) return rows_from(0, rows);
  ParallelFor((rows + kRowsPerTask - 1) / kRowsPerTask, [&](int64_t task) {
    rows_from(task * kRowsPerTask, std::min(rows, (task + 1) * kRowsPerTask));
  });
}

void Activate(Activation act, float* x, int64_t n) { ActivateRow(static_cast<int>(act), x, n); }

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
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(t_q),
                static_cast<int>(t_k), static_cast<int>(head_dim), scale, qh,
                static_cast<int>(stride), kh, static_cast<int>(stride), 0.0f, scores,
                static_cast<int>(t_k));
    for (int64_t i = 0; i < t_q; ++i) {
      float* row = scores + i * t_k;
      if (causal || key_valid)
        for (int64_t j = 0; j < t_k; ++j)
          if ((causal && j > i) || (key_valid && key_valid[j] == 0))
            row[j] = -std::numeric_limits<float>::infinity();
      Softmax(row, t_k);  // masked entries -> 0; a fully masked row -> all 0
    }
    // out_h[t_q, head_dim] = scores * v_h
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(t_q),
                static_cast<int>(head_dim), static_cast<int>(t_k), 1.0f, scores,
                static_cast<int>(t_k), vh, static_cast<int>(stride), 0.0f, out + h * head_dim,
                static_cast<int>(out_stride));
  }
}

double WorstRowCosine(const float* a, const float* b, int64_t rows, int64_t dim) {
  double worst = 1;
  for (int64_t r = 0; r < rows; ++r) {
    double dot = 0, na = 0, nb = 0;
    for (int64_t k = 0; k < dim; ++k) {
      const double x = a[r * dim + k], y = b[r * dim + k];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    worst = std::min(worst, na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0));
  }
  return worst;
}

}  // namespace shoebox::ops
