// The crawl-and-catalog job behind `shoebox index`.
//
// For each root: walk it (stat only), compare with the catalog, and read only what is new or
// changed. Unchanged files (same path, size and mtime) are never opened. New content is
// hashed, decoded once at reduced size for metadata + thumbnail on a thread pool, and
// committed in small transactions, so a kill at any moment loses at most one batch and the
// next run resumes. Content already in the catalog (a moved, renamed or copied photo) is
// linked to its asset without decoding. Files no longer found are marked missing, never
// deleted. Bad files become error records; they never stop the run.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "imaging/photo_analyzer.h"
#include "library/folder/folder_walker.h"
#include "pipeline/thumbnail_cache.h"

namespace shoebox {

// Takes the model input of each new photo as the crawl commits it (pipeline/embedder.h's
// InlineEmbedder is the one implementation; this keeps the crawl free of the network).
class CrawlEmbedder {
 public:
  virtual ~CrawlEmbedder() = default;
  // What AnalyzePhoto should prepare besides the thumbnail.
  virtual const PreprocessConfig& input() const = 0;
  // Called on the indexer's writer thread once asset_id is committed.
  virtual Status Add(int64_t asset_id, std::vector<float> pixels, const std::string& source) = 0;
  // At the end of each crawl.
  virtual Status Flush() = 0;
};

// Reads the words in each new photo on the worker that decoded it, from the bytes already in
// memory (pipeline/text_recognition.h's OcrStage is the one implementation).
class CrawlTextReader {
 public:
  virtual ~CrawlTextReader() = default;
  // Thread-safe; thumbnail_jpeg: what AnalyzePhoto made (the gate looks at it first).
  virtual AssetTextRecord Read(const uint8_t* data, size_t size, ImageFormat format,
                               const std::vector<uint8_t>& thumbnail_jpeg) = 0;
};

struct IndexOptions {
  std::vector<std::string> exclude;  // fnmatch globs (see WalkOptions)
  unsigned threads = 0;              // 0 = one per core
  AnalyzeOptions analyze;
  // Files above this size are refused unread (kTooLarge). Default 2 GiB.
  uint64_t max_file_bytes = uint64_t{2} << 30;
  // Results committed per transaction: the most work a crash can lose.
  size_t batch_size = 32;
  bool show_progress = true;
  // What the roots are: "folder", or a library kind whose importer adds its metadata after
  // the crawl ("takeout").
  std::string source_kind = "folder";
  // Embed new photos as they are crawled, from the decode that makes their thumbnail (see
  // InlineEmbedder). Photos that decode cannot serve are left for EmbedMissing.
  CrawlEmbedder* embedder = nullptr;
  // Read the words in new photos as they are crawled (committed with the photo).
  CrawlTextReader* text_reader = nullptr;
  // Set from another thread to stop early (a paused watcher): the files already processed
  // are committed, the rest are left for the next run, nothing is marked missing, and the
  // run ends with kCancelled.
  const std::atomic<bool>* stop = nullptr;
  // Told how many of the files to read are done, a few times a second (the desktop app's
  // progress); called on the thread that commits.
  std::function<void(int64_t done, int64_t total)> on_progress;
};

struct IndexReport {
  int64_t seen = 0;        // candidate files found by the walk
  int64_t unchanged = 0;   // skipped without reading
  int64_t added = 0;       // new content decoded
  int64_t linked = 0;      // known content at a new or changed path (move, rename, copy)
  int64_t missing = 0;     // newly marked missing
  int64_t errors = 0;      // files that failed this run
  int64_t not_images = 0;  // files that turned out not to be photos
  // Short videos found to be the motion part of a still beside them (Catalog::PairMotionParts).
  int64_t motion_parts = 0;
  int64_t folder_problems = 0;
  int64_t embedded = 0;  // vectors made during the crawl (IndexOptions::embedder)
  // What IndexOptions::text_reader did with the new photos.
  int64_t text_read = 0, text_found = 0, text_skipped = 0, text_failed = 0;
  double seconds = 0;
  std::vector<std::string> libraries_found;  // photo libraries inside the folders, not crawled
};

// roots: absolute folder paths. Fatal problems (catalog unwritable, disk full) end the run
// with a non-OK Status; per-file failures are recorded in the catalog and counted.
Result<IndexReport> IndexFolders(Catalog* catalog, const std::vector<std::string>& roots,
                                 const ThumbnailCache& thumbs, const IndexOptions& options);

// What an archive holds besides photos, for the importer that reads it (Takeout sidecars).
// Called on the thread that reads the archive, in the archive's order.
class ArchiveListener {
 public:
  virtual ~ArchiveListener() = default;
  // Every regular member, as "<archive>/<member>".
  virtual void OnMember(const std::string& path) = 0;
  // Whether the bytes of this member (not a photo by its name) are wanted; then OnBytes,
  // with the bytes or why they could not be read (kTooLarge over 4 MB).
  virtual bool WantsBytes(const std::string& path) = 0;
  virtual void OnBytes(const std::string& path, Result<std::vector<uint8_t>> bytes) = 0;
};

// The same for a .zip / .tar / .tgz archive, read in place (library/archive/archive_reader.h):
// its members are catalogued as "<archive>/<member>" files of one source (kind, archive);
// unchanged members (same size and time) are skipped unread; members gone from a rewritten
// archive become missing.
Result<IndexReport> IndexArchive(Catalog* catalog, const std::string& kind,
                                 const std::string& archive, const ThumbnailCache& thumbs,
                                 const IndexOptions& options, ArchiveListener* listener);

// The same for a photo library that lists its own files (Apple Photos, Lightroom): files are
// the library's present files (absolute paths, anywhere on disk), all under one source
// (kind, root = the library itself). This source's files that are not in the list become
// missing.
Result<IndexReport> IndexFileList(Catalog* catalog, const std::string& kind,
                                  const std::string& root, const std::vector<WalkEntry>& files,
                                  const ThumbnailCache& thumbs, const IndexOptions& options);

}  // namespace shoebox
