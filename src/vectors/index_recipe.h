// How one model's vectors are searched, as a short string stored with the model in the
// catalog (models.index_recipe) and set by `shoebox reindex --recipe`:
//
//   auto[,threshold=N]              exact below N vectors (default 100,000), HNSW from N on
//   flat                            always exact: every row scanned (float32 or float16 rows)
//   hnsw[,M=32][,efc=200][,ef=128]  always an HNSW graph (M links per node, efc candidates
//                                   while building, ef while searching)
//
// Filtered queries always scan exactly (a graph cannot apply a filter before top-k). Keys are
// case-insensitive; anything else is an error that names the key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "vectors/hnsw_index.h"

namespace shoebox::vectors {

inline constexpr int64_t kDefaultAnnThreshold = 100000;

struct IndexRecipe {
  enum class Kind { kAuto, kFlat, kHnsw };
  Kind kind = Kind::kAuto;
  int64_t threshold = kDefaultAnnThreshold;  // kAuto only
  HnswParams hnsw;
  // Whether n vectors go through the graph.
  bool UsesGraph(int64_t n) const {
    return n > 0 && (kind == Kind::kHnsw || (kind == Kind::kAuto && n >= threshold));
  }
  // Canonical form: what is stored, and what `status` shows.
  std::string ToString() const;
};

Result<IndexRecipe> ParseIndexRecipe(std::string_view text);

}  // namespace shoebox::vectors
