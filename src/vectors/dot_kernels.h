// Inside search/: the dot-product kernels of dot_avx2.cc (compiled with -mavx2 -mfma -mf16c)
// and the run-time check that decides whether this CPU may call them.
#pragma once

#include <cstdint>

namespace shoebox::vectors::internal {

// out[r] = rows[r] . q for r in [0, n).
void DotRowsAvx2(const float* rows, int64_t n, int64_t dim, const float* q, float* out);
void DotRowsHalfAvx2(const uint16_t* rows, int64_t n, int64_t dim, const float* q, float* out);
// hnswlib's distance for normalised vectors, 1 - a . b; dim points at a size_t.
float InnerProductDistanceAvx2(const void* a, const void* b, const void* dim);
// False when dot_avx2.cc was built without those flags (another architecture).
bool HaveDotAvx2();
// HaveDotAvx2() and the CPU has AVX2, FMA and F16C.
bool UseDotAvx2();

}  // namespace shoebox::vectors::internal
