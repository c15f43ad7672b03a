// The float32 building blocks of the transformer encoders, row-major, batch folded into rows.
// Products against model weights go through gemm.h (packed weights, own kernels); these
// take plain matrices through CBLAS (OpenBLAS on Linux, Accelerate on macOS). The rest are
// plain loops the compiler vectorises. Each op has a test against a naive reference.
#pragma once

#include <cstdint>
#include <string>

namespace shoebox::ops {

enum class Activation { kQuickGelu, kGelu, kGeluTanh };
// Maps config.json's hidden_act; returns false for an unknown name.
bool ParseActivation(const std::string& name, Activation* out);

// y[rows, out] = x[rows, in] * w[out, in]^T + b   (PyTorch nn.Linear layout; b may be null)
void Linear(const float* x, int64_t rows, int64_t in, const float* w, const float* b, int64_t out,
            float* y);
// y = (x - mean) / sqrt(var + eps) * gamma + beta, per row (biased variance). y may alias x.
// Rows are split over the compute pool.
void LayerNorm(const float* x, int64_t rows, int64_t dim, const float* gamma, const float* beta,
               float eps, float* y);
void Activate(Activation act, float* x, int64_t n);
// x[i] += y[i]
void AddInPlace(float* x, const float* y, int64_t n);
// The smallest cosine similarity between row r of a and row r of b (rows x dim each), in
// double precision: how far a faster mode strays from float32.
double WorstRowCosine(const float* a, const float* b, int64_t rows, int64_t dim);

// Multi-head scaled dot-product attention for one sequence.
// q, k, v: [t, heads * head_dim] (row stride `stride`); out: [t, heads * head_dim].
// causal: position i sees j <= i. key_valid (optional, length t): keys with 0 are masked.
// scratch must hold t * t floats.
void Attention(const float* q, const float* k, const float* v, int64_t stride, int64_t t_q,
               int64_t t_k, int64_t heads, int64_t head_dim, bool causal, const int64_t* key_valid,
               float* out, int64_t out_stride, float* scratch);

}  // namespace shoebox::ops
