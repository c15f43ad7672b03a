// One interface over the ways a model's vectors are searched (FAISS's Index, in small): the
// exact scan (ExactIndex, over FlatIndex) and the HNSW graph (GraphIndex, over HnswIndex).
// Vectors carry labels (asset ids), so an index can gain and lose vectors without renumbering.
// Which one a model uses is its stored recipe (index_recipe.h): MakeIndex / LoadIndex are the
// one factory, and index_files.h the one place for the files' formats.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "base/status.h"
#include "catalog/embedding_store.h"
#include "vectors/flat_index.h"
#include "vectors/index_files.h"
#include "vectors/index_recipe.h"

namespace shoebox::vectors {

struct Neighbor {
  int64_t label = 0;  // asset id
  float score = 0;    // cosine similarity
};

// Which labels a search may return (FAISS's IDSelector): every one, every one but one (the
// query photo of "more like this"), or only a set (a filter's photos).
class LabelFilter {
 public:
  static LabelFilter All() { return LabelFilter(); }
  static LabelFilter AllBut(int64_t label) { return All().Exclude(label); }
  static LabelFilter Only(std::vector<int64_t> labels);  // any order
  // Leaves out one label more (of Only's set, or of all).
  LabelFilter& Exclude(int64_t label) {
    excluded_ = label;
    return *this;
  }
  bool is_all() const { return !only_ && !excluded_; }
  bool is_set() const { return only_; }  // Only(...): a graph cannot apply it
  bool Allows(int64_t label) const;
  const std::vector<int64_t>& labels() const { return labels_; }  // Only's, ascending
  std::optional<int64_t> excluded() const { return excluded_; }

 private:
  bool only_ = false;
  std::vector<int64_t> labels_;
  std::optional<int64_t> excluded_;
};

// Where an index's files go (index_files.h names them) and the set of catalog vectors they
// hold (written into the vector file, so a later load knows whether it is current).
struct IndexFiles {
  std::filesystem::path vectors, graph, graph_ids;
  VectorSetVersion version;
  static IndexFiles For(const std::filesystem::path& catalog, int64_t model_id,
                        const VectorSetVersion& version);
};

enum class IndexKind { kExact, kGraph };

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  virtual IndexKind kind() const = 0;
  virtual int64_t dim() const = 0;
  virtual int64_t size() const = 0;
  // The labels present, ascending.
  virtual std::vector<int64_t> Labels() const = 0;
  // rows: [n, dim] L2-normalised, labels new to the index and above every label it has held.
  virtual Status Add(const float* rows, const int64_t* labels, int64_t n) = 0;
  virtual Status Remove(int64_t label) = 0;
  // The k best allowed vectors, best first. A graph cannot apply an Only() filter before its
  // top-k: it answers kUnsupported, and the caller scans exactly.
  virtual Result<std::vector<Neighbor>> Search(const float* query, int64_t k,
                                               const LabelFilter& filter) const = 0;
  // Replaces this kind's files atomically (the exact index: the vector file; the graph: the
  // graph, then the ids file that vouches for it with its checksum).
  virtual Status Save(const IndexFiles& files) const = 0;
};

// The exact index over rows labelled by ids (ascending): FlatIndex's scan, rows in float32 or
// float16. owner, when set, keeps float32 rows alive in place (a mapped vector file).
std::unique_ptr<VectorIndex> MakeExactIndex(std::vector<int64_t> ids, const float* rows,
                                            int64_t dim, Storage storage,
                                            std::shared_ptr<const void> owner = nullptr);
// The exact index's scanner, for callers that need every score or a row (duplicates).
const FlatIndex& FlatOf(const VectorIndex& exact);

// A graph of the rows, as the recipe's HNSW parameters say (built on the compute pool).
Result<std::unique_ptr<VectorIndex>> BuildGraphIndex(const IndexRecipe& recipe, const float* rows,
                                                     const int64_t* ids, int64_t n, int64_t dim);
// The saved graph when its files pass every check (ids file, checksum, structure, labels);
// *problem says why not otherwise. It remembers the largest label it ever held (hnswlib keeps
// removed labels' nodes), so that Add refuses to reuse one.
Result<std::unique_ptr<VectorIndex>> LoadGraphIndex(const IndexRecipe& recipe,
                                                    const IndexFiles& files, int64_t dim,
                                                    FileProblem* problem);

}  // namespace shoebox::vectors
