#include "search/duplicates.h"

#include <algorithm>
#include <bit>
#include <map>
#include <numeric>
#include <unordered_map>

#include "base/file_io.h"
#include "imaging/model_input.h"
#include "imaging/photo_analyzer.h"

namespace shoebox::search {
namespace {

struct AssetInfo {
  std::vector<std::string> paths;  // present files, sorted
  // Distinct copies: a path, or one per Takeout export for all of its album copies.
  std::vector<std::string> copies;
  int64_t pixels = 0, bytes = 0;
  std::optional<std::string> taken_at;
  std::string hash;
};

Result<std::map<int64_t, AssetInfo>> LoadAssets(Catalog* catalog) {
  auto files = catalog->PresentFiles();
  if (!files.ok()) return files.status();
  std::map<int64_t, AssetInfo> out;
  for (PresentFile& f : *files) {
    AssetInfo& a = out[f.asset_id];
    // A Takeout export stores a photo again in the folder of each album it is in: those
    // copies are the library's way of listing albums, not duplicates to clean up.
    std::string copy =
        f.source_kind == "takeout" ? "takeout " + std::to_string(f.source_id) : f.path;
    if (std::find(a.copies.begin(), a.copies.end(), copy) == a.copies.end())
      a.copies.push_back(std::move(copy));
    a.paths.push_back(std::move(f.path));
    a.pixels = f.pixels;
    a.bytes = f.bytes;
    a.taken_at = std::move(f.taken_at);
    a.hash = std::move(f.hash);
  }
  return out;
}

// True when a should be kept over b.
bool Better(const AssetInfo& a, const AssetInfo& b) {
  if (a.pixels != b.pixels) return a.pixels > b.pixels;
  if (a.bytes != b.bytes) return a.bytes > b.bytes;  // same size: the less compressed copy
  if (a.taken_at.has_value() != b.taken_at.has_value()) return a.taken_at.has_value();
  if (a.taken_at != b.taken_at) return a.taken_at < b.taken_at;
  if (a.paths[0].size() != b.paths[0].size()) return a.paths[0].size() < b.paths[0].size();
  return a.paths[0] < b.paths[0];
}

// A flat or tiny image has (almost) no gradients: its hash is all zeros or all ones whatever
// it shows, so it cannot confirm anything.
bool Informative(uint64_t hash) {
  const int bits = std::popcount(hash);
  return bits >= 8 && bits <= 56;
}

struct UnionFind {
  std::vector<size_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(size_t a, size_t b) { parent[Find(a)] = Find(b); }
};

}  // namespace

Result<uint64_t> DifferenceHash(const std::filesystem::path& image) {
  auto bytes = ReadWholeFile(image, uint64_t{1} << 30);
  if (!bytes.ok()) return bytes.status();
  auto rgb = DecodeRgb(bytes->data(), bytes->size(), true);
  if (!rgb.ok()) return rgb.status();
  // Box-average the grey image into 9 x 8 cells.
  const int w = rgb->width, h = rgb->height;
  double cells[8][9] = {};
  int counts[8][9] = {};
  for (int y = 0; y < h; ++y) {
    const int cy = std::min(7, y * 8 / h);
    for (int x = 0; x < w; ++x) {
      const int cx = std::min(8, x * 9 / w);
      const uint8_t* p = rgb->pixels.data() + (static_cast<size_t>(y) * w + x) * 3;
      cells[cy][cx] += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
      counts[cy][cx]++;
    }
  }
  uint64_t hash = 0;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) {
      const double left = cells[y][x] / std::max(1, counts[y][x]);
      const double right = cells[y][x + 1] / std::max(1, counts[y][x + 1]);
      // A step of under 2 grey levels is compression noise on a flat area, not a gradient.
      hash = (hash << 1) | (right - left > 2.0 ? 1u : 0u);
    }
  return hash;
}

Result<DuplicateReport> FindDuplicates(Catalog* catalog, const Searcher* searcher,
                                       const ThumbnailCache& thumbs, const DuplicateOptions& o) {
  auto assets = LoadAssets(catalog);
  if (!assets.ok()) return assets.status();
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  DuplicateReport report;
  for (const auto& [id, a] : *assets)
    if (a.copies.size() > 1) report.exact.push_back(a.paths);
  if (!searcher) return report;

  const vectors::FlatIndex& index = searcher->index();
  const auto& ids = searcher->ids();
  std::unordered_map<int64_t, std::optional<uint64_t>> hashes;
  auto hash_of = [&](int64_t id) -> std::optional<uint64_t> {
    auto it = hashes.find(id);
    if (it != hashes.end()) return it->second;
    std::optional<uint64_t> h;
    auto found = assets->find(id);
    if (found != assets->end()) {
      // The thumbnail when there is one (small, upright), else the photo itself.
      const bool thumb_ok =
          thumbs.Read(found->second.hash).ok();  // whole (a damaged one is removed)
      auto r = DifferenceHash(thumb_ok ? thumbs.PathFor(found->second.hash)
                                       : std::filesystem::path(found->second.paths[0]));
      if (r.ok()) h = *r;
    }
    hashes[id] = h;
    return h;
  };
  UnionFind uf(ids.size());
  std::vector<float> link_score(ids.size(), 2.0f);
  std::vector<float> scores(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!assets->count(ids[i])) continue;  // no present file
    const std::vector<float> row = index.Row(static_cast<int64_t>(i));
    index.Scores(row.data(), scores.data());
    for (size_t j = i + 1; j < ids.size(); ++j) {
      if (scores[j] < o.threshold || !assets->count(ids[j])) continue;
      auto hi = hash_of(ids[i]), hj = hash_of(ids[j]);
      if (!hi || !hj || !Informative(*hi) || !Informative(*hj) ||
          std::popcount(*hi ^ *hj) > o.max_hash_distance)
        continue;
      const size_t ri = uf.Find(i), rj = uf.Find(j);
      const float s = std::min({scores[j], link_score[ri], link_score[rj]});
      uf.Join(i, j);
      link_score[uf.Find(i)] = s;
    }
  }
  std::map<size_t, std::vector<size_t>> clusters;
  for (size_t i = 0; i < ids.size(); ++i)
    if (assets->count(ids[i])) clusters[uf.Find(i)].push_back(i);
  for (auto& [root, members] : clusters) {
    if (members.size() < 2) continue;
    size_t keep = members[0];
    for (size_t m : members)
      if (Better(assets->at(ids[m]), assets->at(ids[keep]))) keep = m;
    NearCluster c;
    c.keep = assets->at(ids[keep]).paths[0];
    for (size_t m : members)
      if (m != keep)
        for (const auto& p : assets->at(ids[m]).paths) c.others.push_back(p);
    std::sort(c.others.begin(), c.others.end());
    c.score = link_score[root];
    report.near.push_back(std::move(c));
  }
  return report;
}

}  // namespace shoebox::search
