// Queries over one model's vectors in the catalog: the API behind `search`, `similar`,
// `dupes` and the web server. Filters select assets first (SQL in the catalog), and the
// scan ranks only those, so a filtered query returns n hits whenever n assets qualify.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "vectors/model_index.h"

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
  std::optional<double> probability;  // see query_service.h AddProbabilities
  // Why it was found (text_search.h): "text" (its words), "semantic" (its vector), or both;
  // the query's words found in the photo; the fused rank score of a hybrid query.
  std::vector<std::string> match;
  std::vector<std::string> words;
  std::optional<double> fused;
  // Where in an animation it matched best (seconds from the start), when a later frame beat
  // its first; for a video, always: the time of the frame that matched (its poster's or a
  // later one's).
  std::optional<double> at;
  std::optional<double> duration;  // a video's length in seconds
  // Whether score is a similarity: false for a photo found by its words alone (its score is
  // meaningless then; front ends show none).
  bool scored() const {
    return match.empty() || std::find(match.begin(), match.end(), "semantic") != match.end();
  }
};

// Where a query's time went: filter + scan of the vectors, then the catalog join for the hits.
struct SearchTiming {
  double scan_ms = 0, join_ms = 0;
};

// One model's vectors, searched: filters select assets first (SQL in the catalog), the model's
// index (vectors/model_index.h: exact scan or HNSW graph, as its recipe says) ranks them, and
// the catalog gives each hit its path and date. An animation scores its best frame: the
// later frames (EmbeddingStore::LoadFrames) are scanned beside the index, and a frame that
// beats its first puts the animation where that frame ranks, with the frame's time.
class Searcher {
 public:
  static Result<std::unique_ptr<Searcher>> Open(
      Catalog* catalog, const ModelRecord& model,
      vectors::Storage storage = vectors::Storage::kFloat32,
      vectors::ModelIndex::Graph graph = vectors::ModelIndex::Graph::kBuildIfStale,
      bool persist = true);
  // Against the catalog it was opened with (single-threaded callers).
  Result<std::vector<SearchHit>> Search(const std::vector<float>& query,
                                        const SearchOptions& options);
  // Thread-safe: reads only the loaded vectors; filters and paths come from `catalog`, which
  // must be the caller's own connection to the same catalog file.
  Result<std::vector<SearchHit>> Search(Catalog& catalog, const std::vector<float>& query,
                                        const SearchOptions& options,
                                        SearchTiming* timing = nullptr) const;
  // The stored vector of an asset (nullopt: none for this model).
  std::optional<std::vector<float>> VectorOf(int64_t asset_id) const {
    return index_->VectorOf(asset_id);
  }
  // The vector of the frame of a video or animation shown nearest `at` seconds: its own
  // vector (the poster, at `first_at`: a video's poster_at, an animation's 0) or a later
  // frame's. nullopt when the asset has no vector.
  std::optional<std::vector<float>> VectorAt(int64_t asset_id, double at, double first_at) const;
  const vectors::ModelIndex& vectors() const { return *index_; }
  vectors::ModelIndex& vectors() { return *index_; }
  const vectors::FlatIndex& index() const { return index_->flat(); }
  const std::vector<int64_t>& ids() const { return index_->ids(); }
  const ModelRecord& model() const { return index_->model(); }

 private:
  Searcher() = default;
  struct Ranked {
    int64_t id;
    float score;
    std::optional<double> at;
  };
  // The index's hits with the animations' later frames merged in: the best n.
  std::vector<Ranked> MergeFrames(const std::vector<vectors::Neighbor>& hits, const float* query,
                                  const vectors::LabelFilter& allow, int64_t n) const;
  Catalog* catalog_ = nullptr;
  std::unique_ptr<vectors::ModelIndex> index_;
  FrameSet frames_;  // animations' later frames (scanned exactly: a few per animation)
};

}  // namespace shoebox::search
