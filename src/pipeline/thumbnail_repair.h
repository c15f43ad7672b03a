// Keeps the thumbnail cache whole. The cache is only a cache: a user may delete it to free
// space, a crash may leave a temporary file behind, a disk may lose a file. After each crawl
// `index` compares what the catalog says has a thumbnail with what the cache holds (existence
// and a non-zero size, one directory listing, no file opened), makes the missing ones again
// from a file the catalog still knows unchanged (same size and time, same content hash), and
// removes the cache's temporary files left by a run that ended before this one began.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "catalog/catalog.h"
#include "pipeline/indexer.h"
#include "pipeline/thumbnail_cache.h"

namespace shoebox {

struct ThumbnailRepairReport {
  int64_t checked = 0;  // photos that should have a thumbnail
  int64_t rebuilt = 0;  // made again
  int64_t lost = 0;     // missing, and no unchanged file to make them from (now marked as none)
  int64_t temp_removed = 0;  // orphan temporary files removed
};

// options: the decode settings of the crawl (thumbnail size, pixel limit, threads).
// run_started_unix: temporary files older than this belong to an earlier run and are removed.
// Fails only when the catalog or the cache cannot be written (disk full).
Result<ThumbnailRepairReport> RepairThumbnails(Catalog* catalog, const ThumbnailCache& thumbs,
                                               const IndexOptions& options,
                                               int64_t run_started_unix);

}  // namespace shoebox
