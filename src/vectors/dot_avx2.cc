// Dot products of one query against many rows, AVX2 + FMA (+ F16C for half-precision rows).
// Compiled with those flags and called only when the CPU has them (see vector_index.cc); like
// the matrix kernels, everything here has internal linkage except the entry points of
// dot_kernels.h.
#include <cstddef>
#include <cstdint>

#include "vectors/dot_kernels.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <immintrin.h>

namespace shoebox::vectors::internal {
namespace {

inline float Sum(__m256 v) {
  __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
  lo = _mm_add_ps(lo, hi);
  lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
  lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
  return _mm_cvtss_f32(lo);
}

// out[r] = rows[r] . q for r in [0, n); rows [n, dim] contiguous; load(p) gives 8 floats,
// scalar(p) one.
template <typename T, typename Load, typename Scalar>
void DotRows(const T* rows, int64_t n, int64_t dim, const float* q, float* out, Load load,
             Scalar scalar) {
  for (int64_t r = 0; r < n; ++r) {
    const T* a = rows + r * dim;
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(),
           s3 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= dim; i += 32) {
      s0 = _mm256_fmadd_ps(load(a + i), _mm256_loadu_ps(q + i), s0);
      s1 = _mm256_fmadd_ps(load(a + i + 8), _mm256_loadu_ps(q + i + 8), s1);
      s2 = _mm256_fmadd_ps(load(a + i + 16), _mm256_loadu_ps(q + i + 16), s2);
      s3 = _mm256_fmadd_ps(load(a + i + 24), _mm256_loadu_ps(q + i + 24), s3);
    }
    for (; i + 8 <= dim; i += 8) s0 = _mm256_fmadd_ps(load(a + i), _mm256_loadu_ps(q + i), s0);
    float s = Sum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < dim; ++i) s += scalar(a + i) * q[i];
    out[r] = s;
  }
}

}  // namespace

void DotRowsAvx2(const float* rows, int64_t n, int64_t dim, const float* q, float* out) {
  DotRows(
      rows, n, dim, q, out, [](const float* p) { return _mm256_loadu_ps(p); },
      [](const float* p) { return *p; });
}

void DotRowsHalfAvx2(const uint16_t* rows, int64_t n, int64_t dim, const float* q, float* out) {
  DotRows(
      rows, n, dim, q, out,
      [](const uint16_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
      },
      [](const uint16_t* p) { return _cvtsh_ss(*p); });
}

float InnerProductDistanceAvx2(const void* a, const void* b, const void* dim) {
  float dot = 0;
  DotRowsAvx2(static_cast<const float*>(a), 1,
              static_cast<int64_t>(*static_cast<const size_t*>(dim)), static_cast<const float*>(b),
              &dot);
  return 1.0f - dot;
}

bool HaveDotAvx2() { return true; }

}  // namespace shoebox::vectors::internal
#else
namespace shoebox::vectors::internal {
void DotRowsAvx2(const float*, int64_t, int64_t, const float*, float*) {}
void DotRowsHalfAvx2(const uint16_t*, int64_t, int64_t, const float*, float*) {}
float InnerProductDistanceAvx2(const void*, const void*, const void*) { return 0; }
bool HaveDotAvx2() { return false; }
}  // namespace shoebox::vectors::internal
#endif
