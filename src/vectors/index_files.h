// The files a model's vector index keeps beside the catalog, all derived from it (the catalog
// is the source of truth) and all checked before they are trusted:
//
//   "<catalog>.model-<id>.vectors"    the vectors, memory-mapped by queries
//   "<catalog>.model-<id>.hnsw"       the HNSW graph, in hnswlib's own format
//   "<catalog>.model-<id>.hnsw.ids"   the asset ids the graph holds, and the graph's checksum
//
// Vector file (little-endian): a 64-byte header {magic "SBXVEC02", u32 dim, u32 reserved,
// i64 count, id_sum, id_hash, max_id (the VectorSetVersion it was written from), u64 checksum,
// 8 bytes reserved}, then count i64 asset ids ascending, then count x dim float32 rows. The
// checksum is XXH3-64 of the header (checksum field zeroed) and everything after it. Loading
// 200,000 vectors from SQLite rows costs ~3 s (each 2 KB vector sits on its own overflow
// pages); mapping and checking this file costs ~0.1 s.
//
// Ids file: {magic "SBHNSW3\0", i64 max_label (the largest label the graph ever held: hnswlib
// keeps removed labels, so a new vector must never reuse one), u64 graph_size, u64 graph_xxh3,
// u64 checksum of the ids that follow}, then the asset ids ascending.
//
// Graph file: hnswlib 0.6.2's saveIndex layout (a 96-byte header; cur_element_count records of
// size_data_per_element bytes {u32 link count (low 16 bits) + delete mark, maxM0 u32 links,
// dim float32, u64 label}; then per element a u32 byte size of its upper levels followed by
// that many bytes, maxM links + count per level). hnswlib trusts every offset in it, so a
// graph is used only when its checksum matches the ids file and ValidateHnswGraph accepted
// every count, level and link.
//
// A file that is missing, of an older format, damaged or stale is never used: it is rebuilt
// from the catalog. Files are replaced atomically (temporary file + rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/embedding_store.h"

namespace shoebox::vectors {

std::filesystem::path VectorFilePath(const std::filesystem::path& catalog, int64_t model_id);
std::filesystem::path GraphFilePath(const std::filesystem::path& catalog, int64_t model_id);
std::filesystem::path GraphIdsPath(const std::filesystem::path& catalog, int64_t model_id);

// Why a file cannot be used. kDamaged is the one worth telling the user about (a disk or
// power problem); the others are the normal life of a derived file.
enum class FileProblem { kNone, kMissing, kOldFormat, kDamaged };

// Says once per process and path, on stderr, that a file was damaged and will be rebuilt.
void ReportDamagedOnce(const std::filesystem::path& path, const std::string& reason);

struct MappedVectors {
  std::shared_ptr<const void> owner;  // keeps the mapping alive
  const int64_t* ids = nullptr;
  const float* rows = nullptr;
  int64_t count = 0, dim = 0;
  VectorSetVersion version;
};

// The file's contents when it is well-formed, its checksum matches and it has dimension dim.
// On failure *problem (when given) says which kind of failure it was.
Result<MappedVectors> MapVectorFile(const std::filesystem::path& path, int64_t dim,
                                    FileProblem* problem = nullptr);
Status WriteVectorFile(const std::filesystem::path& path, const VectorSetVersion& version,
                       int64_t dim, const int64_t* ids, const float* rows, int64_t count);

struct GraphIds {
  int64_t max_label = 0;
  uint64_t graph_size = 0, graph_xxh3 = 0;
  std::vector<int64_t> ids;
};
Result<GraphIds> ReadGraphIds(const std::filesystem::path& path, FileProblem* problem = nullptr);
Status WriteGraphIds(const std::filesystem::path& path, const GraphIds& ids);

// XXH3-64 and size of a whole file, read through the descriptor fd from its start.
struct FileDigest {
  uint64_t size = 0, xxh3 = 0;
};
Result<FileDigest> DigestFile(int fd, const std::filesystem::path& name);

// Checks an hnswlib graph image (the whole file in memory) for a space of dimension dim:
// header fields consistent with each other and with dim, every link count within its level's
// capacity, every link naming an element that exists on that level, the entry point on the
// top level, and the file ending where the last element's levels end. What it accepts,
// hnswlib can load and search without reading outside what it allocated.
Status ValidateHnswGraph(const uint8_t* data, size_t size, int64_t dim);

}  // namespace shoebox::vectors
