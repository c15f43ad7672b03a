// The int8 mode's AVX2 kernel (int8_gemm.h). Compiled with -mavx2 -mfma; called only when
// the CPU reports both.
//
// Shape of the work, as in gemm_microkernel.h: W is packed in panels of 16 output columns,
// k in pairs ([panel][k/2][column][2] int16); x is quantized per call into micro-panels of
// MR rows, each k pair one 32-bit word. Per pair of k a tile loads two vectors of W,
// broadcasts MR words of x and issues 2 MR vpmaddwd (8 columns x 2 products each) and
// 2 MR 32-bit adds; the sums stay exact in int32 (|sum| <= k * 127^2, far from 2^31).
#include "engine/tensor/int8_gemm.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <cmath>
#include <cstdlib>

#include "engine/tensor/activation_math.h"
#include "engine/tensor/compute_pool.h"

namespace shoebox::ops::internal {
namespace {

constexpr int kMr = 6;  // rows per micro-panel: 12 sums + 2 W vectors + x + product = 16 registers
constexpr int64_t kKcPairs =
    256;  // depth block: a panel's block of W is 16 KB, stays in L1 (256-512 measured alike)
constexpr int64_t kRowBlock = 192;

inline int64_t MinI(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t MaxI(int64_t a, int64_t b) { return a > b ? a : b; }

__m256i Mask(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
__m256 LoadN(const float* p, int n) {
  if (n >= 8) return _mm256_loadu_ps(p);
  return n <= 0 ? _mm256_setzero_ps() : _mm256_maskload_ps(p, Mask(n));
}
void StoreN(float* p, __m256 v, int n) {
  if (n >= 8)
    _mm256_storeu_ps(p, v);
  else if (n > 0)
    _mm256_maskstore_ps(p, Mask(n), v);
}

// The full-height tile's loop in assembly: with intrinsics GCC 12 keeps the six broadcasts
// live at once and spills half of the sums to the stack every step (the loop ran no faster
// than float32). Here each broadcast is consumed at once and the 12 sums stay in registers
// (zeroed here: 12 in-out operands would exceed GCC's 30).
inline void Loop6(const int32_t* ap, const int16_t* bp, int64_t pairs, __m256i (&acc)[6][2]) {
  if (pairs <= 0) return;
  __m256i b0, b1, a, t;
  asm volatile(
      "vpxor %[c00], %[c00], %[c00]\n\t"
      "vpxor %[c01], %[c01], %[c01]\n\t"
      "vpxor %[c10], %[c10], %[c10]\n\t"
      "vpxor %[c11], %[c11], %[c11]\n\t"
      "vpxor %[c20], %[c20], %[c20]\n\t"
      "vpxor %[c21], %[c21], %[c21]\n\t"
      "vpxor %[c30], %[c30], %[c30]\n\t"
      "vpxor %[c31], %[c31], %[c31]\n\t"
      "vpxor %[c40], %[c40], %[c40]\n\t"
      "vpxor %[c41], %[c41], %[c41]\n\t"
      "vpxor %[c50], %[c50], %[c50]\n\t"
      "vpxor %[c51], %[c51], %[c51]\n\t"
      "1:\n\t"
      "vmovdqa (%[bp]), %[b0]\n\t"
      "vmovdqa 32(%[bp]), %[b1]\n\t"
      "vpbroadcastd 0(%[ap]), %[a]\n\t"
      "vpmaddwd %[b0], %[a], %[t]\n\t"
      "vpaddd %[t], %[c00], %[c00]\n\t"
      "vpmaddwd %[b1], %[a], %[t]\n\t"
      "vpaddd %[t], %[c01], %[c01]\n\t"
      "vpbroadcastd 4(%[ap]), %[a]\n\t"
      "vpmaddwd %[b0], %[a], %[t]\n\t"
      "vpaddd %[t], %[c10], %[c10]\n\t"
      "vpmaddwd %[b1], %[a], %[t]\n\t"
      "vpaddd %[t], %[c11], %[c11]\n\t"
      "vpbroadcastd 8(%[ap]), %[a]\n\t"
      "vpmaddwd %[b0], %[a], %[t]\n\t"
      "vpaddd %[t], %[c20], %[c20]\n\t"
      "vpmaddwd %[b1], %[a], %[t]\n\t"
      "vpaddd %[t], %[c21], %[c21]\n\t"
      "vpbroadcastd 12(%[ap]), %[a]\n\t"
      "vpmaddwd %[b0], %[a], %[t]\n\t"
      "vpaddd %[t], %[c30], %[c30]\n\t"
      "vpmaddwd %[b1], %[a], %[t]\n\t"
      "vpaddd %[t], %[c31], %[c31]\n\t"
      "vpbroadcastd 16(%[ap]), %[a]\n\t"
      "vpmaddwd %[b0], %[a], %[t]\n\t"
      "vpaddd %[t], %[c40], %[c40]\n\t"
      "vpmaddwd %[b1], %[a], %[t]\n\t"
      "vpaddd %[t], %[c41], %[c41]\n\t"
      "vpbroadcastd 20(%[ap]), %[a]\n\t"
      "vpmaddwd %[b0], %[a], %[t]\n\t"
      "vpaddd %[t], %[c50], %[c50]\n\t"
      "vpmaddwd %[b1], %[a], %[t]\n\t"
      "vpaddd %[t], %[c51], %[c51]\n\t"
      "add $64, %[bp]\n\t"
      "add $24, %[ap]\n\t"
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      : [c00] "=&x"(acc[0][0]), [c01] "=&x"(acc[0][1]), [c10] "=&x"(acc[1][0]),
        [c11] "=&x"(acc[1][1]), [c20] "=&x"(acc[2][0]), [c21] "=&x"(acc[2][1]),
        [c30] "=&x"(acc[3][0]), [c31] "=&x"(acc[3][1]), [c40] "=&x"(acc[4][0]),
        [c41] "=&x"(acc[4][1]), [c50] "=&x"(acc[5][0]), [c51] "=&x"(acc[5][1]), [b0] "=&x"(b0),
        [b1] "=&x"(b1), [a] "=&x"(a), [t] "=&x"(t), [ap] "+r"(ap), [bp] "+r"(bp), [n] "+r"(pairs)
      :
      : "cc", "memory");
}

// c[MR x cols] (=|+=) dequantized sums (+ bias). x_scales: the MR rows' scales; w_scales:
// the panel's 16 (padded, so always readable).
template <int MR>
void Tile(const int32_t* ap, const int16_t* bp, int64_t pairs, float* c, int64_t ldc, int cols,
          const float* x_scales, const float* w_scales, const float* bias, bool add_to_c) {
  __m256i acc[MR][2];
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  if constexpr (MR == 6)
    Loop6(ap, bp, pairs, acc);
  else
    for (int64_t p = 0; p < pairs; ++p) {
      const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(bp));
      const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(bp + 16));
      bp += 32;
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) {
        const __m256i a = _mm256_set1_epi32(ap[r]);
        acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(a, b0));
        acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(a, b1));
      }
      ap += MR;
    }
  const int n0 = cols < 8 ? cols : 8, n1 = cols - 8;
  const __m256 ws0 = _mm256_loadu_ps(w_scales), ws1 = _mm256_loadu_ps(w_scales + 8);
  const __m256 bias0 = bias ? LoadN(bias, n0) : _mm256_setzero_ps();
  const __m256 bias1 = bias ? LoadN(bias + 8, n1) : _mm256_setzero_ps();
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
    float* row = c + r * ldc;
    const __m256 sx = _mm256_set1_ps(x_scales[r]);
    __m256 o0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[r][0]), _mm256_mul_ps(sx, ws0), bias0);
    __m256 o1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[r][1]), _mm256_mul_ps(sx, ws1), bias1);
    if (add_to_c) {
      o0 = _mm256_add_ps(o0, LoadN(row, n0));
      o1 = _mm256_add_ps(o1, LoadN(row + 8, n1));
    }
    StoreN(row, o0, n0);
    StoreN(row + 8, o1, n1);
  }
}

