// Internal: the matrix-product kernel, written once over a small vector "traits" type and
// compiled per instruction set (kernels_avx2.cc, kernels_avx512.cc).
//
// Shape of the work: y[m, n] = x[m, k] * W^T. W was packed at load time into panels of
// NR = 2 vectors of output columns, k-major, so a panel streams through the cache in order.
// x is re-packed per call into micro-panels of MR rows, k-major (a cheap O(m k) transpose
// against O(m n k) arithmetic). One tile keeps MR x NR sums in registers: per step of k it
// loads two vectors of W and broadcasts MR values of x, for 2 MR fused multiply-adds.
//
// Everything here has internal linkage (see activation_math.h for why), and uses no
// standard-library templates that other files also instantiate.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <utility>

#include "engine/tensor/activation_math.h"
#include "engine/tensor/compute_pool.h"
#include "engine/tensor/kernel_table.h"

namespace shoebox::ops::internal {
namespace {

inline int64_t MinI(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t MaxI(int64_t a, int64_t b) { return a > b ? a : b; }

template <class T, int MR>
void Tile(const float* ap, const float* bp, int64_t k, float* c, int64_t ldc, int cols,
          const float* bias, bool accumulate) {
  using V = typename T::V;
  constexpr int L = T::kLanes, NV = T::kNv;
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = T::Zero();
#pragma GCC unroll 4
  for (int64_t p = 0; p < k; ++p) {
    V b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) b[v] = T::Load(bp + v * L);
    bp += NV * L;
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      V a = T::Broadcast(ap + r);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = T::Fma(a, b[v], acc[r][v]);
    }
    ap += MR;
  }
  int n[NV];
  V bv[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    int left = cols - v * L;
    n[v] = left < 0 ? 0 : (left > L ? L : left);
    bv[v] = bias ? T::LoadN(bias + v * L, n[v]) : T::Zero();
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
    float* row = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      V out = T::Add(acc[r][v], bv[v]);
      if (accumulate) out = T::Add(out, T::LoadN(row + v * L, n[v]));
      T::StoreN(row + v * L, out, n[v]);
    }
  }
}

template <class T>
using TileFn = void (*)(const float*, const float*, int64_t, float*, int64_t, int, const float*,
                        bool);

template <class T, int... I>
constexpr void FillTiles(TileFn<T>* out, std::integer_sequence<int, I...>) {
  ((out[I] = &Tile<T, I + 1>), ...);
}

template <class T>
struct Tiles {
  TileFn<T> by_rows[T::kMr];  // by_rows[r - 1] handles a micro-panel of r rows
  constexpr Tiles() : by_rows{} {
    FillTiles<T>(by_rows, std::make_integer_sequence<int, T::kMr>());
  }
};

struct PackJob {
  const float* w;
  int64_t out, in;
  float* dst;
};

template <class T>
void PackPanel(void* ctx, int64_t j) {
  constexpr int NR = T::kNv * T::kLanes;
  const auto& job = *static_cast<PackJob*>(ctx);
  float* d = job.dst + j * NR * job.in;
  const float* rows[NR];
  for (int c = 0; c < NR; ++c)
    rows[c] = j * NR + c < job.out ? job.w + (j * NR + c) * job.in : nullptr;
  // Sequential writes, NR sequential read streams.
  for (int64_t p = 0; p < job.in; ++p, d += NR)
    for (int c = 0; c < NR; ++c) d[c] = rows[c] ? rows[c][p] : 0.0f;
}

template <class T>
void PackWeights(const float* w, int64_t out, int64_t in, float* dst) {
  constexpr int NR = T::kNv * T::kLanes;
  PackJob job{w, out, in, dst};
  ComputePool::Get().ParallelFor((out + NR - 1) / NR, &PackPanel<T>, &job);
}

// Grows, never shrinks; one per calling thread (two threads may run products at once).
struct PackBuffer {
  float* data = nullptr;
  int64_t size = 0;
  float* Get(int64_t n) {
    if (n > size) {
      std::free(data);
      data = static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>((n + 15) / 16 * 64)));
      size = data ? n : 0;
      if (!data) std::abort();
    }
    return data;
  }
  ~PackBuffer() { std::free(data); }
};

template <class T>
struct LinearJob {
  const float* x;
  int64_t m, ldx;
  const float* packed;
  int64_t n, k;
  const float* bias;
  bool accumulate;
  int act;
  float* y;
  int64_t ldy;
  float* apack;
  int64_t row_panels, mc, mblocks, n_panels, groups, per_group;
};

