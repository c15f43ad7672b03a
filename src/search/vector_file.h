// One model's vectors as one contiguous file beside the catalog, memory-mapped by queries:
// "<catalog>.model-<id>.vectors". Loading 200,000 vectors from SQLite rows costs ~3 s (each
// 2 KB vector sits on its own overflow pages); mapping this file costs milliseconds.
//
// Layout (little-endian): a 64-byte header {magic "SBXVEC01", u32 dim, u32 reserved,
// i64 count, id_sum, id_hash, max_id (the VectorSetVersion it was written from), 16 bytes
// reserved}, then count i64 asset ids ascending, then count x dim float32 rows.
//
// The catalog stays the source of truth: a file whose version differs from the catalog's is
// stale, and is extended (only vectors of newer assets were added: the common case while
// `index` runs) or rewritten. Files are replaced atomically; a malformed or truncated file
// is treated as missing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "base/status.h"
#include "catalog/embedding_store.h"

namespace shoebox::search {

struct MappedVectors {
  std::shared_ptr<const void> owner;  // keeps the mapping alive
  const int64_t* ids = nullptr;
  const float* rows = nullptr;
  int64_t count = 0, dim = 0;
  VectorSetVersion version;
};

// The file's contents when it is well-formed and has dimension dim.
Result<MappedVectors> MapVectorFile(const std::filesystem::path& path, int64_t dim);
Status WriteVectorFile(const std::filesystem::path& path, const VectorSetVersion& version, int64_t dim,
                       const int64_t* ids, const float* rows, int64_t count);

}  // namespace shoebox::search
