// Approximate nearest neighbours for large libraries: a hierarchical navigable small-world
// graph (hnswlib, Debian's libhnswlib-dev) over inner products of normalised vectors.
// Built in parallel on the compute pool; saved to and loaded from a file. Distances run in our
// AVX2+FMA kernel when the CPU has it (Debian's hnswlib is header-only and we build for any
// x86-64, so its own kernels would be SSE only).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "base/status.h"
#include "vectors/flat_index.h"
#include "vectors/index_files.h"

namespace hnswlib {
template <typename T>
class HierarchicalNSW;
template <typename T>
class SpaceInterface;
}  // namespace hnswlib

namespace shoebox::vectors {

struct HnswParams {
  int m = 32;                 // links per node
  int ef_construction = 200;  // candidate list while building
  int ef_search = 128;        // candidate list while searching (recall vs speed)
};

// Each vector carries a label (the searcher uses asset ids), so the graph can grow and lose
// vectors without renumbering: Add appends, Remove hides (hnswlib's delete mark; the node
// stays in the graph as a waypoint until the next rebuild).
class HnswIndex {
 public:
  ~HnswIndex();
  // rows: [n, dim] L2-normalised; row i gets labels[i] (labels null: i).
  static Result<std::unique_ptr<HnswIndex>> Build(const float* rows, const int64_t* labels,
                                                  int64_t n, int64_t dim, const HnswParams& p);
  // A graph saved by Save. expected: the size and XXH3 the file must have (from the ids file,
  // see index_files.h); null skips that check (fuzzing). The file is read once through one
  // descriptor, checked by ValidateHnswGraph, and only then handed to hnswlib, which trusts
  // every offset in it. Anything wrong is kCorrupt, never a crash.
  static Result<std::unique_ptr<HnswIndex>> Load(const std::filesystem::path& file, int64_t dim,
                                                 const HnswParams& p, const FileDigest* expected);
  Status Save(const std::filesystem::path& file) const;

  // New vectors with labels the graph has never had (a label it had is refused by hnswlib's
  // design: it would silently overwrite). Parallel on the compute pool.
  Status Add(const float* rows, const int64_t* labels, int64_t n);
  Status Remove(int64_t label);

  // The k nearest, best first; Hit::row is the vector's label.
  std::vector<Hit> Search(const float* query, int64_t k) const;
  int64_t size() const;  // vectors present (added minus removed)
  // The labels present, ascending.
  std::vector<int64_t> Labels() const;
  int m() const;
  void set_ef(int ef);

 private:
  HnswIndex() = default;
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  HnswParams params_;
  int64_t dim_ = 0;
};

}  // namespace shoebox::vectors
