#include "search/searcher.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

namespace shoebox::search {

Result<std::unique_ptr<Searcher>> Searcher::Open(Catalog* catalog, const ModelRecord& model,
                                                 vectors::Storage storage,
                                                 vectors::ModelIndex::Graph graph, bool persist) {
  auto index = vectors::ModelIndex::Open(catalog, model, storage, graph, persist);
  if (!index.ok()) return index.status();
  std::unique_ptr<Searcher> s(new Searcher());
  s->catalog_ = catalog;
  s->index_ = std::move(*index);
  auto frames = catalog->Embeddings().LoadFrames(model.id);
  if (!frames.ok()) return frames.status();
  s->frames_ = std::move(*frames);
  return s;
}

std::vector<Searcher::Ranked> Searcher::MergeFrames(const std::vector<vectors::Neighbor>& hits,
                                                    const float* query,
                                                    const vectors::LabelFilter& allow,
                                                    int64_t n) const {
  std::vector<Ranked> out;
  out.reserve(hits.size());
  for (const vectors::Neighbor& h : hits) out.push_back({h.label, h.score, std::nullopt});
  if (frames_.asset_ids.empty()) return out;
  // Each animation's best later frame among those the filter allows.
  std::unordered_map<int64_t, std::pair<float, double>> best;
  const int64_t dim = frames_.dim;
  for (size_t i = 0; i < frames_.asset_ids.size(); ++i) {
    const int64_t id = frames_.asset_ids[i];
    if (!allow.Allows(id)) continue;
    const float* v = frames_.data.data() + static_cast<int64_t>(i) * dim;
    float s = 0;
    for (int64_t k = 0; k < dim; ++k) s += query[k] * v[k];
    auto it = best.find(id);
    if (it == best.end() || s > it->second.first) best[id] = {s, frames_.at[i]};
  }
  for (Ranked& r : out) {
    auto it = best.find(r.id);
    if (it == best.end()) continue;
    if (it->second.first > r.score) r = {r.id, it->second.first, it->second.second};
    best.erase(it);
  }
  // Animations whose first frame did not make the page but a later one does.
  for (const auto& [id, b] : best) out.push_back({id, b.first, b.second});
  std::stable_sort(out.begin(), out.end(),
                   [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
  if (static_cast<int64_t>(out.size()) > n) out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::vector<SearchHit>> Searcher::Search(const std::vector<float>& query,
                                                const SearchOptions& o) {
  return Search(*catalog_, query, o);
}

Result<std::vector<SearchHit>> Searcher::Search(Catalog& catalog, const std::vector<float>& query,
                                                const SearchOptions& o,
                                                SearchTiming* timing) const {
  const auto t0 = std::chrono::steady_clock::now();
  const vectors::FlatIndex& flat = index_->flat();
  const std::vector<int64_t>& ids = index_->ids();
  if (static_cast<int64_t>(query.size()) != flat.dim())
    return InvalidArgument("query has " + std::to_string(query.size()) + " dimensions, the index " +
                           std::to_string(flat.dim()));
  bool trash = false;
  if (o.filter.empty()) {
    auto t = catalog.HasSetAside(o.filter);
    trash = t.ok() && *t;
  }
  vectors::LabelFilter allow = vectors::LabelFilter::All();
  if (!o.filter.empty() || trash) {
    auto matching = catalog.AssetIdsMatching(o.filter);
    if (!matching.ok()) return matching.status();
    allow = vectors::LabelFilter::Only(std::move(*matching));
  }
  if (o.exclude) allow.Exclude(*o.exclude);
  float floor = o.min_score.value_or(-2.0f);
  if (o.auto_cutoff && flat.size() > 1) {
    std::vector<float> all(static_cast<size_t>(flat.size()));
    flat.Scores(query.data(), all.data());
    double sum = 0, sq = 0, count = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      if (!allow.Allows(ids[i])) continue;
      sum += all[i];
      sq += double(all[i]) * all[i];
      ++count;
    }
    if (count > 1) {
      const double mean = sum / count, sd = std::sqrt(std::max(0.0, sq / count - mean * mean));
      floor = std::max(floor, static_cast<float>(mean + 3 * sd));
    }
  }
  // Through the graph when the model has one and no filter applies; else the exact scan.
  auto hits = index_->Nearest(query.data(), o.n, allow);
  if (!hits.ok()) return hits.status();
  std::vector<Ranked> ranked = MergeFrames(*hits, query.data(), allow, o.n);
  const auto t1 = std::chrono::steady_clock::now();
  std::vector<SearchHit> out;
  for (const Ranked& h : ranked) {
    if (h.score < floor) break;
    auto row = catalog.FindByAssetId(h.id);
    if (!row.ok()) return row.status();
    if (!*row) continue;  // collected since the vectors were loaded
    SearchHit hit{h.id, (*row)->file.path, h.score, (*row)->asset.taken_at,
                  (*row)->asset.has_thumbnail};
    // A video's own vector is its poster frame's.
    hit.at = h.at ? h.at : (*row)->asset.poster_at;
    hit.duration = (*row)->asset.duration;
    out.push_back(std::move(hit));
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

std::optional<std::vector<float>> Searcher::VectorAt(int64_t asset_id, double at,
                                                     double first_at) const {
  auto best = VectorOf(asset_id);
  if (!best) return best;
  double distance = std::fabs(at - first_at);
  const int64_t dim = frames_.dim;
  for (size_t i = 0; i < frames_.asset_ids.size(); ++i) {
    if (frames_.asset_ids[i] != asset_id || std::fabs(at - frames_.at[i]) >= distance) continue;
    distance = std::fabs(at - frames_.at[i]);
    const float* v = frames_.data.data() + static_cast<int64_t>(i) * dim;
    best->assign(v, v + dim);
  }
  return best;
}

}  // namespace shoebox::search
