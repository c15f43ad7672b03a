// Duplicate photos, reported never deleted.
//
// Exact duplicates are one asset (same content hash) with several present files (a Takeout
// export's copies of a photo in its album folders count as one: they are how it lists albums). Near
// duplicates (re-encoded, resized, slightly cropped or edited copies) are assets whose
// embeddings have cosine >= threshold and whose difference hashes (dHash, 64 bits of the
// thumbnail's horizontal gradients) differ in at most max_hash_distance bits: the embedding
// finds candidates, the hash confirms them (two different photos of one beach can be close
// in meaning; their gradients are not). A flat or tiny image has an uninformative hash and is
// never paired. Clusters are the connected components (union-find).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "pipeline/thumbnail_cache.h"
#include "search/searcher.h"

namespace shoebox::search {

struct DuplicateOptions {
  float threshold = 0.85f;
  int max_hash_distance = 6;
};

struct NearCluster {
  std::string keep;  // largest resolution, then most bytes, earliest capture, shortest path
  std::vector<std::string> others;  // every present file of the other assets
  float score = 0;                  // the lowest cosine among the links that joined it
};

struct DuplicateReport {
  std::vector<std::vector<std::string>> exact;  // the files of one asset, sorted
  std::vector<NearCluster> near;
};

// searcher may be null (no vectors yet): exact duplicates only.
Result<DuplicateReport> FindDuplicates(Catalog* catalog, const Searcher* searcher,
                                       const ThumbnailCache& thumbs,
                                       const DuplicateOptions& options);

// dHash of an encoded image (9x8 grey, one bit per horizontal neighbour pair that brightens
// by more than 2 grey levels).
Result<uint64_t> DifferenceHash(const std::filesystem::path& image);

}  // namespace shoebox::search
