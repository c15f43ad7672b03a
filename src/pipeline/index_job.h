// The index job, one call for every front end (`shoebox index`, `shoebox import`, the desktop
// app): roots in, a report out. In order:
//   1. each root checked (it exists; a folder or a library file) and its kind found by the
//      importer registry (importers.h), unless the caller names one;
//   2. the catalog created if needed and its writer lock taken (another running index: kBusy,
//      or wait);
//   3. each root crawled: folders and Takeout exports by the indexer (folders' XMP sidecars and
//      Takeout's JSON ones applied after), libraries read by their importer and catalogued
//      (library_import.h); new photos embedded from the decode that makes their thumbnail when a
//      model is given;
//   4. thumbnails missing from the cache made again (thumbnail_repair.h);
//      the words of photos OCR has not looked at yet read (text_recognition.h; new photos were
//      read during the crawl), and the full-text index brought up to date;
//   5. the embedding stage for every photo still without a vector, and for the later frames of
//      animations (embedder.h EmbedFrames), then the model's vector file
//      and HNSW graph brought up to date (vectors/model_index.h KeepIndexCurrent), so that
//      queries and the server find them fresh.
// IndexOptions::stop ends the job early with kCancelled at the next file or step (what is done
// is committed; the next run goes on from there).
// Every fatal problem is a Status naming the root or file; per-file problems are recorded in
// the catalog (`shoebox errors`) and counted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "embedding/embedding_model.h"
#include "pipeline/embedder.h"
#include "pipeline/importers.h"
#include "pipeline/indexer.h"
#include "pipeline/library_import.h"
#include "pipeline/takeout_import.h"
#include "pipeline/text_recognition.h"
#include "pipeline/thumbnail_repair.h"
#include "pipeline/xmp_sidecars.h"
#include "vectors/model_index.h"

namespace shoebox {

struct IndexJobOptions {
  std::vector<std::string> roots;
  std::string kind;  // empty: each root's kind by its structure
  ImportOptions import;
  IndexOptions index;  // exclude, threads, limits, progress bar (source_kind is set per root)
  bool wait_for_lock = false;
  EmbeddingModel* model = nullptr;  // null: catalog only (`shoebox embed-missing` embeds later)
  std::string model_location;       // what the user named it by, stored so queries can load it
  OcrStage* text = nullptr;         // null: no OCR (`--no-ocr`); names and library words are
                                    // still made searchable
};

// What a library root added besides its files.
struct LibraryOutcome {
  std::string kind, root;
  std::optional<LibraryImportReport> library;  // Apple Photos, Lightroom, Capture One
  std::optional<takeout::TakeoutReport> takeout;
};

struct EmbedOutcome {
  std::string model;           // its label
  int64_t while_indexing = 0;  // embedded from the crawl's own decode
  double while_indexing_seconds = 0;
  EmbedReport after;                          // the embedding stage after the crawl
  FrameReport frames;                         // animations' later frames
  std::optional<vectors::GraphReport> graph;  // when the graph was updated or built just now
  Status vector_file;  // why the vector file could not be brought up to date (queries still work)
  int64_t graph_vectors = 0;
};

struct IndexJobReport {
  std::filesystem::path catalog;
  IndexReport crawl;       // every root's crawl, summed
  SidecarReport sidecars;  // folders' XMP sidecars, summed
  std::vector<LibraryOutcome> libraries;
  ThumbnailRepairReport thumbnails;
  std::optional<TextReport> text;  // the photos read after the crawl (IndexJobOptions::text)
  std::optional<EmbedOutcome> embedding;
};

// Told what happens while the job runs (for a progress line); every method may be left alone.
class IndexJobListener {
 public:
  virtual ~IndexJobListener() = default;
  virtual void LibraryDone(const LibraryOutcome&) {}
  // The model's HNSW graph is about to be built from scratch (minutes at 100k+ vectors).
  virtual void BuildingGraph() {}
};

// Step 1's check alone: each root made absolute; kNotFound / kInvalidArgument naming the first
// that does not exist or is neither a folder nor a library file. Front ends call it before
// loading a model, so that a mistyped path fails at once.
Result<std::vector<std::string>> ResolveRoots(const std::vector<std::string>& roots);

// --model's value as stored (folders made absolute, so queries can load them from anywhere).
std::string ModelLocation(const std::string& name_or_dir);

// The model the job embeds with: the one named (a folder, short name or Hub repo; an error if
// it cannot be loaded, before any crawl), else the default (kDefaultModel), which may be
// missing: then model is null and `without` says why, and the job catalogs without embeddings.
// Shared with a query service of this process that loads the same model
// (EmbeddingModel::LoadShared).
struct IndexModel {
  std::shared_ptr<EmbeddingModel> model;
  std::string location;
  std::string without;
};
Result<IndexModel> LoadIndexModel(const std::string& name, const ModelLoadOptions& options = {});

Result<IndexJobReport> RunIndexJob(const std::filesystem::path& catalog,
                                   const IndexJobOptions& options,
                                   IndexJobListener* listener = nullptr);

// Step 5 alone, for `shoebox embed-missing`: vectors for every photo still without one, then
// the vector file and graph. while_indexing: what the crawl already embedded, for the report.
Result<EmbedOutcome> EmbedAndKeepIndexCurrent(Catalog* catalog, EmbeddingModel* model,
                                              const std::string& location, bool progress,
                                              IndexJobListener* listener = nullptr,
                                              const std::atomic<bool>* stop = nullptr);

}  // namespace shoebox
