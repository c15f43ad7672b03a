// Approximate nearest neighbours for large libraries: a hierarchical navigable small-world
// graph (hnswlib, Debian's libhnswlib-dev) over inner products of normalised vectors.
// Built in parallel on the compute pool; saved to and loaded from a file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "base/status.h"
#include "search/vector_index.h"

namespace hnswlib {
template <typename T>
class HierarchicalNSW;
class InnerProductSpace;
}  // namespace hnswlib

namespace shoebox::search {

struct HnswParams {
  int m = 32;                 // links per node
  int ef_construction = 200;  // candidate list while building
  int ef_search = 128;        // candidate list while searching (recall vs speed)
};

class HnswIndex {
 public:
  ~HnswIndex();
  // rows: [n, dim] L2-normalised; row i gets label i.
  static Result<std::unique_ptr<HnswIndex>> Build(const float* rows, int64_t n, int64_t dim, const HnswParams& p);
  static Result<std::unique_ptr<HnswIndex>> Load(const std::filesystem::path& file, int64_t dim, const HnswParams& p);
  Status Save(const std::filesystem::path& file) const;

  std::vector<Hit> Search(const float* query, int64_t k) const;
  int64_t size() const;
  void set_ef(int ef);

 private:
  HnswIndex() = default;
  std::unique_ptr<hnswlib::InnerProductSpace> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  HnswParams params_;
};

}  // namespace shoebox::search
