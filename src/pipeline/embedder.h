// The embedding stage of `index`: every asset with a present file gets one vector per model.
//
// Batches of photos are decoded and preprocessed on a worker pool while the previous batch
// runs through the network; each batch is committed in one transaction, so a kill loses at
// most the batch in flight and the next run starts after the last committed one. A photo that
// cannot be decoded (or, for RAW files, whose thumbnail cannot be) gets a row with the reason,
// so it is not retried on every run.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "catalog/catalog.h"
#include "embedding/model.h"
#include "pipeline/thumbnail_cache.h"

namespace shoebox {

struct EmbedOptions {
  int64_t batch = 32;
  unsigned decode_threads = 0;  // 0: one per core
  bool progress = true;         // a bar on stderr
  // What `--model` said (short name, repo or folder): stored so queries can load it again.
  std::string location;
};

struct EmbedReport {
  int64_t model_id = 0;
  int64_t embedded = 0, failed = 0;
  double seconds = 0;
};

Result<EmbedReport> EmbedMissing(Catalog& catalog, Model& model, const ThumbnailCache* thumbs,
                                 const EmbedOptions& options);

}  // namespace shoebox
