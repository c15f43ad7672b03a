// Reader for the safetensors format (Hugging Face), hostile-input safe.
//
// Layout: u64 little-endian N | N bytes of UTF-8 JSON header | tensor data.
// Header: { "<name>": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]},
//           ..., "__metadata__": {"key": "value", ...} (optional) }
// Offsets are relative to the first byte after the header; [begin, end) must lie inside the
// file, match dtype size x product(shape) exactly, and not overlap another tensor.
//
// Every check is done once at Open/Parse; afterwards TensorView data pointers are valid for
// the lifetime of the SafetensorsFile. Thread-safe for concurrent reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/mapped_file.h"
#include "base/status.h"

namespace shoebox {

enum class DType { kF64, kF32, kF16, kBF16, kI64, kI32, kI16, kI8, kU8, kBool };

const char* DTypeName(DType t);
size_t DTypeSize(DType t);

struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;  // inside the mapped file; not necessarily aligned
  size_t nbytes = 0;
  int64_t numel() const;
};

class SafetensorsFile {
 public:
  // Maps and validates a file. Errors name the file and the problem.
  static Result<std::unique_ptr<SafetensorsFile>> Open(const std::filesystem::path& path);
  // Validates bytes already in memory (which must outlive the result); label names them in
  // messages. The fuzz target's entry point.
  static Result<std::unique_ptr<SafetensorsFile>> Parse(const uint8_t* data, size_t size,
                                                        const std::string& label);

  // Opens model.safetensors.index.json's shards and serves them as one.
  static Result<std::unique_ptr<SafetensorsFile>> OpenSharded(
      const std::filesystem::path& index_json);
  // Tensors found by another reader (a PyTorch checkpoint); the caller keeps their memory
  // alive with KeepAlive.
  static std::unique_ptr<SafetensorsFile> FromViews(std::map<std::string, TensorView> views,
                                                    std::map<std::string, std::string> metadata);
  void KeepAlive(std::unique_ptr<MappedFile> file) { files_.push_back(std::move(file)); }

  const TensorView* Find(const std::string& name) const;
  // The caller has copied what it needs of t: its pages may leave this process's memory
  // (they stay in the page cache; a later read maps them again). No effect on tensors not
  // inside a file this object mapped.
  void DoneWith(const TensorView& t) const;
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // Largest header we accept: real checkpoints use well under 1 MB.
  static constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

 private:
  SafetensorsFile() = default;
  std::vector<std::unique_ptr<MappedFile>> files_;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

// Copies a tensor to float32, converting F16/BF16/F64. Refuses integer dtypes.
Result<std::vector<float>> ToFloat32(const TensorView& t);
float HalfToFloat(uint16_t h);
float BFloat16ToFloat(uint16_t b);

}  // namespace shoebox
