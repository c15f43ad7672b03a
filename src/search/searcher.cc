#include "search/searcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <optional>

#include "base/file_io.h"
#include "catalog/embedding_store.h"
#include "search/index_files.h"

namespace shoebox::search {

namespace {

int64_t IdHash(int64_t id) { return (id * 2654435761) % 1000000007; }  // as Version() computes it

// A model's vectors: mapped from the vector file when it is fresh, else from the file plus the
// rows of newer assets, else from the catalog alone; the file is brought up to date when
// persist is set.
struct LoadedVectors {
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
    v.count += static_cast<int64_t>(added->ids.size());
    for (int64_t id : added->ids) {
      v.id_sum += id;
      v.id_hash += IdHash(id);
    }
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

Result<std::unique_ptr<Searcher>> Searcher::Open(Catalog* catalog, const ModelRecord& model,
                                                 Storage storage, Ann ann, bool persist) {
  auto loaded = LoadVectors(catalog, model, persist);
  if (!loaded.ok()) return loaded.status();
  std::unique_ptr<Searcher> s(new Searcher());
  s->catalog_ = catalog;
  s->model_ = model;
  s->ids_ = std::move(loaded->ids);
  const int64_t n = static_cast<int64_t>(s->ids_.size());
  if (storage == Storage::kFloat32 && loaded->owner)
    s->index_ = std::make_unique<FlatIndex>(loaded->owner, loaded->rows, n, model.dim);
  else
    s->index_ = std::make_unique<FlatIndex>(loaded->rows, n, model.dim, storage);
  auto recipe = RecipeOf(model);
  if (!recipe.ok()) return recipe.status();
  s->recipe_ = *recipe;
  if (s->recipe_.UsesGraph(n)) {
    // The graph is built from full-precision rows.
    if (loaded->owner && storage != Storage::kFloat32)
      s->rows_.assign(loaded->rows, loaded->rows + n * model.dim);
    else if (!loaded->owner)
      s->rows_ = std::move(loaded->owned);
    SHOEBOX_RETURN_IF_ERROR(s->OpenAnn(ann == Ann::kBuildIfStale));
    s->rows_ = {};
  }
  return s;
}

std::filesystem::path Searcher::AnnPath() const {
  return GraphFilePath(catalog_->path(), model_.id);
}

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
  VectorSetVersion graph{static_cast<int64_t>(stored->ids.size()), 0, 0, 0};
  for (int64_t id : stored->ids) {
    graph.id_sum += id;
    graph.id_hash += IdHash(id);
  }
  graph.max_id = version->max_id;
  h.graph = graph == *version ? GraphHealth::kFresh : GraphHealth::kStale;
  return h;
}

Status Searcher::OpenAnn(bool build_if_stale) {
  const auto path = AnnPath();
  const auto ids_path = GraphIdsPath(catalog_->path(), model_.id);
  FileProblem problem;
  auto stored = ReadGraphIds(ids_path, &problem);
  if (problem == FileProblem::kDamaged) {
    ann_.damage = stored.status().message();
    ReportDamagedOnce(ids_path, ann_.damage);
  }
  Result<std::unique_ptr<HnswIndex>> graph = Status(NotFound("no graph"));
  if (stored.ok()) {
    const FileDigest digest{stored->graph_size, stored->graph_xxh3};
    graph = HnswIndex::Load(path, index_->dim(), recipe_.hnsw, &digest);
    if (!graph.ok() && graph.status().code() != StatusCode::kNotFound) {
      ann_.damage = graph.status().message();
      ReportDamagedOnce(path, ann_.damage);
    } else if (graph.ok() && (*graph)->Labels() != stored->ids) {
      ann_.damage = path.string() + ": the graph holds other photos than its id file lists";
      ReportDamagedOnce(path, ann_.damage);
      graph = Status(Corrupt(ann_.damage));
    }
  }
  if (stored.ok() && graph.ok()) {
    if (stored->ids == ids_) {
      ann_index_ = std::move(*graph);
      ann_.state = AnnState::kFresh;
      return Status::Ok();
    }
    if (!build_if_stale) {
      ann_.state = AnnState::kStale;
      return Status::Ok();
    }
    // Vectors are immutable per (asset, model): the difference is photos added and removed.
    std::vector<int64_t> added, removed;
    std::set_difference(ids_.begin(), ids_.end(), stored->ids.begin(), stored->ids.end(),
                        std::back_inserter(added));
    std::set_difference(stored->ids.begin(), stored->ids.end(), ids_.begin(), ids_.end(),
                        std::back_inserter(removed));
    const bool few_removed = removed.size() * 5 <= stored->ids.size();
    const bool labels_new = added.empty() || added.front() > stored->max_label;
    if (few_removed && labels_new) {
      for (int64_t id : removed) SHOEBOX_RETURN_IF_ERROR((*graph)->Remove(id));
      std::vector<float> rows;
      rows.reserve(added.size() * static_cast<size_t>(index_->dim()));
      for (int64_t id : added) {
        const int64_t row = std::lower_bound(ids_.begin(), ids_.end(), id) - ids_.begin();
        auto r = index_->Row(row);
        rows.insert(rows.end(), r.begin(), r.end());
      }
      SHOEBOX_RETURN_IF_ERROR(
          (*graph)->Add(rows.data(), added.data(), static_cast<int64_t>(added.size())));
      ann_index_ = std::move(*graph);
      SHOEBOX_RETURN_IF_ERROR(
          SaveAnn(std::max(stored->max_label, added.empty() ? 0 : added.back())));
      ann_.state = AnnState::kUpdated;
      ann_.added = static_cast<int64_t>(added.size());
      ann_.removed = static_cast<int64_t>(removed.size());
      return Status::Ok();
    }
  }
  if (!build_if_stale) {
    ann_.state = AnnState::kStale;
    return Status::Ok();
  }
  return RebuildAnn();
}

Status Searcher::RebuildAnn() {
  std::vector<float> rows = rows_;
  if (rows.empty())
    for (int64_t i = 0; i < index_->size(); ++i) {
      auto r = index_->Row(i);
      rows.insert(rows.end(), r.begin(), r.end());
    }
  auto built =
      HnswIndex::Build(rows.data(), ids_.data(), index_->size(), index_->dim(), recipe_.hnsw);
  if (!built.ok()) return built.status();
  ann_index_ = std::move(*built);
  SHOEBOX_RETURN_IF_ERROR(SaveAnn(ids_.empty() ? 0 : ids_.back()));
  ann_.state = AnnState::kRebuilt;
  return Status::Ok();
}

Status Searcher::SaveAnn(int64_t max_label) {
  const auto path = AnnPath();
  // Graph first, then the ids that vouch for it (with its checksum), each replaced
  // atomically: a crash leaves the old pair, or a new graph whose checksum the old ids file
  // does not match (rebuilt next time).
  const std::string tmp = path.string() + ".tmp";
  SHOEBOX_RETURN_IF_ERROR(ann_index_->Save(tmp));
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(tmp + ": " + ErrnoText(errno));
  auto digest = DigestFile(fd, tmp);
  if (digest.ok() && ::fsync(fd) != 0) digest = IoError(tmp + ": " + ErrnoText(errno));
  ::close(fd);
  if (!digest.ok()) return digest.status();
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError(path.string() + ": " + ec.message());
  GraphIds ids{max_label, digest->size, digest->xxh3, ids_};
  return WriteGraphIds(GraphIdsPath(catalog_->path(), model_.id), ids);
}

std::optional<std::vector<float>> Searcher::VectorOf(int64_t asset_id) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), asset_id);
  if (it == ids_.end() || *it != asset_id) return std::nullopt;
  return index_->Row(it - ids_.begin());
}

