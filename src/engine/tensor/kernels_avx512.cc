// AVX-512 kernels (Skylake-X and later Intel, AMD Zen 4 and later): 12 x 32 tiles, 24 of the
// 32 vector registers holding sums. Compiled with -mavx512f; called only when the CPU
// reports it (many virtual machines hide AVX-512 even on CPUs that have it).
#include "engine/tensor/kernel_table.h"

#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>

#include "engine/tensor/gemm_microkernel.h"

namespace shoebox::ops::internal {
namespace {

struct Avx512 {
  using V = __m512;
  static constexpr int kLanes = 16, kMr = 12, kNv = 2, kKc = 128;
  static V Zero() { return _mm512_setzero_ps(); }
  static V Load(const float* p) { return _mm512_loadu_ps(p); }
  static V Broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static V Fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V Add(V a, V b) { return _mm512_add_ps(a, b); }
  static __mmask16 Mask(int n) { return static_cast<__mmask16>((1u << n) - 1); }
  static V LoadN(const float* p, int n) {
    if (n >= kLanes) return Load(p);
    return n <= 0 ? Zero() : _mm512_maskz_loadu_ps(Mask(n), p);
  }
  static void StoreN(float* p, V v, int n) {
    if (n >= kLanes)
      _mm512_storeu_ps(p, v);
    else if (n > 0)
      _mm512_mask_storeu_ps(p, Mask(n), v);
  }
};

const KernelTable kTable = {"avx512",
                            Avx512::kNv* Avx512::kLanes,
                            &PackWeights<Avx512>,
                            &LinearImpl<Avx512>,
                            &ActivateImpl<Avx512>,
                            &SoftmaxImpl<Avx512>};

}  // namespace

const KernelTable* Avx512Kernels() { return &kTable; }

}  // namespace shoebox::ops::internal

#else
namespace shoebox::ops::internal {
const KernelTable* Avx512Kernels() { return nullptr; }
}  // namespace shoebox::ops::internal
#endif
