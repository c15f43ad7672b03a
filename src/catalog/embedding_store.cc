#include "catalog/embedding_store.h"

#include <cstring>

namespace shoebox {
namespace {

constexpr const char* kModelColumns =
    "id, fingerprint, label, location, family, dim, preprocess_version, used_at, index_recipe";

ModelRecord ReadModel(const Statement& q) {
  ModelRecord m;
  m.id = q.Int(0);
  m.fingerprint = q.Text(1);
  m.label = q.Text(2);
  m.location = q.Text(3);
  m.family = q.Text(4);
  m.dim = q.Int(5);
  m.preprocess_version = static_cast<int>(q.Int(6));
  m.used_at = q.Int(7);
  m.index_recipe = q.Text(8);
  return m;
}

// Vectors are stored as little-endian float32, which is every platform we build for.
static_assert(sizeof(float) == 4);

}  // namespace

Result<int64_t> EmbeddingStore::EnsureModel(const ModelRecord& m, int64_t now) {
  auto ins = db_->Prepare(
      "INSERT INTO models(fingerprint, label, location, family, dim, preprocess_version, added_at, "
      "used_at) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
      "ON CONFLICT(fingerprint) DO UPDATE SET used_at = excluded.used_at, location = "
      "excluded.location");
  if (!ins.ok()) return ins.status();
  ins->Bind(1, m.fingerprint).Bind(2, m.label).Bind(3, m.location).Bind(4, m.family).Bind(5, m.dim);
  ins->Bind(6, m.preprocess_version).Bind(7, now);
  SHOEBOX_RETURN_IF_ERROR(ins->Run());
  auto found = FindModel(m.fingerprint);
  if (!found.ok()) return found.status();
  if (!*found) return Internal("model " + m.label + " vanished after insert");
  return (*found)->id;
}

Status EmbeddingStore::SetIndexRecipe(int64_t model_id, const std::string& recipe) {
  auto q = db_->Prepare("UPDATE models SET index_recipe = ?2 WHERE id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, model_id).Bind(2, recipe);
  return q->Run();
}

Result<std::vector<ModelRecord>> EmbeddingStore::Models() {
  auto q = db_->Prepare(std::string("SELECT ") + kModelColumns +
                        " FROM models ORDER BY used_at DESC, id DESC");
  if (!q.ok()) return q.status();
  std::vector<ModelRecord> out;
  Status st;
  while (q->Step(&st)) out.push_back(ReadModel(*q));
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<ModelRecord>> EmbeddingStore::FindModel(const std::string& fingerprint) {
  auto q =
      db_->Prepare(std::string("SELECT ") + kModelColumns + " FROM models WHERE fingerprint = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, fingerprint);
  Status st;
  if (!q->Step(&st)) {
    if (!st.ok()) return st;
    return std::optional<ModelRecord>();
  }
  return std::optional<ModelRecord>(ReadModel(*q));
}

Result<std::vector<PendingAsset>> EmbeddingStore::Pending(int64_t model_id, int64_t after,
                                                          int64_t limit) {
  auto q = db_->Prepare(
      "SELECT a.id, MIN(f.path), a.hash FROM assets a JOIN files f ON f.asset_id = a.id AND "
      "f.status = 0 "
      "WHERE a.id > ?2 AND NOT EXISTS (SELECT 1 FROM embeddings e INDEXED BY embeddings_model "
      "WHERE e.model_id = ?1 AND e.asset_id = a.id) "
      "GROUP BY a.id ORDER BY a.id LIMIT ?3");
  if (!q.ok()) return q.status();
  q->Bind(1, model_id).Bind(2, after).Bind(3, limit);
  std::vector<PendingAsset> out;
  Status st;
  while (q->Step(&st)) out.push_back({q->Int(0), q->Text(1), q->Text(2)});
  if (!st.ok()) return st;
  return out;
}

Status EmbeddingStore::Put(int64_t model_id, const std::vector<EmbeddingRow>& rows) {
  Transaction tx(db_);
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  auto q = db_->Prepare(
      "INSERT OR REPLACE INTO embeddings(asset_id, model_id, vector, error, source) VALUES(?1, ?2, "
      "?3, ?4, ?5)");
  if (!q.ok()) return q.status();
  for (const auto& r : rows) {
    q->Reset();
    q->Bind(1, r.asset_id).Bind(2, model_id);
    if (r.vector.empty()) {
      q->BindNull(3).Bind(4, r.error).BindNull(5);
    } else {
      q->BindBlob(3, r.vector.data(), r.vector.size() * sizeof(float))
          .BindNull(4)
          .Bind(5, r.source);
    }
    SHOEBOX_RETURN_IF_ERROR(q->Run());
  }
  return tx.Commit();
}

namespace {
// The id hash of VectorSetVersion, here and in SQL below: (id * kIdHashMul) % kIdHashMod.
constexpr int64_t kIdHashMul = 2654435761, kIdHashMod = 1000000007;
}  // namespace

void VectorSetVersion::Add(int64_t asset_id) {
  ++count;
  id_sum += asset_id;
  id_hash += (asset_id * kIdHashMul) % kIdHashMod;
}

Result<VectorSetVersion> EmbeddingStore::Version(int64_t model_id) {
  // All rows minus the failed ones (vector NULL), each side read from its own index.
  static const std::string kSums =
      "COUNT(*), COALESCE(SUM(asset_id), 0), COALESCE(SUM((asset_id * " +
      std::to_string(kIdHashMul) + ") % " + std::to_string(kIdHashMod) + "), 0)";
  auto q = db_->Prepare(std::string("SELECT ") + kSums +
                        ", COALESCE(MAX(asset_id), 0) FROM embeddings INDEXED BY embeddings_model "
                        "WHERE model_id = ?1");
  if (!q.ok()) return q.status();
  auto f = db_->Prepare(std::string("SELECT ") + kSums +
                        " FROM embeddings INDEXED BY embeddings_failed "
                        "WHERE model_id = ?1 AND vector IS NULL");
  if (!f.ok()) return f.status();
  q->Bind(1, model_id);
  f->Bind(1, model_id);
  Status st;
  if (!q->Step(&st) || !f->Step(&st))
    return st.ok() ? Internal("version query returned nothing") : st;
  // max_id may belong to a failed row; it only bounds incremental loads, so that is harmless.
  return VectorSetVersion{q->Int(0) - f->Int(0), q->Int(1) - f->Int(1), q->Int(2) - f->Int(2),
                          q->Int(3)};
}

Result<VectorSet> EmbeddingStore::Load(int64_t model_id, int64_t after) {
  auto dim_q = db_->Prepare("SELECT dim FROM models WHERE id = ?1");
  if (!dim_q.ok()) return dim_q.status();
  dim_q->Bind(1, model_id);
  Status st;
  if (!dim_q->Step(&st))
    return st.ok() ? NotFound("no model with id " + std::to_string(model_id)) : st;
  VectorSet set;
  set.dim = dim_q->Int(0);
  auto q = db_->Prepare(
      "SELECT asset_id, vector FROM embeddings WHERE model_id = ?1 AND asset_id > ?2 AND vector IS "
      "NOT NULL "
      "ORDER BY asset_id");
  if (!q.ok()) return q.status();
  q->Bind(1, model_id).Bind(2, after);
  const size_t bytes = static_cast<size_t>(set.dim) * sizeof(float);
  while (q->Step(&st)) {
    std::string_view blob = q->Blob(1);
    if (blob.size() != bytes)
      return Corrupt("embedding of asset " + std::to_string(q->Int(0)) + " has " +
                     std::to_string(blob.size()) + " bytes, expected " + std::to_string(bytes));
    set.ids.push_back(q->Int(0));
    const size_t at = set.data.size();
    set.data.resize(at + static_cast<size_t>(set.dim));
    std::memcpy(set.data.data() + at, blob.data(), bytes);
  }
  if (!st.ok()) return st;
  return set;
}

Result<std::optional<std::vector<float>>> EmbeddingStore::Get(int64_t asset_id, int64_t model_id) {
  auto q = db_->Prepare(
      "SELECT vector FROM embeddings WHERE asset_id = ?1 AND model_id = ?2 AND vector IS NOT NULL");
  if (!q.ok()) return q.status();
  q->Bind(1, asset_id).Bind(2, model_id);
  Status st;
  if (!q->Step(&st)) {
    if (!st.ok()) return st;
    return std::optional<std::vector<float>>();
  }
  std::string_view blob = q->Blob(0);
  std::vector<float> v(blob.size() / sizeof(float));
  std::memcpy(v.data(), blob.data(), v.size() * sizeof(float));
  return std::optional<std::vector<float>>(std::move(v));
}

Result<EmbeddingCoverage> EmbeddingStore::Coverage(int64_t model_id) {
  auto q = db_->Prepare(
      // Only indexes are read: each row's vector lives on overflow pages, and touching the
      // rows made this take seconds at 200k photos.
      "SELECT (SELECT COUNT(*) FROM embeddings INDEXED BY embeddings_model WHERE model_id = ?1), "
      "(SELECT COUNT(*) FROM embeddings INDEXED BY embeddings_failed WHERE model_id = ?1 AND "
      "vector IS NULL), "
      "(SELECT COUNT(DISTINCT f.asset_id) FROM files f WHERE f.status = 0 AND f.asset_id IS NOT "
      "NULL "
      " AND NOT EXISTS (SELECT 1 FROM embeddings e INDEXED BY embeddings_model WHERE e.model_id = "
      "?1 AND e.asset_id = f.asset_id))");
  if (!q.ok()) return q.status();
  q->Bind(1, model_id);
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("coverage query returned nothing") : st;
  return EmbeddingCoverage{q->Int(0) - q->Int(1), q->Int(1), q->Int(2)};
}

}  // namespace shoebox
