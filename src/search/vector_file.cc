#include "search/vector_file.h"

#include <cstring>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/mapped_file.h"

namespace shoebox::search {
namespace {

constexpr char kMagic[8] = {'S', 'B', 'X', 'V', 'E', 'C', '0', '1'};
constexpr size_t kHeader = 64;

struct Header {
  char magic[8];
  uint32_t dim, reserved;
  int64_t count, id_sum, id_hash, max_id, reserved2, reserved3;
};
static_assert(sizeof(Header) == kHeader);

}  // namespace

Result<MappedVectors> MapVectorFile(const std::filesystem::path& path, int64_t dim) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  const uint8_t* data = (*file)->data();
  const size_t size = (*file)->size();
  Header h;
  if (size < kHeader) return Corrupt(path.string() + ": shorter than its header");
  std::memcpy(&h, data, kHeader);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return Corrupt(path.string() + ": not a shoebox vector file");
  if (h.dim != dim) return Corrupt(path.string() + ": vectors have " + std::to_string(h.dim) + " dimensions, not " + std::to_string(dim));
  if (h.count < 0 || dim <= 0 || static_cast<uint64_t>(h.count) > (size - kHeader) / 8 ||
      kHeader + static_cast<uint64_t>(h.count) * (8 + 4 * static_cast<uint64_t>(dim)) != size)
    return Corrupt(path.string() + ": size does not match its header (truncated?)");
  MappedVectors m;
  m.count = h.count;
  m.dim = dim;
  m.version = {h.count, h.id_sum, h.id_hash, h.max_id};
  m.ids = reinterpret_cast<const int64_t*>(data + kHeader);
  m.rows = reinterpret_cast<const float*>(data + kHeader + 8 * h.count);
  m.owner = std::shared_ptr<const void>(std::move(*file));
  return m;
}

Status WriteVectorFile(const std::filesystem::path& path, const VectorSetVersion& version, int64_t dim,
                       const int64_t* ids, const float* rows, int64_t count) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.dim = static_cast<uint32_t>(dim);
  h.count = count;
  h.id_sum = version.id_sum;
  h.id_hash = version.id_hash;
  h.max_id = version.max_id;
  const size_t ids_bytes = static_cast<size_t>(count) * 8, rows_bytes = static_cast<size_t>(count * dim) * 4;
  std::vector<uint8_t> out(kHeader + ids_bytes + rows_bytes);
  std::memcpy(out.data(), &h, kHeader);
  if (count > 0) {
    std::memcpy(out.data() + kHeader, ids, ids_bytes);
    std::memcpy(out.data() + kHeader + ids_bytes, rows, rows_bytes);
  }
  return WriteFileAtomic(path, out.data(), out.size());
}

}  // namespace shoebox::search