using TileFn = void (*)(const int32_t*, const int16_t*, int64_t, float*, int64_t, int, const float*,
                        const float*, const float*, bool);
constexpr TileFn kTiles[kMr] = {&Tile<1>, &Tile<2>, &Tile<3>, &Tile<4>, &Tile<5>, &Tile<6>};

struct Job {
  const float* x;
  int64_t m, ldx;
  const int16_t* w;
  const float* w_scales;
  int64_t n, k, pairs;
  const float* bias;
  bool accumulate;
  int act;
  float* y;
  int64_t ldy;
  int32_t* apack;
  float* x_scales;
  int64_t mc, mblocks, n_panels, groups, per_group;
};

// Rows [i * MR, +MR) of x: scale = max |x| / 127, values rounded to nearest (even), packed
// as 16-bit pairs into their micro-panel.
void QuantizeRows(void* ctx, int64_t i) {
  auto& j = *static_cast<Job*>(ctx);
  const int64_t r0 = i * kMr, mr = MinI(kMr, j.m - r0);
  int32_t* dst = j.apack + r0 * j.pairs;
  const __m256 sign = _mm256_set1_ps(-0.0f);
  for (int64_t r = 0; r < mr; ++r) {
    const float* src = j.x + (r0 + r) * j.ldx;
    __m256 vmax = _mm256_setzero_ps();
    int64_t k = 0;
    for (; k + 8 <= j.k; k += 8)
      vmax = _mm256_max_ps(vmax, _mm256_andnot_ps(sign, _mm256_loadu_ps(src + k)));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
    float max_abs = _mm_cvtss_f32(m4);
    for (; k < j.k; ++k) max_abs = std::fmax(max_abs, std::fabs(src[k]));
    const float scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
    const float inv = max_abs > 0 ? 127.0f / max_abs : 0.0f;
    j.x_scales[r0 + r] = scale;
    const __m256 vinv = _mm256_set1_ps(inv);
    k = 0;
    // Eight values -> four 32-bit pairs -> their places, MR words apart.
    for (; k + 8 <= j.k; k += 8) {
      const __m256i q = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(src + k), vinv));
      const __m256i packed = _mm256_packs_epi32(q, q);  // per 128-bit half: q0..q3 q0..q3 (int16)
      alignas(32) int32_t words[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(words), packed);
      int32_t* d = dst + (k / 2) * mr + r;
      d[0] = words[0];
      d[mr] = words[1];
      d[2 * mr] = words[4];
      d[3 * mr] = words[5];
    }
    for (; k < j.k; k += 2) {
      const int32_t lo = static_cast<int16_t>(std::lrintf(src[k] * inv));
      const int32_t hi = k + 1 < j.k ? static_cast<int16_t>(std::lrintf(src[k + 1] * inv)) : 0;
      dst[(k / 2) * mr + r] = static_cast<int32_t>((static_cast<uint32_t>(hi) << 16) |
                                                   (static_cast<uint32_t>(lo) & 0xFFFF));
    }
  }
}

