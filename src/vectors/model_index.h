// One model's vectors, ready to search: the exact index always (filters scan it), and the HNSW
// graph when the model's recipe (index_recipe.h) calls for one. Opening brings the files beside
// the catalog (index_files.h) up to date with the catalog's vectors: the vector file is
// rewritten, the graph follows incrementally (new vectors added, vanished ones removed) and is
// rebuilt only when it is missing, damaged, or has lost more than a fifth of its vectors.
//
// KeepIndexCurrent is what the index job (pipeline/index_job.h) calls after embedding, so
// that queries and the server find both files fresh. SHOEBOX_ANN_THRESHOLD overrides "auto"'s
// threshold (tests).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "vectors/index_recipe.h"
#include "vectors/vector_index.h"

namespace shoebox::vectors {

// What opening found and did with the graph.
enum class GraphState {
  kNone,     // the recipe scans exactly
  kFresh,    // loaded as saved
  kUpdated,  // vectors added and removed in place, saved again
  kRebuilt,  // built from the vectors (missing, damaged, or too many removed)
  kStale,    // kUseIfFresh and not fresh: scanning exactly
};
struct GraphReport {
  GraphState state = GraphState::kNone;
  int64_t added = 0, removed = 0;  // kUpdated
  std::string damage;              // set when the saved graph failed its checks
};

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

// Brings "<catalog>.model-<id>.vectors" up to date (after an embedding run), reading from the
// catalog only the vectors it lacks.
Status UpdateVectorFile(Catalog* catalog, const ModelRecord& model);

// After vectors were added or removed: the vector file rewritten, and the graph updated (or
// built) when the recipe uses one. Returns what happened to the graph; building_graph is
// called first when there is none yet to update (a build takes minutes at 100k+ vectors).
Result<GraphReport> KeepIndexCurrent(Catalog* catalog, const ModelRecord& model,
                                     const std::function<void()>& building_graph = nullptr);

// `shoebox reindex`: stores a new recipe when one is given (validated), then rebuilds the graph
// from scratch when the recipe uses one for this many vectors.
struct ReindexReport {
  int64_t vectors = 0;
  std::string recipe;  // canonical form, as stored
  bool rebuilt = false;
};
Result<ReindexReport> Reindex(Catalog* catalog, ModelRecord model, const std::string& new_recipe);

class ModelIndex {
 public:
  // kUseIfFresh never builds the graph (minutes at 100k+ vectors): a stale or missing one
  // means exact scans, which a long-running server prefers to blocking on a rebuild.
  enum class Graph { kBuildIfStale, kUseIfFresh };
  // The vectors come from the memory-mapped vector file when it is fresh; persist: bring that
  // file up to date when it is not.
  static Result<std::unique_ptr<ModelIndex>> Open(Catalog* catalog, const ModelRecord& model,
                                                  Storage storage = Storage::kFloat32,
                                                  Graph graph = Graph::kBuildIfStale,
                                                  bool persist = true);
  // Builds (or rebuilds) the graph now and saves it; for `reindex`.
  Status RebuildGraph();

  // The k best allowed vectors: through the graph when there is one and the filter is not a
  // set, else by the exact scan.
  Result<std::vector<Neighbor>> Nearest(const float* query, int64_t k,
                                        const LabelFilter& filter) const;
  const VectorIndex& exact() const { return *exact_; }
  const VectorIndex* graph() const { return graph_.get(); }
  const FlatIndex& flat() const { return FlatOf(*exact_); }
  const IndexRecipe& recipe() const { return recipe_; }
  const GraphReport& graph_report() const { return report_; }
  const std::vector<int64_t>& ids() const { return ids_; }  // ascending
  const ModelRecord& model() const { return model_; }
  // The stored vector of an asset (nullopt: none for this model).
  std::optional<std::vector<float>> VectorOf(int64_t asset_id) const;

 private:
  ModelIndex() = default;
  Status OpenGraph(bool build_if_stale, const float* full_rows);
  Status BuildGraph(const float* full_rows);
  IndexFiles Files() const;
  IndexRecipe recipe_;
  GraphReport report_;
  std::filesystem::path catalog_path_;
  ModelRecord model_;
  VectorSetVersion version_;
  std::vector<int64_t> ids_;
  std::unique_ptr<VectorIndex> exact_;
  std::unique_ptr<VectorIndex> graph_;
};

}  // namespace shoebox::vectors
