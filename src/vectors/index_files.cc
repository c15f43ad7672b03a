#include "vectors/index_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/mapped_file.h"

namespace shoebox::vectors {
namespace {

constexpr char kVectorMagic[8] = {'S', 'B', 'X', 'V', 'E', 'C', '0', '2'};
constexpr char kVectorMagicV1[8] = {'S', 'B', 'X', 'V', 'E', 'C', '0', '1'};
constexpr size_t kVectorHeader = 64;

struct VectorHeader {
  char magic[8];
  uint32_t dim, reserved;
  int64_t count, id_sum, id_hash, max_id;
  uint64_t checksum, reserved2;
};
static_assert(sizeof(VectorHeader) == kVectorHeader);

uint64_t VectorChecksum(VectorHeader h, const uint8_t* body, size_t body_size) {
  h.checksum = 0;
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, &h, sizeof h);
  XXH3_64bits_update(state, body, body_size);
  const uint64_t sum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return sum;
}

constexpr char kIdsMagic[8] = {'S', 'B', 'H', 'N', 'S', 'W', '3', '\0'};
constexpr size_t kIdsHeader = 40;

Result<MappedVectors> Fail(FileProblem* problem, FileProblem kind, Status status) {
  if (problem) *problem = kind;
  return status;
}

}  // namespace

std::filesystem::path VectorFilePath(const std::filesystem::path& catalog, int64_t model_id) {
  return catalog.string() + ".model-" + std::to_string(model_id) + ".vectors";
}
std::filesystem::path GraphFilePath(const std::filesystem::path& catalog, int64_t model_id) {
  return catalog.string() + ".model-" + std::to_string(model_id) + ".hnsw";
}
std::filesystem::path GraphIdsPath(const std::filesystem::path& catalog, int64_t model_id) {
  return catalog.string() + ".model-" + std::to_string(model_id) + ".hnsw.ids";
}

void ReportDamagedOnce(const std::filesystem::path& path, const std::string& reason) {
  static std::mutex mu;
  static std::set<std::string> told;
  std::lock_guard lock(mu);
  if (!told.insert(path.string()).second) return;
  std::fprintf(stderr, "shoebox: %s is damaged (%s): not used; it is rebuilt from the catalog\n",
               path.c_str(), reason.c_str());
}

Result<MappedVectors> MapVectorFile(const std::filesystem::path& path, int64_t dim,
                                    FileProblem* problem) {
  if (problem) *problem = FileProblem::kNone;
  auto file = MappedFile::Open(path);
  if (!file.ok())
    return Fail(problem,
                file.status().code() == StatusCode::kNotFound ? FileProblem::kMissing
                                                              : FileProblem::kDamaged,
                file.status());
  const uint8_t* data = (*file)->data();
  const size_t size = (*file)->size();
  VectorHeader h;
  if (size < kVectorHeader)
    return Fail(problem, FileProblem::kDamaged,
                Corrupt(path.string() + ": shorter than its header"));
  std::memcpy(&h, data, kVectorHeader);
  if (std::memcmp(h.magic, kVectorMagicV1, sizeof kVectorMagicV1) == 0)
    return Fail(problem, FileProblem::kOldFormat,
                Corrupt(path.string() + ": an older vector file (no checksum)"));
  if (std::memcmp(h.magic, kVectorMagic, sizeof kVectorMagic) != 0)
    return Fail(problem, FileProblem::kDamaged,
                Corrupt(path.string() + ": not a shoebox vector file"));
  if (dim <= 0 || h.dim != dim)
    return Fail(problem, FileProblem::kOldFormat,
                Corrupt(path.string() + ": vectors have " + std::to_string(h.dim) +
                        " dimensions, not " + std::to_string(dim)));
  if (h.count < 0 || static_cast<uint64_t>(h.count) > (size - kVectorHeader) / 8 ||
      kVectorHeader + static_cast<uint64_t>(h.count) * (8 + 4 * static_cast<uint64_t>(dim)) != size)
    return Fail(problem, FileProblem::kDamaged,
                Corrupt(path.string() + ": size does not match its header (truncated?)"));
  if (VectorChecksum(h, data + kVectorHeader, size - kVectorHeader) != h.checksum)
    return Fail(problem, FileProblem::kDamaged, Corrupt(path.string() + ": checksum mismatch"));
  MappedVectors m;
  m.count = h.count;
  m.dim = dim;
  m.version = {h.count, h.id_sum, h.id_hash, h.max_id};
  m.ids = reinterpret_cast<const int64_t*>(data + kVectorHeader);
  m.rows = reinterpret_cast<const float*>(data + kVectorHeader + 8 * h.count);
  if (!std::is_sorted(m.ids, m.ids + m.count))
    return Fail(problem, FileProblem::kDamaged,
                Corrupt(path.string() + ": asset ids out of order"));
  m.owner = std::shared_ptr<const void>(std::move(*file));
  return m;
}

