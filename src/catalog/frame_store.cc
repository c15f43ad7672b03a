// The frames of animations, embedded (frame_embeddings, embeddings.frames): written by the
// embedding stage (pipeline/embedder.h EmbedFrames), read by the searcher.
#include <cstring>

#include "catalog/embedding_store.h"

namespace shoebox {

Result<std::vector<PendingAsset>> EmbeddingStore::PendingFrames(int64_t model_id, int64_t after,
                                                                int64_t limit) {
  auto q = db_->Prepare(
      "SELECT a.id, MIN(f.path), a.hash FROM embeddings e JOIN assets a ON a.id = e.asset_id "
      "JOIN files f ON f.asset_id = a.id AND f.status = 0 "
      "WHERE e.model_id = ?1 AND e.vector IS NOT NULL AND e.frames IS NULL AND a.id > ?2 AND "
      "a.format IN ('gif', 'webp', 'mp4', 'mov', '3gp', 'mkv', 'webm', 'avi') "
      "GROUP BY a.id ORDER BY a.id LIMIT ?3");
  if (!q.ok()) return q.status();
  q->Bind(1, model_id).Bind(2, after).Bind(3, limit);
  std::vector<PendingAsset> out;
  Status st;
  while (q->Step(&st)) out.push_back({q->Int(0), q->Text(1), q->Text(2)});
  if (!st.ok()) return st;
  return out;
}

Status EmbeddingStore::PutFrames(int64_t model_id, int64_t asset_id,
                                 const std::vector<FrameVector>& frames) {
  Transaction tx(db_);
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  auto del = db_->Prepare("DELETE FROM frame_embeddings WHERE asset_id = ?1 AND model_id = ?2");
  if (!del.ok()) return del.status();
  SHOEBOX_RETURN_IF_ERROR(del->Bind(1, asset_id).Bind(2, model_id).Run());
  auto ins = db_->Prepare(
      "INSERT INTO frame_embeddings(asset_id, model_id, frame, at, vector) VALUES(?1, ?2, ?3, ?4, "
      "?5)");
  if (!ins.ok()) return ins.status();
  for (const FrameVector& f : frames) {
    ins->Reset();
    ins->Bind(1, asset_id).Bind(2, model_id).Bind(3, f.frame).Bind(4, f.at);
    ins->BindBlob(5, f.vector.data(), f.vector.size() * sizeof(float));
    SHOEBOX_RETURN_IF_ERROR(ins->Run());
  }
  auto mark =
      db_->Prepare("UPDATE embeddings SET frames = ?3 WHERE asset_id = ?1 AND model_id = ?2");
  if (!mark.ok()) return mark.status();
  SHOEBOX_RETURN_IF_ERROR(
      mark->Bind(1, asset_id).Bind(2, model_id).Bind(3, static_cast<int64_t>(frames.size())).Run());
  return tx.Commit();
}

Result<FrameSet> EmbeddingStore::LoadFrames(int64_t model_id) {
  auto dim_q = db_->Prepare("SELECT dim FROM models WHERE id = ?1");
  if (!dim_q.ok()) return dim_q.status();
  dim_q->Bind(1, model_id);
  Status st;
  if (!dim_q->Step(&st))
    return st.ok() ? NotFound("no model with id " + std::to_string(model_id)) : st;
  FrameSet set;
  set.dim = dim_q->Int(0);
  auto q = db_->Prepare(
      "SELECT asset_id, frame, at, vector FROM frame_embeddings WHERE model_id = ?1 "
      "ORDER BY asset_id, frame");
  if (!q.ok()) return q.status();
  q->Bind(1, model_id);
  const size_t bytes = static_cast<size_t>(set.dim) * sizeof(float);
  while (q->Step(&st)) {
    std::string_view blob = q->Blob(3);
    if (blob.size() != bytes)
      return Corrupt("frame " + std::to_string(q->Int(1)) + " of asset " +
                     std::to_string(q->Int(0)) + " has " + std::to_string(blob.size()) +
                     " bytes, expected " + std::to_string(bytes));
    set.asset_ids.push_back(q->Int(0));
    set.frames.push_back(static_cast<int>(q->Int(1)));
    set.at.push_back(q->Double(2));
    const size_t at = set.data.size();
    set.data.resize(at + static_cast<size_t>(set.dim));
    std::memcpy(set.data.data() + at, blob.data(), bytes);
  }
  if (!st.ok()) return st;
  return set;
}

Result<int64_t> EmbeddingStore::FrameCount(int64_t model_id) {
  auto q = db_->Prepare("SELECT COUNT(*) FROM frame_embeddings WHERE model_id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, model_id);
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("count returned nothing") : st;
  return q->Int(0);
}

}  // namespace shoebox
