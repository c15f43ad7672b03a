// The int8 mode's matrix products: y = x W^T with x and W rounded to 8-bit integers, summed
// exactly in 32-bit integers, scaled back to float32.
//
// Scales are symmetric and fine-grained: one per output channel of W (max |w| / 127), one per
// row of x, taken afresh on every call (max |x| / 127), so a token with large activations
// does not cost the others their precision. The bias, the residual (accumulate) and the
// activation are applied in float32, as in gemm.h.
//
// Kernels: AVX2 (vpmaddwd: 8-bit values held in 16 bits, 16 products per instruction, twice
// the float32 FMA's 8, and no saturation, which the u8 x s8 vpmaddubsw route would have).
// Where the CPU has no int8 kernel, Quantize returns empty weights and the caller keeps
// float32 (Int8Available says so in advance).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/tensor/gemm.h"

namespace shoebox::ops {

// Whether this CPU and build have an int8 kernel.
bool Int8Available();

class QuantizedWeights {
 public:
  QuantizedWeights() = default;
  // From float32 W[out, in] (nn.Linear layout). Empty when !Int8Available().
  static QuantizedWeights Quantize(const float* w, int64_t out, int64_t in);
  // From packed float32 weights (their layout read back): what a model holds after loading.
  static QuantizedWeights Quantize(const PackedWeights& w);
  bool empty() const { return !data_; }
  int64_t out() const { return out_; }
  int64_t in() const { return in_; }
  size_t bytes() const { return bytes_; }

 private:
  friend void Linear(const float*, int64_t, const QuantizedWeights&, const float*, float*,
                     const LinearOptions&);
  template <class Rows>  // rows(first, count, buffer) -> const float* to count rows of W
  static QuantizedWeights From(int64_t out, int64_t in, const Rows& rows);
  int64_t out_ = 0, in_ = 0;
  size_t bytes_ = 0;
  std::shared_ptr<const int16_t> data_;  // panels of 16 output columns, k in pairs
  std::shared_ptr<const float> scales_;  // per output column, padded to the panels
};

// y[rows, out] = act(dequant(quant(x) * quant(W)^T) + bias), options as in gemm.h.
void Linear(const float* x, int64_t rows, const QuantizedWeights& w, const float* bias, float* y,
            const LinearOptions& options = {});

namespace internal {
// Layout of the quantized weights, shared by the packer (int8_gemm.cc) and the kernel.
inline constexpr int kQ8Nr = 16;  // output columns per panel
inline int64_t Q8KPairs(int64_t in) { return (in + 1) / 2; }
inline int64_t Q8Panels(int64_t out) { return (out + kQ8Nr - 1) / kQ8Nr; }
// data[panel][kpair][column][2]; scales[panel * 16 + column].
struct Q8Kernel {
  void (*linear)(const float* x, int64_t m, int64_t ldx, const int16_t* w, const float* w_scales,
                 int64_t n, int64_t k, const float* bias, bool accumulate, int act, float* y,
                 int64_t ldy);
};
const Q8Kernel* Avx2Q8Kernel();  // nullptr where not built
}  // namespace internal

}  // namespace shoebox::ops
