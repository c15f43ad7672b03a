#include "engine/tensor/int8_gemm.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "engine/tensor/compute_pool.h"

namespace shoebox::ops {
namespace {

const internal::Q8Kernel* Kernel() {
  static const internal::Q8Kernel* kernel = []() -> const internal::Q8Kernel* {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (internal::Avx2Q8Kernel() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      return internal::Avx2Q8Kernel();
#endif
    return nullptr;
  }();
  return kernel;
}

// Zeroed (the panels' padding must be 0). Large arrays on 2 MB pages, as PackedWeights does:
// faulting in 4 KB pages was most of the quantization's time on these VMs.
template <class T>
std::shared_ptr<T> AlignedArray(size_t n) {
  constexpr size_t kHuge = 2u << 20;
  const size_t align = n * sizeof(T) >= kHuge ? kHuge : 64;
  const size_t bytes = std::max<size_t>(align, (n * sizeof(T) + align - 1) / align * align);
  T* p = static_cast<T*>(std::aligned_alloc(align, bytes));
  if (!p) std::abort();
#ifdef MADV_HUGEPAGE
  if (align == kHuge) madvise(p, bytes, MADV_HUGEPAGE);
#endif
  std::memset(p, 0, bytes);
  return std::shared_ptr<T>(p, [](T* q) { std::free(q); });
}

// Rows [r0, r0 + n) of W, given in nn.Linear's layout, onto their 8-bit grid (the same grid
// as the activations', int8_kernels_avx2.cc: QuantizeRows) and into their panel.
void QuantizeRows(const float* rows, int64_t r0, int64_t n, int64_t in, int16_t* data,
                  float* scales) {
  constexpr int nr = internal::kQ8Nr;
  const int64_t pairs = internal::Q8KPairs(in);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = r0 + i;
    const float* row = rows + i * in;
    float max_abs = 0;
    for (int64_t k = 0; k < in; ++k) max_abs = std::max(max_abs, std::fabs(row[k]));
    const float inv = max_abs > 0 ? 127.0f / max_abs : 0.0f;
    scales[r] = max_abs > 0 ? max_abs / 127.0f : 1.0f;
    // Round the row first (a loop that vectorises), then place its pairs 16 columns apart.
    thread_local std::vector<int16_t> q;
    q.assign(static_cast<size_t>(pairs * 2), 0);
    for (int64_t k = 0; k < in; ++k) q[k] = static_cast<int16_t>(std::lrintf(row[k] * inv));
    int16_t* col = data + (r / nr) * pairs * nr * 2 + (r % nr) * 2;
    for (int64_t p = 0; p < pairs; ++p) {
      col[p * nr * 2] = q[2 * p];
      col[p * nr * 2 + 1] = q[2 * p + 1];
    }
  }
}

}  // namespace

bool Int8Available() { return Kernel() != nullptr; }

template <class Rows>
QuantizedWeights QuantizedWeights::From(int64_t out, int64_t in, const Rows& rows) {
  constexpr int nr = internal::kQ8Nr;
  const int64_t panels = internal::Q8Panels(out), pairs = internal::Q8KPairs(in);
  const size_t values = static_cast<size_t>(panels * pairs * nr * 2);
  QuantizedWeights q;
  auto data = AlignedArray<int16_t>(values);
  auto scales = AlignedArray<float>(static_cast<size_t>(panels * nr));
  // A panel per task: ~0.1 s instead of ~0.8 s for both towers of ViT-B/32 on 2 cores.
  ParallelFor(panels, [&](int64_t p) {
    thread_local std::vector<float> buffer;
    const int64_t r0 = p * nr, n = std::min<int64_t>(nr, out - r0);
    QuantizeRows(rows(r0, n, buffer), r0, n, in, data.get(), scales.get());
  });
  q.out_ = out;
  q.in_ = in;
  q.bytes_ = values * sizeof(int16_t) + static_cast<size_t>(panels * nr) * sizeof(float);
  q.data_ = std::move(data);
  q.scales_ = std::move(scales);
  return q;
}

QuantizedWeights QuantizedWeights::Quantize(const float* w, int64_t out, int64_t in) {
  if (!Kernel() || out <= 0 || in <= 0) return {};
  return From(out, in, [&](int64_t r0, int64_t, std::vector<float>&) { return w + r0 * in; });
}

QuantizedWeights QuantizedWeights::Quantize(const PackedWeights& w) {
  if (w.empty() || !Kernel()) return {};
  return From(w.out(), w.in(), [&](int64_t r0, int64_t n, std::vector<float>& buffer) {
    buffer.resize(static_cast<size_t>(n * w.in()));
    w.UnpackRows(r0, n, buffer.data());
    return static_cast<const float*>(buffer.data());
  });
}

void Linear(const float* x, int64_t rows, const QuantizedWeights& w, const float* bias, float* y,
            const LinearOptions& o) {
  const int act = o.activation ? static_cast<int>(*o.activation) : -1;
  Kernel()->linear(x, rows, o.ldx ? o.ldx : w.in_, w.data_.get(), w.scales_.get(), w.out_, w.in_,
                   bias, o.accumulate, act, y, o.ldy ? o.ldy : w.out_);
}

}  // namespace shoebox::ops