template <class T>
void PackRows(void* ctx, int64_t i) {
  auto& j = *static_cast<LinearJob<T>*>(ctx);
  const int64_t r0 = i * T::kMr, mr = MinI(T::kMr, j.m - r0);
  float* dst = j.apack + r0 * j.k;
  for (int64_t r = 0; r < mr; ++r) {
    const float* src = j.x + (r0 + r) * j.ldx;
    for (int64_t p = 0; p < j.k; ++p) dst[p * mr + r] = src[p];
  }
}

template <class T>
void ComputeBlock(void* ctx, int64_t task) {
  static constexpr Tiles<T> kTiles;
  constexpr int NR = T::kNv * T::kLanes;
  auto& j = *static_cast<LinearJob<T>*>(ctx);
  const int64_t mb = task / j.groups, g = task % j.groups;
  const int64_t row0 = mb * j.mc, row1 = MinI(j.m, row0 + j.mc);
  const int64_t p0 = g * j.per_group, p1 = MinI(j.n_panels, p0 + j.per_group);
  // Depth blocks of kKc: one panel's block of W (kKc x NR) is reused from L1/L2 by all the
  // row micro-panels of this task; the task's depth block of x (mc x kKc) stays in L2;
  // partial sums go through y (so a depth block per pass over y; see kKc in the kernels).
  for (int64_t k0 = 0; k0 < j.k; k0 += T::kKc) {
    const int64_t kc = MinI(T::kKc, j.k - k0);
    const bool first = k0 == 0, last = k0 + kc == j.k;
    for (int64_t panel = p0; panel < p1; ++panel) {
      const int64_t col = panel * NR;
      const int cols = static_cast<int>(MinI(NR, j.n - col));
      const float* bp = j.packed + panel * NR * j.k + k0 * NR;
      const float* bias = first && j.bias ? j.bias + col : nullptr;
      for (int64_t r0 = row0; r0 < row1; r0 += T::kMr) {
        const int mr = static_cast<int>(MinI(T::kMr, j.m - r0));
        kTiles.by_rows[mr - 1](j.apack + r0 * j.k + k0 * mr, bp, kc, j.y + r0 * j.ldy + col, j.ldy,
                               cols, bias, first ? j.accumulate : true);
      }
      if (last && j.act >= 0)
        for (int64_t r = row0; r < row1; ++r) ActivateRow(j.act, j.y + r * j.ldy + col, cols);
    }
  }
}

// Rows per task: their depth block of x stays in L2, their partial sums in y nearly so.
// (96-400 measured: 192 best by a little on 1600-row products; the machine is noisy.)
inline constexpr int64_t kRowBlock = 192;

template <class T>
void LinearImpl(const float* x, int64_t m, int64_t ldx, const float* packed, int64_t n, int64_t k,
                const float* bias, bool accumulate, int act, float* y, int64_t ldy) {
  if (m <= 0 || n <= 0) return;
  static thread_local PackBuffer buffer;
  constexpr int NR = T::kNv * T::kLanes;
  LinearJob<T> j{x, m, ldx, packed, n, k, bias, accumulate, act, y, ldy, buffer.Get(m * k),
                 0, 0, 0,   0,      0, 0};
  ComputePool& pool = ComputePool::Get();
  j.row_panels = (m + T::kMr - 1) / T::kMr;
  if (m * k >= (1 << 16))
    pool.ParallelFor(j.row_panels, &PackRows<T>, &j);
  else
    for (int64_t i = 0; i < j.row_panels; ++i) PackRows<T>(&j, i);
  j.mc = MaxI(1, kRowBlock / T::kMr) * T::kMr;
  j.mblocks = (m + j.mc - 1) / j.mc;
  j.n_panels = (n + NR - 1) / NR;
  // Enough tasks for the threads to balance (about 8 each: with 4, a 1600-row product was 9
  // row blocks and one thread idled for a third of a block), no more than one per panel.
  j.groups = MinI(j.n_panels, MaxI(1, (8 * pool.threads() + j.mblocks - 1) / j.mblocks));
  j.per_group = (j.n_panels + j.groups - 1) / j.groups;
  j.groups = (j.n_panels + j.per_group - 1) / j.per_group;
  pool.ParallelFor(j.mblocks * j.groups, &ComputeBlock<T>, &j);
}

template <class T>
void ActivateImpl(int act, float* x, int64_t n) {
  ActivateRow(act, x, n);
}

template <class T>
void SoftmaxImpl(float* x, int64_t n) {
  SoftmaxRow(x, n);
}

}  // namespace
}  // namespace shoebox::ops::internal
