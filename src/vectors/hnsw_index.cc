#include "vectors/hnsw_index.h"

#include <fcntl.h>
#include <hnswlib/hnswlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <exception>

#include "base/file_io.h"
#include "engine/tensor/compute_pool.h"
#include "vectors/dot_kernels.h"

namespace shoebox::vectors {
namespace {

// hnswlib's inner-product space with the distance chosen at run time.
class DispatchedInnerProductSpace : public hnswlib::SpaceInterface<float> {
 public:
  explicit DispatchedInnerProductSpace(size_t dim) : dim_(dim) {}
  size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return internal::InnerProductDistanceAvx2; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
};

std::unique_ptr<hnswlib::SpaceInterface<float>> MakeSpace(int64_t dim) {
  if (internal::UseDotAvx2())
    return std::make_unique<DispatchedInnerProductSpace>(static_cast<size_t>(dim));
  return std::make_unique<hnswlib::InnerProductSpace>(static_cast<size_t>(dim));
}

}  // namespace

HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::Build(const float* rows, const int64_t* labels,
                                                    int64_t n, int64_t dim, const HnswParams& p) {
  std::unique_ptr<HnswIndex> index(new HnswIndex());
  index->params_ = p;
  index->dim_ = dim;
  try {
    index->space_ = MakeSpace(dim);
    index->graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        index->space_.get(), static_cast<size_t>(std::max<int64_t>(n, 1)), static_cast<size_t>(p.m),
        static_cast<size_t>(p.ef_construction));
    index->graph_->setEf(static_cast<size_t>(p.ef_search));
  } catch (const std::exception& e) {
    return Internal(std::string("building the HNSW index: ") + e.what());
  }
  std::vector<int64_t> own;
  if (!labels) {
    own.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) own[static_cast<size_t>(i)] = i;
    labels = own.data();
  }
  SHOEBOX_RETURN_IF_ERROR(index->Add(rows, labels, n));
  return index;
}

Status HnswIndex::Add(const float* rows, const int64_t* labels, int64_t n) {
  if (n <= 0) return Status::Ok();
  const int64_t dim = dim_;
  try {
    const size_t needed = graph_->cur_element_count + static_cast<size_t>(n);
    if (needed > graph_->max_elements_) graph_->resizeIndex(needed);
    int64_t first = 0;
    if (graph_->cur_element_count == 0) {  // the entry point alone, then in parallel
      graph_->addPoint(rows, static_cast<hnswlib::labeltype>(labels[0]));
      first = 1;
    }
    std::exception_ptr failure;
    constexpr int64_t kChunk = 256;
    ops::ParallelFor((n - first + kChunk - 1) / kChunk, [&](int64_t c) {
      try {
        for (int64_t i = first + c * kChunk; i < std::min(n, first + (c + 1) * kChunk); ++i)
          graph_->addPoint(rows + i * dim, static_cast<hnswlib::labeltype>(labels[i]));
      } catch (...) {
        failure = std::current_exception();
      }
    });
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return Internal(std::string("adding to the HNSW index: ") + e.what());
  }
  return Status::Ok();
}

Status HnswIndex::Remove(int64_t label) {
  try {
    graph_->markDelete(static_cast<hnswlib::labeltype>(label));
  } catch (const std::exception& e) {
    return NotFound("HNSW index: label " + std::to_string(label) + ": " + e.what());
  }
  return Status::Ok();
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::Load(const std::filesystem::path& file, int64_t dim,
                                                   const HnswParams& p,
                                                   const FileDigest* expected) {
  // One descriptor for the checks and for hnswlib (through /dev/fd/N): an `index` replacing
  // the graph meanwhile cannot slip an unchecked file in between.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? NotFound(file.string() + ": no graph")
                           : IoError(file.string() + ": " + ErrnoText(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return Corrupt(file.string() + ": not a regular file");
  const size_t size = static_cast<size_t>(st.st_size);
  if (expected && expected->size != size)
    return Corrupt(file.string() + ": " + std::to_string(size) + " bytes where " +
                   std::to_string(expected->size) + " were written (truncated?)");
  if (size == 0) return Corrupt(file.string() + ": empty");
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return IoError(file.string() + ": cannot map: " + ErrnoText(errno));
  const auto* bytes = static_cast<const uint8_t*>(map);
  Status checked = Status::Ok();
  if (expected && XXH3_64bits(bytes, size) != expected->xxh3)
    checked = Corrupt(file.string() + ": checksum mismatch");
  if (checked.ok()) {
    checked = ValidateHnswGraph(bytes, size, dim);
    if (!checked.ok()) checked = Corrupt(file.string() + ": " + checked.message());
  }
  ::munmap(map, size);
  SHOEBOX_RETURN_IF_ERROR(checked);
  std::unique_ptr<HnswIndex> index(new HnswIndex());
  index->params_ = p;
  index->dim_ = dim;
  try {
    index->space_ = MakeSpace(dim);
    index->graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        index->space_.get(), "/dev/fd/" + std::to_string(fd));
    // hnswlib 0.6.2's loader adds to a num_deleted_ it never zeroed: count again.
    index->graph_->num_deleted_ = 0;
    for (size_t i = 0; i < index->graph_->cur_element_count; ++i)
      if (index->graph_->isMarkedDeleted(static_cast<hnswlib::tableint>(i)))
        ++index->graph_->num_deleted_;
    index->graph_->setEf(static_cast<size_t>(p.ef_search));
  } catch (const std::exception& e) {
    return Corrupt(file.string() + ": not a usable HNSW index (" + e.what() + ")");
  }
  return index;
}

std::vector<int64_t> HnswIndex::Labels() const {
  std::vector<int64_t> out;
  out.reserve(graph_->cur_element_count);
  for (size_t i = 0; i < graph_->cur_element_count; ++i)
    if (!graph_->isMarkedDeleted(static_cast<hnswlib::tableint>(i)))
      out.push_back(
          static_cast<int64_t>(graph_->getExternalLabel(static_cast<hnswlib::tableint>(i))));
  std::sort(out.begin(), out.end());
  return out;
}

Status HnswIndex::Save(const std::filesystem::path& file) const {
  try {
    graph_->saveIndex(file.string());
  } catch (const std::exception& e) {
    return IoError(file.string() + ": " + e.what());
  }
  return Status::Ok();
}

std::vector<Hit> HnswIndex::Search(const float* query, int64_t k) const {
  std::vector<Hit> out;
  if (k <= 0 || graph_->cur_element_count == 0) return out;
  auto found = graph_->searchKnn(query, static_cast<size_t>(k));
  while (!found.empty()) {
    // hnswlib's inner-product "distance" is 1 - dot.
    out.push_back({static_cast<int64_t>(found.top().second), 1.0f - found.top().first});
    found.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

int64_t HnswIndex::size() const {
  return static_cast<int64_t>(graph_->cur_element_count) -
         static_cast<int64_t>(graph_->num_deleted_);
}

int HnswIndex::m() const { return static_cast<int>(graph_->M_); }

void HnswIndex::set_ef(int ef) {
  params_.ef_search = ef;
  graph_->setEf(static_cast<size_t>(ef));
}

}  // namespace shoebox::vectors
