// The embedding stage of `index`: every asset with a present file gets one vector per model.
//
// Batches of photos are decoded and preprocessed on a worker pool while the previous batch
// runs through the network; each batch is committed in one transaction, so a kill loses at
// most the batch in flight and the next run starts after the last committed one. A photo that
// cannot be decoded (or, for RAW files, whose thumbnail cannot be) gets a row with the reason,
// so it is not retried on every run.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "embedding/embedding_model.h"
#include "pipeline/indexer.h"
#include "pipeline/thumbnail_cache.h"

namespace shoebox {

struct EmbedOptions {
  int64_t batch = 32;
  unsigned decode_threads = 0;  // 0: one per core
  bool progress = true;         // a bar on stderr
  // What `--model` said (short name, repo or folder): stored so queries can load it again.
  std::string location;
  // Set from another thread to stop after the batch in flight (kCancelled; what was stored stays).
  const std::atomic<bool>* stop = nullptr;
};

struct EmbedReport {
  int64_t model_id = 0;
  int64_t embedded = 0, failed = 0;
  double seconds = 0;
};

// Vectors for photos the crawl has just decoded (IndexOptions::embedder): the indexer prepares
// each new photo's model input from the decode that makes its thumbnail and hands it over
// once the photo's catalog row is committed, so a photo is decoded once, not twice. Batches
// run through the network on the caller's thread (the indexer's writer) while the indexer's
// workers go on decoding; each batch is one transaction. A kill loses at most the batch
// being collected: those photos have no vector yet, and EmbedMissing picks them up.
class InlineEmbedder : public CrawlEmbedder {
 public:
  static Result<std::unique_ptr<InlineEmbedder>> Create(Catalog* catalog, EmbeddingModel* model,
                                                        const EmbedOptions& options);
  const PreprocessConfig& input() const override { return model_->preprocess(); }
  // pixels: as EmbeddingModel::PrepareBytes makes them. Runs the batch when it is full.
  Status Add(int64_t asset_id, std::vector<float> pixels, const std::string& source) override;
  // Runs whatever is collected.
  Status Flush() override;
  int64_t embedded() const { return embedded_; }
  double network_seconds() const { return seconds_; }

 private:
  InlineEmbedder(Catalog* catalog, EmbeddingModel* model, int64_t batch);
  EmbeddingModel* model_;
  EmbeddingStore store_;
  int64_t batch_, model_id_ = 0, embedded_ = 0;
  double seconds_ = 0;
  std::vector<float> pixels_;
  std::vector<int64_t> ids_;
  std::vector<std::string> sources_;
};

Result<EmbedReport> EmbedMissing(Catalog& catalog, EmbeddingModel& model,
                                 const ThumbnailCache* thumbs, const EmbedOptions& options);

struct FrameReport {
  int64_t animations = 0;  // animations and videos looked at
  int64_t frames = 0;      // kept
  int64_t failed = 0;      // whose frames could not be decoded (recorded as warnings)
  double seconds = 0;
};

// At most this many frames of an animation or a video are embedded, its first (a video's
// poster) included.
constexpr int kMaxAnimationFrames = 8;

// The later frames of animated GIFs and WebPs, and of videos (imaging/video.h: keyframes at the
// middles of equal slices), that already have a vector for this model
// (embed_frames.cc): up to kMaxAnimationFrames - 1 of them, spread over the animation, decoded
// and embedded; a frame is kept unless it looks like one already kept (cosine >= 0.95 with the
// first frame or a kept one), so a loop of near-identical frames adds nothing. Each animation
// is committed alone; a still GIF is marked looked at with no frames.
Result<FrameReport> EmbedFrames(Catalog& catalog, EmbeddingModel& model,
                                const EmbedOptions& options);

}  // namespace shoebox
