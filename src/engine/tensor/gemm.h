// Matrix products against weights packed once at load time, split over the compute pool.
//
// The kernel is chosen once per process from the CPU: AVX-512 or AVX2+FMA kernels of our
// own (x86-64), else CBLAS (OpenBLAS; Accelerate on macOS) on the plain layout.
// SHOEBOX_KERNEL=generic|avx2|avx512 overrides the choice (a kernel the CPU lacks is
// ignored), for comparisons and tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/tensor/ops.h"

namespace shoebox::ops {

namespace internal {
struct KernelTable;
}

// Kernels this CPU and build can run, best first (always ends with "generic").
std::vector<std::string> AvailableKernels();
// The kernel new PackedWeights use.
std::string ActiveKernel();

// A weight matrix W[out, in] (nn.Linear's layout) in the layout of one kernel.
class PackedWeights {
 public:
  PackedWeights() = default;
  // kernel: one of AvailableKernels(); empty = ActiveKernel().
  static PackedWeights Pack(const float* w, int64_t out, int64_t in,
                            const std::string& kernel = "");
  // Already packed floats (a mapped cache file, see engine/weights/pack_cache.h), kept alive by
  // owner; null when the kernel is unknown here or floats is not what it needs for out x in.
  static std::optional<PackedWeights> Borrow(std::shared_ptr<const void> owner, const float* data,
                                             int64_t floats, int64_t out, int64_t in,
                                             const std::string& kernel);
  // How many floats the kernel's layout of an out x in matrix takes (0: unknown kernel).
  static int64_t PackedSize(int64_t out, int64_t in, const std::string& kernel);
  // W[out, in] back in nn.Linear's layout (dst holds out * in floats); or rows
  // [first, first + count) of it (dst holds count * in floats).
  void Unpack(float* dst) const { UnpackRows(0, out_, dst); }
  void UnpackRows(int64_t first, int64_t count, float* dst) const;
  // The packed floats, for writing them out.
  const float* data() const { return data_.get(); }
  int64_t floats() const { return floats_; }
  int64_t out() const { return out_; }
  int64_t in() const { return in_; }
  bool empty() const { return !data_; }
  size_t bytes() const { return floats_ * sizeof(float); }
  const std::string& kernel() const;

 private:
  friend void Linear(const float*, int64_t, const PackedWeights&, const float*, float*,
                     const struct LinearOptions&);
  const internal::KernelTable* table_ = nullptr;
  int64_t out_ = 0, in_ = 0, floats_ = 0;
  std::shared_ptr<const float> data_;  // own aligned allocation, or borrowed
};

struct LinearOptions {
  bool accumulate = false;               // y += x W^T + b (a residual connection)
  std::optional<Activation> activation;  // applied last: act(x W^T + b (+ y)), fused
  int64_t ldx = 0, ldy = 0;              // row strides; 0 = in / out
};

// Softmax of one row in place, with the active kernel's instruction set; -inf (masked) -> 0.
void Softmax(float* row, int64_t n);
// The activation over x[0, n) in place, with the active kernel's instruction set (ops.h's
// Activate is the portable build of the same formulas).
void ActivateWithActiveKernel(Activation act, float* x, int64_t n);

// y[rows, out] = act(x[rows, in] * W^T + bias) (bias may be null).
void Linear(const float* x, int64_t rows, const PackedWeights& w, const float* bias, float* y,
            const LinearOptions& options = {});

}  // namespace shoebox::ops
