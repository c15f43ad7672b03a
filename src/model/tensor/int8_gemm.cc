#include "model/tensor/int8_gemm.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

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

template <class T>
std::shared_ptr<T> AlignedArray(size_t n) {
  const size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
  T* p = static_cast<T*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
  if (!p) std::abort();
  std::memset(p, 0, bytes == 0 ? 64 : bytes);
  return std::shared_ptr<T>(p, [](T* q) { std::free(q); });
}

}  // namespace

bool Int8Available() { return Kernel() != nullptr; }

QuantizedWeights QuantizedWeights::Quantize(const float* w, int64_t out, int64_t in) {
  QuantizedWeights q;
  if (!Kernel() || out <= 0 || in <= 0) return q;
  constexpr int nr = internal::kQ8Nr;
  const int64_t panels = internal::Q8Panels(out), pairs = internal::Q8KPairs(in);
  const size_t values = static_cast<size_t>(panels * pairs * nr * 2);
  auto data = AlignedArray<int16_t>(values);
  auto scales = AlignedArray<float>(static_cast<size_t>(panels * nr));
  int16_t* d = data.get();
  float* s = scales.get();
  for (int64_t r = 0; r < out; ++r) {
    const float* row = w + r * in;
    float max_abs = 0;
    for (int64_t k = 0; k < in; ++k) max_abs = std::max(max_abs, std::fabs(row[k]));
    // The same grid as the activations' (int8_kernels_avx2.cc: QuantizeRows).
    const float inv = max_abs > 0 ? 127.0f / max_abs : 0.0f;
    s[r] = max_abs > 0 ? max_abs / 127.0f : 1.0f;
    int16_t* col = d + (r / nr) * pairs * nr * 2 + (r % nr) * 2;
    for (int64_t k = 0; k < in; ++k)
      col[(k / 2) * nr * 2 + (k % 2)] = static_cast<int16_t>(std::lrintf(row[k] * inv));
  }
  q.out_ = out;
  q.in_ = in;
  q.bytes_ = values * sizeof(int16_t) + static_cast<size_t>(panels * nr) * sizeof(float);
  q.data_ = std::move(data);
  q.scales_ = std::move(scales);
  return q;
}

QuantizedWeights QuantizedWeights::Quantize(const PackedWeights& w) {
  if (w.empty() || !Kernel()) return {};
  std::vector<float> plain(static_cast<size_t>(w.out() * w.in()));
  w.Unpack(plain.data());
  return Quantize(plain.data(), w.out(), w.in());
}

void Linear(const float* x, int64_t rows, const QuantizedWeights& w, const float* bias, float* y,
            const LinearOptions& o) {
  const int act = o.activation ? static_cast<int>(*o.activation) : -1;
  Kernel()->linear(x, rows, o.ldx ? o.ldx : w.in_, w.data_.get(), w.scales_.get(), w.out_, w.in_, bias, o.accumulate,
                   act, y, o.ldy ? o.ldy : w.out_);
}

}  // namespace shoebox::ops