Status WriteVectorFile(const std::filesystem::path& path, const VectorSetVersion& version,
                       int64_t dim, const int64_t* ids, const float* rows, int64_t count) {
  VectorHeader h{};
  std::memcpy(h.magic, kVectorMagic, sizeof kVectorMagic);
  h.dim = static_cast<uint32_t>(dim);
  h.count = count;
  h.id_sum = version.id_sum;
  h.id_hash = version.id_hash;
  h.max_id = version.max_id;
  const size_t ids_bytes = static_cast<size_t>(count) * 8,
               rows_bytes = static_cast<size_t>(count * dim) * 4;
  std::vector<uint8_t> out(kVectorHeader + ids_bytes + rows_bytes);
  if (count > 0) {
    std::memcpy(out.data() + kVectorHeader, ids, ids_bytes);
    std::memcpy(out.data() + kVectorHeader + ids_bytes, rows, rows_bytes);
  }
  h.checksum = VectorChecksum(h, out.data() + kVectorHeader, out.size() - kVectorHeader);
  std::memcpy(out.data(), &h, kVectorHeader);
  return WriteFileAtomic(path, out.data(), out.size());
}

Result<GraphIds> ReadGraphIds(const std::filesystem::path& path, FileProblem* problem) {
  auto fail = [&](FileProblem kind, Status s) -> Result<GraphIds> {
    if (problem) *problem = kind;
    return s;
  };
  if (problem) *problem = FileProblem::kNone;
  auto bytes = ReadWholeFile(path, uint64_t{1} << 34);
  if (!bytes.ok())
    return fail(bytes.status().code() == StatusCode::kNotFound ? FileProblem::kMissing
                                                               : FileProblem::kDamaged,
                bytes.status());
  if (bytes->size() >= 8 && std::memcmp(bytes->data(), kIdsMagic, 6) == 0 && (*bytes)[6] < '3')
    return fail(FileProblem::kOldFormat,
                Corrupt(path.string() + ": an older graph id file (no checksum)"));
  if (bytes->size() < kIdsHeader || (bytes->size() - kIdsHeader) % 8 != 0 ||
      std::memcmp(bytes->data(), kIdsMagic, 8) != 0)
    return fail(FileProblem::kDamaged, Corrupt(path.string() + ": not a shoebox graph id file"));
  GraphIds g;
  uint64_t ids_sum = 0;
  std::memcpy(&g.max_label, bytes->data() + 8, 8);
  std::memcpy(&g.graph_size, bytes->data() + 16, 8);
  std::memcpy(&g.graph_xxh3, bytes->data() + 24, 8);
  std::memcpy(&ids_sum, bytes->data() + 32, 8);
  if (XXH3_64bits(bytes->data() + kIdsHeader, bytes->size() - kIdsHeader) != ids_sum)
    return fail(FileProblem::kDamaged, Corrupt(path.string() + ": checksum mismatch"));
  g.ids.resize((bytes->size() - kIdsHeader) / 8);
  if (!g.ids.empty())
    std::memcpy(g.ids.data(), bytes->data() + kIdsHeader, bytes->size() - kIdsHeader);
  if (!std::is_sorted(g.ids.begin(), g.ids.end()) || (!g.ids.empty() && g.ids.back() > g.max_label))
    return fail(FileProblem::kDamaged, Corrupt(path.string() + ": ids out of order"));
  return g;
}

Status WriteGraphIds(const std::filesystem::path& path, const GraphIds& g) {
  std::vector<uint8_t> out(kIdsHeader + g.ids.size() * 8);
  if (!g.ids.empty()) std::memcpy(out.data() + kIdsHeader, g.ids.data(), g.ids.size() * 8);
  const uint64_t ids_sum = XXH3_64bits(out.data() + kIdsHeader, out.size() - kIdsHeader);
  std::memcpy(out.data(), kIdsMagic, 8);
  std::memcpy(out.data() + 8, &g.max_label, 8);
  std::memcpy(out.data() + 16, &g.graph_size, 8);
  std::memcpy(out.data() + 24, &g.graph_xxh3, 8);
  std::memcpy(out.data() + 32, &ids_sum, 8);
  return WriteFileAtomic(path, out.data(), out.size());
}

Result<FileDigest> DigestFile(int fd, const std::filesystem::path& name) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return IoError(name.string() + ": " + ErrnoText(errno));
  if (!S_ISREG(st.st_mode)) return Corrupt(name.string() + ": not a regular file");
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(total));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      XXH3_freeState(state);
      return IoError(name.string() + ": " + ErrnoText(errno));
    }
    if (n == 0) break;
    XXH3_64bits_update(state, buf.data(), static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
  }
  FileDigest d{total, XXH3_64bits_digest(state)};
  XXH3_freeState(state);
  return d;
}

