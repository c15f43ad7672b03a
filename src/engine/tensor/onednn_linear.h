// The second backend for the layers' matrix products: oneDNN's matmul (Debian libdnnl-dev),
// JIT-compiled at run time for the CPU it finds (AVX2, AVX-512, VNNI, BF16, AMX), so the
// paths this machine cannot run are still code tested upstream on the hardware that can.
//
// Three number formats, each y = act(x W^T + bias) (+ y when accumulating), as gemm.h:
//   float32: oneDNN's float32 product, bias and activation fused as post-ops.
//   bf16:    W stored in bfloat16, x rounded to bfloat16 per call, sums in float32. Only
//            where the CPU has native bf16 dot products (AVX-512 BF16, AMX): emulated bf16
//            is slower than float32 (Supports says so).
//   int8:    the int8 mode's quantisation (int8_gemm.h: per-output-channel weight scales,
//            per-row activation scales taken afresh each call, exact int32 sums); oneDNN
//            sums s8 x s8 into int32, and the scales, bias, activation and residual are
//            applied in float32 afterwards, so both int8 backends give the same numbers.
//            Only with VNNI (AVX-512 VNNI, AVX-VNNI, AMX): without it oneDNN's 16-bit
//            intermediate sums saturate.
//
// Weights are reordered once, at Make, into the blocked layout oneDNN picks for this CPU.
// A primitive is made per row count on first use and kept (a forward pass reuses a few).
// A product is split into row blocks, one per compute-pool thread, each running oneDNN on
// that thread alone: oneDNN's own OpenMP team beside the pool made two sets of spinning
// threads take turns on the cores (int8 images/s halved on 2 cores). Each block brings its
// own scratch memory, so calls from several threads at once are safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/tensor/gemm.h"

namespace shoebox::ops {

enum class OnednnType { kFloat32, kBf16, kInt8 };  // product_tuner.h: OnednnTypeOf
const char* OnednnTypeName(OnednnType type);       // "float32", "bf16", "int8"

// Whether this CPU (as capped by ONEDNN_MAX_CPU_ISA) runs the type natively.
bool OnednnSupports(OnednnType type);
// The instruction set oneDNN generates code for here, e.g. "avx512_core_bf16".
std::string OnednnIsa();
// "oneDNN 2.6.3".
std::string OnednnVersion();

class OnednnWeights {
 public:
  OnednnWeights() = default;
  // From W[out, in] (nn.Linear layout). Empty when the type is not supported here.
  static OnednnWeights Make(const float* w, int64_t out, int64_t in, OnednnType type);
  // From packed float32 weights (their layout read back).
  static OnednnWeights Make(const PackedWeights& w, OnednnType type);
  bool empty() const { return !m_; }
  int64_t out() const;
  int64_t in() const;
  OnednnType type() const;
  size_t bytes() const;  // the reordered weights (and scales)
  // The implementation oneDNN chose for this many rows, e.g. "brg:avx512_core_vnni".
  std::string Implementation(int64_t rows) const;

  struct Matrix;

 private:
  friend void Linear(const float*, int64_t, const OnednnWeights&, const float*, float*,
                     const LinearOptions&);
  std::shared_ptr<Matrix> m_;
};

// y[rows, out] = act(x[rows, in] * W^T + bias) (bias may be null), options as in gemm.h.
void Linear(const float* x, int64_t rows, const OnednnWeights& w, const float* bias, float* y,
            const LinearOptions& options = {});

}  // namespace shoebox::ops
