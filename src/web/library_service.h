// What the web server knows how to do with a catalog, independent of HTTP: the API behind
// every /api endpoint, returning JSON values or a Status that the server maps to an HTTP code.
//
// Start-up is instant: the catalog is opened, and the vectors and the text/image model load on
// a background thread (`status()` says how far they are; a search before they are ready is a
// kBusy error, served as 503). The same thread looks for new vectors every few seconds (an
// `index` running beside the server commits a batch at a time) and swaps in a fresh index, so
// results include newly embedded photos without a restart.
//
// Thread-safe: every method may be called from many server threads at once. Each call leases
// its own catalog connection; the model runs one call at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/file_io.h"
#include "base/status.h"
#include "embedding/embedding_model.h"
#include "search/searcher.h"
#include "search/text_search.h"

namespace shoebox::web {

struct ServiceOptions {
  std::filesystem::path catalog;
  std::string model;             // name, repo id or folder; empty: the catalog's latest model
  ModelLoadOptions load;         // precision
  std::filesystem::path thumbs;  // empty: the default cache
  uint64_t max_upload_bytes = 50ull << 20;
  uint64_t max_pixels = 200'000'000;  // same limit as the crawler
  // A search by image: the largest upload decoded (from its header, before any decoding),
  // and how many are decoded at once / may wait for a turn before the rest get 503.
  uint64_t max_upload_pixels = 50'000'000;
  int upload_decoders = 2;
  int upload_queue = 4;
  int refresh_ms = 2000;   // how often to look for new vectors
  bool load_model = true;  // false: no text or upload queries (tests of the rest)
  // How the network of a catalog model is loaded; default search::LoadQueryNetwork.
  // Benchmarks hand in a random-weight model of the right shape.
  std::function<Result<std::unique_ptr<EmbeddingModel>>(const ModelRecord&)> model_loader;
};

struct PageRequest {
  int64_t n = 60;
  int64_t offset = 0;
  search::SearchOptions options;  // filters, min score, auto cutoff, sort (its n is ignored)
  search::SearchMode mode = search::SearchMode::kHybrid;  // text searches (search/text_search.h)
};

// A file to send: read from `file` (opened and checked when the reply was made), or `bytes`
// already in memory (converted originals, archive members).
struct FileReply {
  std::shared_ptr<OpenedFile> file;
  std::string bytes;
  std::string content_type;
  std::string etag;  // strong validator without quotes
  std::string path;  // the original's path, format and time (StoredOriginal)
  std::string format;
  int64_t mtime_ns = 0;
  // Only these bytes of `file` are the reply (a motion photo's video); length 0: all of it.
  uint64_t offset = 0, length = 0;
};

class LibraryService {
 public:
  static Result<std::unique_ptr<LibraryService>> Open(const ServiceOptions& options);
  ~LibraryService();

  // {"results": [...], "n", "offset", "has_more", "mode", "timing": {...}}: page.mode says
  // how (text_search.h); hybrid answers from the words alone while no model can (none
  // downloaded, or still loading), and says so in "note". Each result has "match" and "words".
  Result<nlohmann::json> SearchText(const std::string& query, const PageRequest& page);
  // at: for a video or animation, like its frame shown nearest this many seconds.
  Result<nlohmann::json> Similar(int64_t asset_id, const PageRequest& page,
                                 std::optional<double> at = std::nullopt);
  // An image that need not be in the library: validated and embedded in memory, never stored.
  Result<nlohmann::json> SearchImage(const std::string& bytes, const std::string& file_name,
                                     const PageRequest& page);
  // Metadata, every file of the asset, exact and near duplicates.
  Result<nlohmann::json> Asset(int64_t asset_id);
  Result<nlohmann::json> Random(int64_t n);
  // The photos the filters allow, without a query: order "newest" (capture date, undated
  // last), "oldest" or "path". {"results", "n", "offset", "has_more"}.
  Result<nlohmann::json> Browse(const PageRequest& page, const std::string& order);
  Result<nlohmann::json> Dupes();
  // The files and folders indexing could not read, and the photos indexed with a warning, with
  // the reason recorded for each (as `shoebox errors`): {"problems": [{"path", "reason",
  // "kind"}] (the first `limit`, by path), "count"}.
  Result<nlohmann::json> Problems(int64_t limit);
  // {"people": PeopleJson} among the photos the page's filters allow.
  Result<nlohmann::json> People(const PageRequest& page);
  // {"albums" | "keywords" | "folders": [{"name", "photos", "cover": {"id", "thumb"}}]} among
  // the photos the page's filters allow (Catalog::Collections' order).
  Result<nlohmann::json> Collections(CollectionKind kind, const PageRequest& page);
  // {"months": [{"month": "YYYY-MM", "photos"}], "undated"}: Catalog::PhotoTimeline.
  Result<nlohmann::json> Timeline(const PageRequest& page);
  Result<nlohmann::json> LibraryStatus();  // counts, model, indexing progress, "setup"
  // Downloads a model named by its short name and embeds the library with it, in the
  // background (web/model_setup.h); its progress is LibraryStatus()'s "setup".
  Result<nlohmann::json> StartModelSetup(const std::string& model);
  Result<FileReply> Thumbnail(int64_t asset_id);
  // The original as the browser can show it: JPEG/PNG/GIF/WebP as stored, anything else
  // (HEIC, RAW, TIFF...) converted to an upright JPEG. Only the file the catalog knows is
  // read: same size and modification time, a regular file, inside its indexed folder (see
  // OpenUnchanged); otherwise kChanged (409) or kNotFound, never whatever is at the path now.
  Result<FileReply> Original(int64_t asset_id);
  // The original's bytes exactly as stored (a HEIC stays a HEIC), under the same checks as
  // Original, with its name and modification time: for "download as zip".
  Result<FileReply> StoredOriginal(int64_t asset_id);
  // A motion photo's video (the MP4 appended to its still), as video/mp4; kNotFound for a
  // photo without one.
  Result<FileReply> Motion(int64_t asset_id);

  // Blocks until the background load has finished (tests, benchmarks).
  void WaitUntilReady();

 private:
  struct State;
  explicit LibraryService(std::unique_ptr<State> state);
  Result<nlohmann::json> ComputeStatus();
  std::unique_ptr<State> s_;
};

}  // namespace shoebox::web
