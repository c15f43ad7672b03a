#include "search/searcher.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace shoebox::search {

Result<std::unique_ptr<Searcher>> Searcher::Open(Catalog* catalog, const ModelRecord& model,
                                                 vectors::Storage storage,
                                                 vectors::ModelIndex::Graph graph, bool persist) {
  auto index = vectors::ModelIndex::Open(catalog, model, storage, graph, persist);
  if (!index.ok()) return index.status();
  std::unique_ptr<Searcher> s(new Searcher());
  s->catalog_ = catalog;
  s->index_ = std::move(*index);
  return s;
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
  const auto t1 = std::chrono::steady_clock::now();
  std::vector<SearchHit> out;
  for (const vectors::Neighbor& h : *hits) {
    if (h.score < floor) break;
    auto row = catalog.FindByAssetId(h.label);
    if (!row.ok()) return row.status();
    if (!*row) continue;  // collected since the vectors were loaded
    out.push_back(
        {h.label, (*row)->file.path, h.score, (*row)->asset.taken_at, (*row)->asset.has_thumbnail});
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
