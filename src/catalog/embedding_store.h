// Image embeddings in the catalog: one row per (asset, model), several models side by side.
// A model is identified by a fingerprint of its files, so vectors made by one model are never
// mixed with another's, and switching models keeps the old vectors until they are replaced.
// Identity is content: a moved or renamed file keeps its asset and therefore its vector.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/sqlite_db.h"

namespace shoebox {

struct ModelRecord {
  int64_t id = 0;
  std::string fingerprint, label, location, family;
  int64_t dim = 0;
  int preprocess_version = 1;
  int64_t used_at = 0;
  // How its vectors are searched (vectors/index_recipe.h); "auto" unless `reindex --recipe`.
  std::string index_recipe = "auto";
};

struct PendingAsset {
  int64_t asset_id = 0;
  std::string path;  // one present file of the asset
  std::string hash;
};

struct EmbeddingRow {
  int64_t asset_id = 0;
  std::vector<float> vector;  // empty: failed, see error
  std::string error;
  std::string source = "photo";  // or "thumbnail"
};

// Vectors of one model, row-major [ids.size(), dim], in asset id order.
struct VectorSet {
  int64_t dim = 0;
  std::vector<int64_t> ids;
  std::vector<float> data;
};

// Identifies a set of stored vectors by its asset ids (vectors are immutable per asset):
// count, sum, a hash sum and the largest id. EmbeddingStore::Version computes it in SQL;
// Add computes the same in C++ for ids read from files (the one definition of both).
struct VectorSetVersion {
  int64_t count = 0, id_sum = 0, id_hash = 0, max_id = 0;
  bool operator==(const VectorSetVersion&) const = default;
  // Counts one more asset id (max_id is left to the caller: it bounds incremental loads).
  void Add(int64_t asset_id);
};

// A later frame of an animation, embedded (its first frame is the asset's own vector).
struct FrameVector {
  int frame = 0;  // index in the animation
  double at = 0;  // seconds from the start
  std::vector<float> vector;
};

// Every frame vector of one model, row-major [asset_ids.size(), dim].
struct FrameSet {
  int64_t dim = 0;
  std::vector<int64_t> asset_ids;
  std::vector<int> frames;
  std::vector<double> at;
  std::vector<float> data;
};

struct EmbeddingCoverage {
  int64_t embedded = 0, failed = 0, pending = 0;
};

class EmbeddingStore {
 public:
  explicit EmbeddingStore(Database* db) : db_(db) {}

  // Registers the model (or finds it by fingerprint) and marks it used now.
  Result<int64_t> EnsureModel(const ModelRecord& model, int64_t now);
  // Every model with its record, the most recently used first.
  Result<std::vector<ModelRecord>> Models();
  Result<std::optional<ModelRecord>> FindModel(const std::string& fingerprint);
  // Stores how a model's vectors are to be searched (validated by the caller).
  Status SetIndexRecipe(int64_t model_id, const std::string& recipe);

  // Assets with a present file and no row for this model, id > after, in id order.
  Result<std::vector<PendingAsset>> Pending(int64_t model_id, int64_t after, int64_t limit);
  // One transaction: a batch is stored whole or not at all.
  Status Put(int64_t model_id, const std::vector<EmbeddingRow>& rows);
  // Vectors with asset id > after, ascending (after = 0: all).
  Result<VectorSet> Load(int64_t model_id, int64_t after = 0);
  // Identifies the set of stored vectors of a model (vectors are immutable per asset, so the
  // same ids mean the same vectors): from the indexes alone, milliseconds at 200k.
  Result<VectorSetVersion> Version(int64_t model_id);
  Result<std::optional<std::vector<float>>> Get(int64_t asset_id, int64_t model_id);
  Result<EmbeddingCoverage> Coverage(int64_t model_id);

  // Animations (frame_store.cc): GIF and WebP assets with a vector for this model whose other
  // frames have not been looked at, id > after, in id order, each with a present file.
  Result<std::vector<PendingAsset>> PendingFrames(int64_t model_id, int64_t after, int64_t limit);
  // Stores the frames kept for an asset (none: it does not move, or its frames look alike) and
  // marks it looked at.
  Status PutFrames(int64_t model_id, int64_t asset_id, const std::vector<FrameVector>& frames);
  Result<FrameSet> LoadFrames(int64_t model_id);
  // How many frame vectors the model has (a reader reloads them when it changes).
  Result<int64_t> FrameCount(int64_t model_id);

 private:
  Database* db_;
};

}  // namespace shoebox
