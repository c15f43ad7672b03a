// libFuzzer target for the PyTorch checkpoint reader (zip directory + restricted unpickler).
// Seed corpus: fuzz/corpus/torch_checkpoint/.
#include <cstddef>
#include <cstdint>

#include "engine/weights/torch_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = shoebox::ParseTorchCheckpoint(data, size, "fuzz");
  if (f.ok()) {
    for (const auto& [name, t] : (*f)->tensors()) {
      if (t.dtype == shoebox::DType::kF32 || t.dtype == shoebox::DType::kF16)
        (void)shoebox::ToFloat32(t);
    }
  }
  return 0;
}