namespace {

// hnswlib 0.6.2's header, field by field as saveIndex writes them.
struct HnswHeader {
  uint64_t offset_level0, max_elements, count, size_data, label_offset, offset_data;
  int32_t max_level;
  uint32_t entry_point;
  uint64_t max_m, max_m0, m;
  double mult;
  uint64_t ef_construction;
};
static_assert(sizeof(HnswHeader) == 96);

uint16_t LinkCount(const uint8_t* list) {
  uint16_t n;
  std::memcpy(&n, list, 2);
  return n;
}
uint32_t Link(const uint8_t* list, size_t j) {
  uint32_t v;
  std::memcpy(&v, list + 4 + 4 * j, 4);
  return v;
}

}  // namespace

Status ValidateHnswGraph(const uint8_t* data, size_t size, int64_t dim) {
  auto bad = [](const std::string& what) { return Corrupt("HNSW graph: " + what); };
  if (size < sizeof(HnswHeader)) return bad("shorter than its header");
  if (dim <= 0 || dim > 65536) return bad("dimension out of range");
  HnswHeader h;
  std::memcpy(&h, data, sizeof h);
  if (h.m < 2 || h.m > 4096 || h.max_m != h.m || h.max_m0 != 2 * h.m)
    return bad("link counts M / maxM / maxM0 disagree");
  if (!(std::abs(h.mult * std::log(static_cast<double>(h.m)) - 1.0) < 1e-9))
    return bad("level multiplier is not 1/ln(M)");
  if (h.ef_construction < h.m || h.ef_construction > (1u << 20))
    return bad("ef_construction out of range");
  const uint64_t links0 = h.max_m0 * 4 + 4, links = h.max_m * 4 + 4;
  const uint64_t vector_bytes = static_cast<uint64_t>(dim) * 4;
  if (h.offset_level0 != 0 || h.offset_data != links0 || h.label_offset != links0 + vector_bytes ||
      h.size_data != links0 + vector_bytes + 8)
    return bad("record layout does not match the dimension and M");
  if (h.count > (size - sizeof h) / h.size_data) return bad("more elements than the file holds");
  // Save writes graphs whose capacity is exactly their size (Build and Add size them so).
  if (h.max_elements < h.count || h.max_elements > std::max<uint64_t>(h.count, 1))
    return bad("capacity out of range");
  if (h.count == 0) {
    if (size != sizeof h) return bad("trailing bytes after an empty graph");
    return Status::Ok();
  }
  if (h.entry_point >= h.count || h.max_level < 0 || h.max_level > 64)
    return bad("entry point or top level out of range");
  const uint8_t* level0 = data + sizeof h;
  const uint64_t count = h.count;
  // Level 0: every element's list within capacity, every link an element.
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t* list = level0 + i * h.size_data;
    const uint16_t n = LinkCount(list);
    if (n > h.max_m0) return bad("element " + std::to_string(i) + " has too many links");
    for (uint16_t j = 0; j < n; ++j)
      if (Link(list, j) >= count)
        return bad("element " + std::to_string(i) + " links outside the graph");
  }
  // Upper levels: first every element's level, then their links.
  std::vector<uint8_t> levels(count);
  std::vector<uint64_t> starts(count);
  uint64_t pos = sizeof h + count * h.size_data;
  for (uint64_t i = 0; i < count; ++i) {
    if (size - pos < 4) return bad("ends inside the level lists");
    uint32_t bytes;
    std::memcpy(&bytes, data + pos, 4);
    pos += 4;
    if (bytes % links != 0 || bytes / links > static_cast<uint64_t>(h.max_level) ||
        bytes > size - pos)
      return bad("element " + std::to_string(i) + " has a malformed level list");
    levels[i] = static_cast<uint8_t>(bytes / links);
    starts[i] = pos;
    pos += bytes;
  }
  if (pos != size) return bad("trailing bytes after the level lists");
  if (levels[h.entry_point] != h.max_level) return bad("the entry point is not on the top level");
  for (uint64_t i = 0; i < count; ++i)
    for (uint32_t level = 1; level <= levels[i]; ++level) {
      const uint8_t* list = data + starts[i] + (level - 1) * links;
      const uint16_t n = LinkCount(list);
      if (n > h.max_m)
        return bad("element " + std::to_string(i) + " has too many links on level " +
                   std::to_string(level));
      for (uint16_t j = 0; j < n; ++j) {
        const uint32_t to = Link(list, j);
        if (to >= count || levels[to] < level)
          return bad("element " + std::to_string(i) + " links to an element missing from level " +
                     std::to_string(level));
      }
    }
  return Status::Ok();
}

}  // namespace shoebox::vectors
