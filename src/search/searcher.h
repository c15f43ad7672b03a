// Queries over one model's vectors in the catalog: the API behind `search`, `similar`,
// `dupes` and the web server. Filters select assets first (SQL over the catalog), and the
// scan ranks only those, so a filtered query returns n hits whenever n assets qualify.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "search/hnsw_index.h"
#include "search/index_recipe.h"
#include "search/vector_index.h"

namespace shoebox::search {

// Which photos a query ranks (dates, folder, camera, library facts): the catalog's filter.
using SearchFilter = PhotoFilter;

struct SearchOptions {
  int64_t n = 20;
  std::optional<float> min_score;
  // Keep only hits that stand out from the library: score >= mean + 3 sd of all scores.
  bool auto_cutoff = false;
  bool sort_by_date = false;  // within the hits kept, oldest first (undated last)
  SearchFilter filter;
  std::optional<int64_t> exclude;  // the query photo itself, for `similar`
};

struct SearchHit {
  int64_t id = 0;  // asset id
  std::string path;
  float score = 0;  // cosine similarity
  std::optional<std::string> taken_at;
  bool has_thumbnail = false;
};

// Where a query's time went: filter + scan of the vectors, then the catalog join for the hits.
struct SearchTiming {
  double scan_ms = 0, join_ms = 0;
};

// Brings "<catalog>.model-<id>.vectors" up to date (after an embedding run), reading from the
// catalog only the vectors it lacks.
Status UpdateVectorFile(Catalog* catalog, const ModelRecord& model);

// For `status`, without loading vectors or graph: the recipe, how an unfiltered query of this
// model runs now, and whether a file of its index was found damaged (it is then not used, and
// rebuilt from the catalog by the next `index`, `search` or `reindex`).
enum class GraphHealth {
  kExact,          // the recipe scans every vector
  kFresh,          // the graph holds exactly the catalog's vectors
  kStale,          // it lags the catalog: exact scans until the next `index` updates it
  kNotBuilt,       // none yet: the next `index` or `reindex` builds it
  kDamaged,        // its files fail their checks (see damage)
  kInvalidRecipe,  // the stored recipe does not parse (see damage)
};
struct IndexHealth {
  std::string recipe;
  GraphHealth graph = GraphHealth::kExact;
  std::string damage;  // what is wrong with the vector or graph files, when something is
};
Result<IndexHealth> CheckIndexHealth(Catalog* catalog, const ModelRecord& model);

// One model's vectors, searched. The model's index recipe (index_recipe.h) decides between
// exact scans and an HNSW graph for unfiltered queries. The graph lives beside the catalog
// ("<catalog>.model-<id>.hnsw" + ".ids", the asset ids it holds; index_files.h) and follows
// the vectors incrementally: new vectors are added, vanished ones removed, and it is rebuilt
// only when it is missing, damaged, or has lost more than a fifth of its vectors.
// SHOEBOX_ANN_THRESHOLD overrides "auto"'s threshold (tests).
class Searcher {
 public:
  // kUseIfFresh never builds the graph (minutes at 100k+ vectors): a stale or missing one
  // means exact scans, which a long-running server prefers to blocking on a rebuild.
  enum class Ann { kBuildIfStale, kUseIfFresh };
  // The vectors come from the memory-mapped vector file beside the catalog when it is fresh
  // (see index_files.h); persist: bring that file up to date when it is not.
  static Result<std::unique_ptr<Searcher>> Open(Catalog* catalog, const ModelRecord& model,
                                                Storage storage = Storage::kFloat32,
                                                Ann ann = Ann::kBuildIfStale, bool persist = true);
  // Builds (or rebuilds) the approximate index now and saves it; for `reindex`.
  Status RebuildAnn();
  bool uses_ann() const { return ann_index_ != nullptr; }
  const IndexRecipe& recipe() const { return recipe_; }
  // What opening found and did with the graph.
  enum class AnnState {
    kNone,     // the recipe scans exactly
    kFresh,    // loaded as saved
    kUpdated,  // vectors added and removed in place, saved again
    kRebuilt,  // built from the vectors (missing, damaged, or too many removed)
    kStale,    // kUseIfFresh and not fresh: scanning exactly
  };
  struct AnnReport {
    AnnState state = AnnState::kNone;
    int64_t added = 0, removed = 0;  // kUpdated
    std::string damage;              // set when the saved graph failed its checks
  };
  const AnnReport& ann() const { return ann_; }
  // Against the catalog it was opened with (single-threaded callers).
  Result<std::vector<SearchHit>> Search(const std::vector<float>& query,
                                        const SearchOptions& options);
  // Thread-safe: reads only the loaded vectors; filters and paths come from `catalog`, which
  // must be the caller's own connection to the same catalog file.
  Result<std::vector<SearchHit>> Search(Catalog& catalog, const std::vector<float>& query,
                                        const SearchOptions& options,
                                        SearchTiming* timing = nullptr) const;
  // The stored vector of an asset (nullopt: none for this model).
  std::optional<std::vector<float>> VectorOf(int64_t asset_id) const;
  const FlatIndex& index() const { return *index_; }
  const std::vector<int64_t>& ids() const { return ids_; }
  const ModelRecord& model() const { return model_; }

 private:
  Searcher() = default;
  Result<std::vector<uint8_t>> Allowed(Catalog& catalog, const SearchFilter& filter) const;
  Status OpenAnn(bool build_if_stale);
  Status SaveAnn(int64_t max_label);
  std::filesystem::path AnnPath() const;
  IndexRecipe recipe_;
  AnnReport ann_;
  Catalog* catalog_ = nullptr;
  ModelRecord model_;
  std::vector<int64_t> ids_;  // asset id per index row, ascending
  std::unique_ptr<FlatIndex> index_;
  std::vector<float> rows_;  // kept only while building the graph
  std::unique_ptr<HnswIndex> ann_index_;
};

}  // namespace shoebox::search
