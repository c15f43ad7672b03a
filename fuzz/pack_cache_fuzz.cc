// libFuzzer target for the packed-weights cache reader (engine/weights/pack_cache.h): a cache
// file anyone could have written must be rejected or yield matrices that lie inside the file,
// never a crash or an out-of-bounds read (run under ASan). The input becomes the cache file of
// a fixed key (no checkpoint files), so the fuzzer can learn the header from the seed corpus
// (fuzz/corpus/pack_cache/: a valid file with matrices "a" and "b").
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/weights/pack_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pack_cache_fuzz_" + std::to_string(::getpid()));
  static const std::filesystem::path file = [] {
    std::filesystem::create_directories(dir);
    return shoebox::engine::PackCache::Open(dir, {})->path();
  }();
  if (std::FILE* f = std::fopen(file.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  auto cache = shoebox::engine::PackCache::Open(dir, {});
  volatile float sum = 0;
  for (const char* name : {"a", "b"}) {
    for (int64_t out : {4, 16, 33}) {
      auto w = cache->Get(name, out, 8, [] { return shoebox::ops::PackedWeights(); });
      for (int64_t i = 0; i < w.floats(); ++i) sum = sum + w.data()[i];
    }
  }
  return 0;
}