Result<std::vector<uint8_t>> Searcher::Allowed(Catalog& catalog, const SearchFilter& f) const {
  auto matching = catalog.AssetIdsMatching(f);
  if (!matching.ok()) return matching.status();
  std::vector<uint8_t> allow(ids_.size(), 0);
  for (const int64_t id : *matching) {
    auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    if (it != ids_.end() && *it == id) allow[static_cast<size_t>(it - ids_.begin())] = 1;
  }
  return allow;
}

Result<std::vector<SearchHit>> Searcher::Search(const std::vector<float>& query,
                                                const SearchOptions& o) {
  return Search(*catalog_, query, o);
}

Result<std::vector<SearchHit>> Searcher::Search(Catalog& catalog, const std::vector<float>& query,
                                                const SearchOptions& o,
                                                SearchTiming* timing) const {
  const auto t0 = std::chrono::steady_clock::now();
  if (static_cast<int64_t>(query.size()) != index_->dim())
    return InvalidArgument("query has " + std::to_string(query.size()) + " dimensions, the index " +
                           std::to_string(index_->dim()));
  std::vector<uint8_t> allow;
  bool trash = false;
  if (o.filter.empty() && !o.filter.include_trashed) {
    auto t = catalog.HasTrashed();
    trash = t.ok() && *t;
  }
  if (!o.filter.empty() || trash) {
    auto a = Allowed(catalog, o.filter);
    if (!a.ok()) return a.status();
    allow = std::move(*a);
  } else if (o.exclude) {
    allow.assign(ids_.size(), 1);
  }
  if (o.exclude) {
    auto it = std::lower_bound(ids_.begin(), ids_.end(), *o.exclude);
    if (it != ids_.end() && *it == *o.exclude) allow[static_cast<size_t>(it - ids_.begin())] = 0;
  }
  float floor = o.min_score.value_or(-2.0f);
  if (o.auto_cutoff && index_->size() > 1) {
    std::vector<float> all(static_cast<size_t>(index_->size()));
    index_->Scores(query.data(), all.data());
    double sum = 0, sq = 0, count = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      if (!allow.empty() && !allow[i]) continue;
      sum += all[i];
      sq += double(all[i]) * all[i];
      ++count;
    }
    if (count > 1) {
      const double mean = sum / count, sd = std::sqrt(std::max(0.0, sq / count - mean * mean));
      floor = std::max(floor, static_cast<float>(mean + 3 * sd));
    }
  }
  std::vector<Hit> hits;
  if (ann_index_ && o.filter.empty() && !trash) {
    // The graph has no filter: ask for one more when the query photo itself must go.
    hits = ann_index_->Search(query.data(), o.n + (o.exclude ? 1 : 0));
    for (Hit& h : hits) {  // the graph's labels are asset ids; rows from here on
      auto it = std::lower_bound(ids_.begin(), ids_.end(), h.row);
      h.row = it != ids_.end() && *it == h.row ? it - ids_.begin() : -1;
    }
    std::erase_if(hits, [&](const Hit& h) {
      return h.row < 0 || ids_[static_cast<size_t>(h.row)] == o.exclude;
    });
    if (static_cast<int64_t>(hits.size()) > o.n) hits.resize(static_cast<size_t>(o.n));
  } else {
    hits = index_->Search(query.data(), o.n, allow.empty() ? nullptr : allow.data());
  }
  const auto t1 = std::chrono::steady_clock::now();
  std::vector<SearchHit> out;
  for (const Hit& h : hits) {
    if (h.score < floor) break;
    const int64_t id = ids_[static_cast<size_t>(h.row)];
    auto row = catalog.FindByAssetId(id);
    if (!row.ok()) return row.status();
    if (!*row) continue;  // collected since the vectors were loaded
    out.push_back(
        {id, (*row)->file.path, h.score, (*row)->asset.taken_at, (*row)->asset.has_thumbnail});
  }
  if (o.sort_by_date)
    std::stable_sort(out.begin(), out.end(), [](const SearchHit& a, const SearchHit& b) {
      if (a.taken_at.has_value() != b.taken_at.has_value()) return a.taken_at.has_value();
      return a.taken_at < b.taken_at;
    });
  if (timing) {
    const auto t2 = std::chrono::steady_clock::now();
    timing->scan_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    timing->join_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
  }
  return out;
}

}  // namespace shoebox::search
