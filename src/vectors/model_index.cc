#include "vectors/model_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include "vectors/index_files.h"

namespace shoebox::vectors {

namespace {

// A model's vectors: mapped from the vector file when it is fresh, else from the file plus the
// rows of newer assets, else from the catalog alone; the file is brought up to date when
// persist is set.
struct LoadedVectors {
  VectorSetVersion version;
  std::vector<int64_t> ids;
  std::shared_ptr<const void> owner;  // set when rows points into a mapped file
  const float* rows = nullptr;
  std::vector<float> owned;
};

Result<LoadedVectors> LoadVectors(Catalog* catalog, const ModelRecord& model, bool persist) {
  EmbeddingStore store = catalog->Embeddings();
  auto version = store.Version(model.id);
  if (!version.ok()) return version.status();
  const auto path = VectorFilePath(catalog->path(), model.id);
  FileProblem problem;
  auto mapped = MapVectorFile(path, model.dim, &problem);
  if (problem == FileProblem::kDamaged) ReportDamagedOnce(path, mapped.status().message());
  LoadedVectors out;
  out.version = *version;
  if (mapped.ok() && mapped->version == *version) {
    out.ids.assign(mapped->ids, mapped->ids + mapped->count);
    out.owner = mapped->owner;
    out.rows = mapped->rows;
    return out;
  }
  bool extended = false;
  if (mapped.ok() && mapped->count < version->count && mapped->count > 0) {
    // Only newer assets were embedded since (the usual case while `index` runs): read those.
    auto added = store.Load(model.id, mapped->version.max_id);
    if (!added.ok()) return added.status();
    VectorSetVersion v = mapped->version;
    for (int64_t id : added->ids) v.Add(id);
    if (v.count == version->count && v.id_sum == version->id_sum && v.id_hash == version->id_hash) {
      out.ids.assign(mapped->ids, mapped->ids + mapped->count);
      out.ids.insert(out.ids.end(), added->ids.begin(), added->ids.end());
      out.owned.assign(mapped->rows, mapped->rows + mapped->count * model.dim);
      out.owned.insert(out.owned.end(), added->data.begin(), added->data.end());
      extended = true;
    }
  }
  if (!extended) {
    auto set = store.Load(model.id);
    if (!set.ok()) return set.status();
    out.ids = std::move(set->ids);
    out.owned = std::move(set->data);
  }
  out.rows = out.owned.data();
  // Best effort: a catalog folder we cannot write to only costs the next query the slow path.
  if (persist)
    (void)WriteVectorFile(path, *version, model.dim, out.ids.data(), out.rows,
                          static_cast<int64_t>(out.ids.size()));
  return out;
}

}  // namespace

Status UpdateVectorFile(Catalog* catalog, const ModelRecord& model) {
  auto loaded = LoadVectors(catalog, model, /*persist=*/true);
  return loaded.ok() ? Status::Ok() : loaded.status();
}

namespace {
// The model's stored recipe; SHOEBOX_ANN_THRESHOLD overrides "auto"'s threshold (tests).
Result<IndexRecipe> RecipeOf(const ModelRecord& model) {
  auto recipe = ParseIndexRecipe(model.index_recipe);
  if (!recipe.ok())
    return Corrupt("model " + model.label + ": " + recipe.status().message() +
                   " (set another with `shoebox reindex --recipe`)");
  const char* env = std::getenv("SHOEBOX_ANN_THRESHOLD");
  if (env && *env && recipe->kind == IndexRecipe::Kind::kAuto) recipe->threshold = std::atoll(env);
  return recipe;
}
}  // namespace

Result<std::unique_ptr<ModelIndex>> ModelIndex::Open(Catalog* catalog, const ModelRecord& model,
                                                     Storage storage, Graph graph, bool persist) {
  auto loaded = LoadVectors(catalog, model, persist);
  if (!loaded.ok()) return loaded.status();
  std::unique_ptr<ModelIndex> m(new ModelIndex());
  m->catalog_path_ = catalog->path();
  m->model_ = model;
  m->version_ = loaded->version;
  m->ids_ = loaded->ids;
  m->exact_ = MakeExactIndex(std::move(loaded->ids), loaded->rows, model.dim, storage,
                             storage == Storage::kFloat32 ? loaded->owner : nullptr);
  auto recipe = RecipeOf(model);
  if (!recipe.ok()) return recipe.status();
  m->recipe_ = *recipe;
  if (m->recipe_.UsesGraph(static_cast<int64_t>(m->ids_.size())))
    // The graph is built from full-precision rows, whatever the exact index keeps.
    SHOEBOX_RETURN_IF_ERROR(m->OpenGraph(graph == Graph::kBuildIfStale, loaded->rows));
  return m;
}

IndexFiles ModelIndex::Files() const { return IndexFiles::For(catalog_path_, model_.id, version_); }

Result<IndexHealth> CheckIndexHealth(Catalog* catalog, const ModelRecord& model) {
  IndexHealth h{model.index_recipe};
  auto recipe = RecipeOf(model);
  if (!recipe.ok()) {
    h.graph = GraphHealth::kInvalidRecipe;
    h.damage = recipe.status().message();
    return h;
  }
  h.recipe = recipe->ToString();
  EmbeddingStore store = catalog->Embeddings();
  auto version = store.Version(model.id);
  if (!version.ok()) return version.status();
  if (version->count > 0) {
    FileProblem problem;
    auto vectors = MapVectorFile(VectorFilePath(catalog->path(), model.id), model.dim, &problem);
    if (problem == FileProblem::kDamaged) h.damage = vectors.status().message();
  }
  if (!recipe->UsesGraph(version->count)) return h;
  FileProblem problem;
  const auto graph_path = GraphFilePath(catalog->path(), model.id);
  auto stored = ReadGraphIds(GraphIdsPath(catalog->path(), model.id), &problem);
  if (!stored.ok()) {
    h.graph = problem == FileProblem::kDamaged ? GraphHealth::kDamaged : GraphHealth::kNotBuilt;
    if (problem == FileProblem::kDamaged) h.damage = stored.status().message();
    return h;
  }
  // The graph's own bytes against the checksum its ids file keeps.
  const int fd = ::open(graph_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    h.graph = GraphHealth::kNotBuilt;
    return h;
  }
  auto digest = DigestFile(fd, graph_path);
  ::close(fd);
  if (!digest.ok() || digest->size != stored->graph_size || digest->xxh3 != stored->graph_xxh3) {
    h.graph = GraphHealth::kDamaged;
    h.damage = graph_path.string() + ": " +
               (digest.ok() ? "checksum mismatch" : digest.status().message());
    return h;
  }
  // The same identity of the set of ids as EmbeddingStore::Version computes in SQL.
  VectorSetVersion graph;
  for (int64_t id : stored->ids) graph.Add(id);
  graph.max_id = version->max_id;
  h.graph = graph == *version ? GraphHealth::kFresh : GraphHealth::kStale;
  return h;
}

Status ModelIndex::OpenGraph(bool build_if_stale, const float* full_rows) {
  const IndexFiles files = Files();
  FileProblem problem;
  auto saved = LoadGraphIndex(recipe_, files, model_.dim, &problem);
  if (problem == FileProblem::kDamaged) {
    report_.damage = saved.status().message();
    ReportDamagedOnce(files.graph, report_.damage);
  }
  if (saved.ok()) {
    const std::vector<int64_t> stored = (*saved)->Labels();
    if (stored == ids_) {
      graph_ = std::move(*saved);
      report_.state = GraphState::kFresh;
      return Status::Ok();
    }
    if (!build_if_stale) {
      report_.state = GraphState::kStale;
      return Status::Ok();
    }
    // Vectors are immutable per (asset, model): the difference is photos added and removed.
    std::vector<int64_t> added, removed;
    std::set_difference(ids_.begin(), ids_.end(), stored.begin(), stored.end(),
                        std::back_inserter(added));
    std::set_difference(stored.begin(), stored.end(), ids_.begin(), ids_.end(),
                        std::back_inserter(removed));
    if (removed.size() * 5 <= stored.size()) {
      for (int64_t id : removed) SHOEBOX_RETURN_IF_ERROR((*saved)->Remove(id));
      std::vector<float> rows;
      rows.reserve(added.size() * static_cast<size_t>(model_.dim));
      for (int64_t id : added) {
        const int64_t row = std::lower_bound(ids_.begin(), ids_.end(), id) - ids_.begin();
        rows.insert(rows.end(), full_rows + row * model_.dim, full_rows + (row + 1) * model_.dim);
      }
      // Refused when a new photo's id is not above every id the graph held (hnswlib would
      // overwrite): then it is rebuilt below.
      if ((*saved)->Add(rows.data(), added.data(), static_cast<int64_t>(added.size())).ok()) {
        graph_ = std::move(*saved);
        SHOEBOX_RETURN_IF_ERROR(graph_->Save(files));
        report_.state = GraphState::kUpdated;
        report_.added = static_cast<int64_t>(added.size());
        report_.removed = static_cast<int64_t>(removed.size());
        return Status::Ok();
      }
    }
  }
  if (!build_if_stale) {
    report_.state = GraphState::kStale;
    return Status::Ok();
  }
  return BuildGraph(full_rows);
}

Status ModelIndex::BuildGraph(const float* full_rows) {
  auto built = BuildGraphIndex(recipe_, full_rows, ids_.data(), static_cast<int64_t>(ids_.size()),
                               model_.dim);
  if (!built.ok()) return built.status();
  graph_ = std::move(*built);
  SHOEBOX_RETURN_IF_ERROR(graph_->Save(Files()));
  report_.state = GraphState::kRebuilt;
  return Status::Ok();
}

Status ModelIndex::RebuildGraph() {
  std::vector<float> rows;
  rows.reserve(ids_.size() * static_cast<size_t>(model_.dim));
  for (int64_t i = 0; i < flat().size(); ++i) {
    auto r = flat().Row(i);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  return BuildGraph(rows.data());
}

Result<std::vector<Neighbor>> ModelIndex::Nearest(const float* query, int64_t k,
                                                  const LabelFilter& filter) const {
  if (graph_ && !filter.is_set()) return graph_->Search(query, k, filter);
  return exact_->Search(query, k, filter);
}

std::optional<std::vector<float>> ModelIndex::VectorOf(int64_t asset_id) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), asset_id);
  if (it == ids_.end() || *it != asset_id) return std::nullopt;
  return flat().Row(it - ids_.begin());
}

