// AVX2 + FMA kernels (x86-64 since 2013): 6 x 16 tiles, 12 of the 16 vector registers
// holding sums. Compiled with -mavx2 -mfma; called only when the CPU reports both.
#include "engine/tensor/kernel_table.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "engine/tensor/gemm_microkernel.h"

namespace shoebox::ops::internal {
namespace {

// kKc 1024: a hidden size up to 1024 in one pass over y. Its 96 KB panel of W no longer fits
// L1, yet ViT-B/32 at batch 32 ran 17.6 -> 18.8 images/s against kKc 256 (L1-sized), the
// passes over y cost more than the L2 reads (1 and 32 images, 256/512/768/1024 measured).
struct Avx2 {
  using V = __m256;
  static constexpr int kLanes = 8, kMr = 4, kNv = 3, kKc = 1024;
  static V Zero() { return _mm256_setzero_ps(); }
  static V Load(const float* p) { return _mm256_loadu_ps(p); }
  static V Broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V Add(V a, V b) { return _mm256_add_ps(a, b); }
  static __m256i Mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V LoadN(const float* p, int n) {
    if (n >= kLanes) return Load(p);
    return n <= 0 ? Zero() : _mm256_maskload_ps(p, Mask(n));
  }
  static void StoreN(float* p, V v, int n) {
    if (n >= kLanes)
      _mm256_storeu_ps(p, v);
    else if (n > 0)
      _mm256_maskstore_ps(p, Mask(n), v);
  }
};

const KernelTable kTable = {"avx2",
                            Avx2::kNv* Avx2::kLanes,
                            &PackWeights<Avx2>,
                            &LinearImpl<Avx2>,
                            &ActivateImpl<Avx2>,
                            &SoftmaxImpl<Avx2>};

}  // namespace

const KernelTable* Avx2Kernels() { return &kTable; }

}  // namespace shoebox::ops::internal

#else
namespace shoebox::ops::internal {
const KernelTable* Avx2Kernels() { return nullptr; }
}  // namespace shoebox::ops::internal
#endif
