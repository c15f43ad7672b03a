// libFuzzer target for the safetensors reader: any bytes must give a Status, never a crash
// or an out-of-bounds read (run under ASan). Seed corpus: fuzz/corpus/safetensors/.
#include <cstddef>
#include <cstdint>

#include "engine/weights/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = shoebox::SafetensorsFile::Parse(data, size, "fuzz");
  if (f.ok()) {
    for (const auto& [name, t] : (*f)->tensors()) {
      auto floats = shoebox::ToFloat32(t);  // touches every byte of every tensor
      (void)floats;
    }
  }
  return 0;
}