Result<GraphReport> KeepIndexCurrent(Catalog* catalog, const ModelRecord& model,
                                     const std::function<void()>& building_graph) {
  auto health = CheckIndexHealth(catalog, model);
  if (!health.ok()) return health.status();
  if (health->graph == GraphHealth::kExact || health->graph == GraphHealth::kFresh ||
      health->graph == GraphHealth::kInvalidRecipe) {
    SHOEBOX_RETURN_IF_ERROR(UpdateVectorFile(catalog, model));
    return GraphReport{health->graph == GraphHealth::kFresh ? GraphState::kFresh
                                                            : GraphState::kNone};
  }
  if (health->graph == GraphHealth::kNotBuilt && building_graph) building_graph();
  auto index = ModelIndex::Open(catalog, model);  // updates or builds the graph, and saves it
  if (!index.ok()) return index.status();
  return (*index)->graph_report();
}

Result<ReindexReport> Reindex(Catalog* catalog, ModelRecord model, const std::string& new_recipe) {
  if (!new_recipe.empty()) {
    auto parsed = ParseIndexRecipe(new_recipe);
    if (!parsed.ok()) return parsed.status();
    SHOEBOX_RETURN_IF_ERROR(catalog->Embeddings().SetIndexRecipe(model.id, parsed->ToString()));
    model.index_recipe = parsed->ToString();
  }
  auto index = ModelIndex::Open(catalog, model, Storage::kFloat32, ModelIndex::Graph::kUseIfFresh);
  if (!index.ok()) return index.status();
  ReindexReport r{static_cast<int64_t>((*index)->ids().size()), (*index)->recipe().ToString()};
  if (!(*index)->recipe().UsesGraph(r.vectors)) return r;
  SHOEBOX_RETURN_IF_ERROR((*index)->RebuildGraph());
  r.rebuilt = true;
  return r;
}

}  // namespace shoebox::vectors
