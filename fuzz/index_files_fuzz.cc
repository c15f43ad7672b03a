// libFuzzer target for the files a vector index keeps beside the catalog (vectors/index_files.h):
// the vector file, the graph's id file, and the HNSW graph itself. Each must be rejected or
// used safely, never crash or read outside what was allocated. The checksums would reject
// nearly every mutation at once, so the graph goes through the structural check alone
// (ValidateHnswGraph): whatever it accepts is loaded by hnswlib and searched, as a query
// would. Seeds (fuzz/corpus/index_files/): a small graph of 40 vectors of 16 dimensions.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "vectors/hnsw_index.h"
#include "vectors/index_files.h"

// The dispatch lives in flat_index.cc, whose CPU-feature test clang 14 cannot compile
// ("f16c"); the graph's distance kernel does not matter to reading files: the portable one.
namespace shoebox::vectors::internal {
bool UseDotAvx2() { return false; }
}  // namespace shoebox::vectors::internal

namespace {
void Write(const std::filesystem::path& file, const uint8_t* data, size_t size) {
  if (std::FILE* f = std::fopen(file.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shoebox::vectors;
  constexpr int64_t kDim = 16;
  static const std::filesystem::path dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("index_files_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const auto file = dir / "input";
  Write(file, data, size);
  volatile float sum = 0;
  if (auto v = MapVectorFile(file, kDim); v.ok())
    for (int64_t i = 0; i < v->count * kDim; ++i)
      sum = sum + v->rows[i] + static_cast<float>(v->ids[i / kDim]);
  if (auto ids = ReadGraphIds(file); ids.ok())
    for (int64_t id : ids->ids) sum = sum + static_cast<float>(id);
  if (ValidateHnswGraph(data, size, kDim).ok()) {
    auto graph =
        HnswIndex::Load(file, kDim, {.m = 4, .ef_construction = 20, .ef_search = 16}, nullptr);
    if (!graph.ok()) __builtin_trap();  // validated, yet hnswlib refused it
    std::vector<float> query(kDim, 0.25f);
    for (const auto& hit : (*graph)->Search(query.data(), 10)) sum = sum + hit.score;
    for (int64_t label : (*graph)->Labels()) sum = sum + static_cast<float>(label);
  }
  return 0;
}