void ComputeBlock(void* ctx, int64_t task) {
  auto& j = *static_cast<Job*>(ctx);
  const int64_t mb = task / j.groups, g = task % j.groups;
  const int64_t row0 = mb * j.mc, row1 = MinI(j.m, row0 + j.mc);
  const int64_t p0 = g * j.per_group, p1 = MinI(j.n_panels, p0 + j.per_group);
  for (int64_t k0 = 0; k0 < j.pairs; k0 += kKcPairs) {
    const int64_t kc = MinI(kKcPairs, j.pairs - k0);
    const bool first = k0 == 0, last = k0 + kc == j.pairs;
    for (int64_t panel = p0; panel < p1; ++panel) {
      const int64_t col = panel * kQ8Nr;
      const int cols = static_cast<int>(MinI(kQ8Nr, j.n - col));
      const int16_t* bp = j.w + (panel * j.pairs + k0) * kQ8Nr * 2;
      const float* bias = first && j.bias ? j.bias + col : nullptr;
      for (int64_t r0 = row0; r0 < row1; r0 += kMr) {
        const int mr = static_cast<int>(MinI(kMr, j.m - r0));
        kTiles[mr - 1](j.apack + r0 * j.pairs + k0 * mr, bp, kc, j.y + r0 * j.ldy + col, j.ldy,
                       cols, j.x_scales + r0, j.w_scales + col, bias, first ? j.accumulate : true);
      }
      if (last && j.act >= 0)
        for (int64_t r = row0; r < row1; ++r) ActivateRow(j.act, j.y + r * j.ldy + col, cols);
    }
  }
}

template <class T>
struct Buffer {  // grows, never shrinks; one per calling thread
  T* data = nullptr;
  int64_t size = 0;
  T* Get(int64_t n) {
    if (n > size) {
      std::free(data);
      data = static_cast<T*>(
          std::aligned_alloc(64, static_cast<size_t>((n * sizeof(T) + 63) / 64 * 64)));
      if (!data) std::abort();
      size = n;
    }
    return data;
  }
  ~Buffer() { std::free(data); }
};

void LinearQ8(const float* x, int64_t m, int64_t ldx, const int16_t* w, const float* w_scales,
              int64_t n, int64_t k, const float* bias, bool accumulate, int act, float* y,
              int64_t ldy) {
  if (m <= 0 || n <= 0) return;
  static thread_local Buffer<int32_t> apack;
  static thread_local Buffer<float> scales;
  const int64_t pairs = Q8KPairs(k);
  Job j{x,
        m,
        ldx,
        w,
        w_scales,
        n,
        k,
        pairs,
        bias,
        accumulate,
        act,
        y,
        ldy,
        apack.Get(((m + kMr - 1) / kMr) * kMr * pairs),
        scales.Get(m),
        0,
        0,
        0,
        0,
        0};
  ComputePool& pool = ComputePool::Get();
  const int64_t row_panels = (m + kMr - 1) / kMr;
  if (m * k >= (1 << 16))
    pool.ParallelFor(row_panels, &QuantizeRows, &j);
  else
    for (int64_t i = 0; i < row_panels; ++i) QuantizeRows(&j, i);
  j.mc = MaxI(1, kRowBlock / kMr) * kMr;
  j.mblocks = (m + j.mc - 1) / j.mc;
  j.n_panels = Q8Panels(n);
  j.groups = MinI(j.n_panels, MaxI(1, (8 * pool.threads() + j.mblocks - 1) / j.mblocks));
  j.per_group = (j.n_panels + j.groups - 1) / j.groups;
  j.groups = (j.n_panels + j.per_group - 1) / j.per_group;
  pool.ParallelFor(j.mblocks * j.groups, &ComputeBlock, &j);
}

const Q8Kernel kKernel = {&LinearQ8};

}  // namespace

const Q8Kernel* Avx2Q8Kernel() { return &kKernel; }

}  // namespace shoebox::ops::internal

#else
namespace shoebox::ops::internal {
const Q8Kernel* Avx2Q8Kernel() { return nullptr; }
}  // namespace shoebox::ops::internal
#endif
