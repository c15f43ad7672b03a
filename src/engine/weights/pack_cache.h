// Weights already packed for this CPU's matrix kernel, kept on disk so that a model loads in
// milliseconds after its first load: the first load packs every matrix from the checkpoint
// (a transposing copy of ~600 MB for ViT-B/32, most of the load time) and writes them to one
// file; later loads map that file and hand its pages to the kernels as they are.
//
// The file is named after a key that covers the checkpoint files (path, size, mtime, inode),
// the kernel and this format's version, so a changed checkpoint or another CPU never reads a
// stale layout. It is ours but lives in a cache directory anyone may tamper with (and on a
// disk that may lose bits): every offset and size is checked before use, and a file that
// fails any check is ignored (and replaced by the next load); each matrix's floats carry an
// XXH3-64 checked before the matrix is used (about 0.1 s for ViT-B's 600 MB), and a matrix
// that fails it is packed again from the checkpoint and the file rewritten.
//
// Layout: 64-byte header ("SBXPACK2", count, the key's hash, the kernel's name), then per
// matrix {out, in, floats, offset (int64 each), xxh3 of the floats (uint64), name length
// (uint32), name}, then the floats of each matrix at a 4096-byte aligned offset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/tensor/gemm.h"

namespace shoebox::engine {

class PackCache {
 public:
  // dir: where cache files live (created on Save). checkpoint_files: the weight files the
  // packed matrices come from.
  static std::unique_ptr<PackCache> Open(
      const std::filesystem::path& dir, const std::vector<std::filesystem::path>& checkpoint_files);
  // The packed matrix `name` from the file when it holds it with these dimensions, else
  // make() (remembered for Save).
  ops::PackedWeights Get(const std::string& name, int64_t out, int64_t in,
                         const std::function<ops::PackedWeights()>& make);
  // After a complete load: writes the file if anything had to be packed. Atomic.
  Status Save() const;
  const std::filesystem::path& path() const { return path_; }
  int64_t hits() const { return hits_; }
  int64_t misses() const { return static_cast<int64_t>(made_.size()); }

 private:
  struct Entry {
    int64_t out = 0, in = 0, floats = 0, offset = 0;
    uint64_t xxh3 = 0;
  };
  bool Map();  // false: no usable file
  std::filesystem::path path_;
  std::string key_hash_, kernel_;
  std::shared_ptr<const void> mapping_;
  const uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  std::map<std::string, Entry> entries_;
  std::vector<std::pair<std::string, ops::PackedWeights>> made_;
  int64_t hits_ = 0;
  bool reported_damage_ = false;
};

}  // namespace shoebox::engine
