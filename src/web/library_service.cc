#include "web/library_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <list>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "base/file_io.h"
#include "catalog/catalog.h"
#include "catalog/embedding_store.h"
#include "catalog/photo_json.h"
#include "embedding/embedding_model.h"
#include "imaging/photo_analyzer.h"
#include "library/original_file.h"
#include "ocr/text_reader.h"
#include "pipeline/thumbnail_cache.h"
#include "search/duplicates.h"
#include "search/query.h"
#include "search/query_service.h"
#include "web/catalog_pool.h"
#include "web/model_setup.h"

namespace shoebox::web {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string FileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// Formats every current browser shows as they are; the rest is converted to JPEG. Videos are
// always sent as they are, in ranges (the player seeks): the page falls back to the poster
// where the browser cannot play one (AVI, some Matroska codecs).
std::optional<std::string> BrowserMime(const std::string& format) {
  static const std::unordered_map<std::string, std::string> kMime = {
      {"jpeg", "image/jpeg"},    {"png", "image/png"},   {"gif", "image/gif"},
      {"webp", "image/webp"},    {"mp4", "video/mp4"},   {"mov", "video/quicktime"},
      {"3gp", "video/3gpp"},     {"webm", "video/webm"}, {"mkv", "video/x-matroska"},
      {"avi", "video/x-msvideo"}};
  auto it = kMime.find(format);
  if (it == kMime.end()) return std::nullopt;
  return it->second;
}

// A catalogued file as it is stored (OpenOriginal's checks), with what the reply says of it.
Result<FileReply> OpenReply(Catalog& cat, const PhotoRow& row, const char* default_mime) {
  auto original = OpenOriginal(cat, row);
  if (!original.ok()) return original.status();
  FileReply reply;
  if (original->in_archive)
    reply.bytes.assign(original->bytes.begin(), original->bytes.end());
  else
    reply.file = std::move(original->opened);
  reply.content_type = BrowserMime(row.asset.format).value_or(default_mime);
  reply.etag = row.asset.hash;
  reply.path = row.file.path;
  reply.mtime_ns = row.file.mtime_ns;
  reply.format = row.asset.format;
  return reply;
}

// The photo with this catalog id, or NotFound saying so.
Result<PhotoRow> PhotoById(Catalog& cat, int64_t id) {
  auto row = cat.FindByAssetId(id);
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("no photo " + std::to_string(id));
  return **row;
}

// Which vectors are loaded: changes whenever a batch of embeddings is committed or removed.
struct VectorVersion {
  int64_t count = -1, id_sum = -1;
  int64_t frames = -1;  // animations' later frames, embedded after their first
  bool operator==(const VectorVersion&) const = default;
};

}  // namespace

struct LibraryService::State {
  ServiceOptions options;
  std::unique_ptr<CatalogPool> pool;
  ThumbnailCache thumbs;

  // Written by the loader thread, read by everyone under mu.
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool first_load_done = false;
  std::optional<ModelRecord> record;
  std::shared_ptr<const search::Searcher> searcher;
  VectorVersion version;
  // The catalog's data_version when the searcher (or that there are no vectors) was last
  // known current: while it stays the same nothing was committed, and the refresh reads nothing
  // (counting the vectors of a 200,000-photo library every 2 s would cost an idle app 1-2% of a
  // core).
  std::optional<int64_t> current_at;
  // Bumped by the refresh whenever anything was committed (data_version moved): the status'
  // counts (a few hundred ms of SQL at 200,000 photos) are computed again only then.
  int64_t observed_version = -1;
  int64_t catalog_changes = 0;
  std::string vectors_state = "loading", model_state = "loading";
  std::string vectors_error, model_error;
  Clock::time_point last_change = Clock::now() - std::chrono::hours(1);
  double vectors_load_ms = 0, model_load_ms = 0;

  // Uploads are decoded a few at a time, outside model_mu, so one huge image cannot hold
  // up the others; beyond the queue they are turned away (503) rather than piled up.
  std::mutex upload_mu;
  std::condition_variable upload_cv;
  int uploads_running = 0, uploads_waiting = 0;

  // The network: one call at a time. Shared with a watcher of this process that embeds with
  // the same model (EmbeddingModel::LoadShared); its batches then take turns of a few images.
  std::mutex model_mu;
  std::shared_ptr<EmbeddingModel> model;
  std::atomic<bool> model_ready{false};

  // Recent text queries (typing sends the same prefixes again and again).
  std::mutex cache_mu;
  std::list<std::pair<std::string, std::vector<float>>> text_lru;
  static constexpr size_t kTextCacheSize = 512;
  // A query waits for at most this many images of a sharing watcher's batch (~0.1 s each for
  // a ViT-B/32 on two cores).
  static constexpr int64_t kSharedTurnImages = 4;

  // Duplicates, computed on demand in the background for one vector version.
  std::mutex dupes_mu;
  std::optional<json> dupes;
  VectorVersion dupes_version;
  bool dupes_running = false;
  std::thread dupes_thread;

  std::thread loader;
  std::unique_ptr<ModelSetup> setup;  // a model download started from the page

  std::mutex status_mu;
  std::optional<json> status_cache;
  Clock::time_point status_time;
  std::optional<json> counts_cache;  // the catalog's counts, as of counts_changes
  int64_t counts_changes = -1;

  void LoaderLoop();
  void Refresh(Catalog& cat);
  void LoadModel();
  Result<std::vector<float>> EmbedText(const std::string& text);
  Result<json> Run(const std::vector<float>& query, const PageRequest& page,
                   std::optional<int64_t> exclude, json timing);
  std::shared_ptr<const search::Searcher> CurrentSearcher();
  Status NoSearcher();
  json HitJson(const search::SearchHit& h);
  void StartDupes();
};

void LibraryService::State::LoaderLoop() {
  auto cat = Catalog::Open(options.catalog, false);
  if (!cat.ok()) {
    std::lock_guard lock(mu);
    vectors_state = "error";
    vectors_error = cat.status().message();
    first_load_done = true;
    cv.notify_all();
    return;
  }
  while (true) {
    Refresh(**cat);
    {
      std::unique_lock lock(mu);
      if (!first_load_done) {
        first_load_done = true;
        cv.notify_all();
      }
      if (options.load_model && record && !model && model_state == "loading") {
        lock.unlock();
        LoadModel();
        lock.lock();
      }
      cv.wait_for(lock, std::chrono::milliseconds(options.refresh_ms), [&] { return stop; });
      if (stop) return;
    }
  }
}

void LibraryService::State::Refresh(Catalog& cat) {
  const Result<int64_t> data_version = cat.DataVersion();
  {
    std::lock_guard lock(mu);
    if (!data_version.ok() || observed_version != *data_version) ++catalog_changes;
    if (data_version.ok()) observed_version = *data_version;
    if (data_version.ok() && current_at == *data_version) return;
  }
  EmbeddingStore store = cat.Embeddings();
  std::optional<ModelRecord> rec;
  {
    std::lock_guard lock(mu);
    rec = record;
  }
  if (!rec) {
    std::optional<std::string> wanted;
    if (!options.model.empty()) {
      // A named model: find its record by fingerprint (loading it once to learn it).
      std::lock_guard lock(model_mu);
      if (!model) {
        const auto t0 = Clock::now();
        auto m = EmbeddingModel::LoadShared(options.model, options.load);
        if (!m.ok()) {
          std::lock_guard l2(mu);
          model_state = vectors_state = "error";
          model_error = vectors_error = m.status().message();
          return;
        }
        model = std::move(*m);
        model->set_turn_images(kSharedTurnImages);
        model_load_ms = MsSince(t0);
      }
      wanted = model->fingerprint();
    }
    auto chosen = search::ChooseQueryModel(&cat, wanted, options.model);
    if (!chosen.ok()) {
      std::lock_guard lock(mu);
      vectors_state = "none";
      // Nothing to load a model for until vectors are made (not "loading" forever).
      if (model_state == "loading" && !model) model_state = "none";
      if (data_version.ok()) current_at = *data_version;
      return;
    }
    rec = *chosen;
    std::lock_guard lock(mu);
    record = rec;
    if (model && model->fingerprint() == rec->fingerprint) {
      model_state = "ready";
      model_ready = true;
    } else if (model_state == "none") {
      model_state = "loading";  // vectors appeared (an index ran): now their model loads
    }
  }
  auto v = store.Version(rec->id);
  if (!v.ok()) {
    std::lock_guard lock(mu);
    vectors_error = v.status().message();
    return;
  }
  auto frames = store.FrameCount(rec->id);
  if (!frames.ok()) {
    std::lock_guard lock(mu);
    vectors_error = frames.status().message();
    return;
  }
  const VectorVersion now{v->count, v->id_sum, *frames};
  {
    std::lock_guard lock(mu);
    if (now == version && searcher) {
      if (data_version.ok()) current_at = *data_version;
      return;
    }
  }
  const auto t0 = Clock::now();
  auto opened = search::Searcher::Open(&cat, *rec, vectors::Storage::kFloat16,
                                       vectors::ModelIndex::Graph::kUseIfFresh,
                                       /*persist=*/false);
  std::lock_guard lock(mu);
  if (!opened.ok()) {
    vectors_state = "error";
    vectors_error = opened.status().message();
    return;
  }
  if (version.count >= 0) last_change = Clock::now();
  searcher = std::shared_ptr<const search::Searcher>(std::move(*opened));
  version = now;
  if (data_version.ok()) current_at = *data_version;
  vectors_state = "ready";
  vectors_load_ms = MsSince(t0);
}

void LibraryService::State::LoadModel() {
  ModelRecord rec;
  {
    std::lock_guard lock(mu);
    rec = *record;
  }
  const auto t0 = Clock::now();
  Result<std::shared_ptr<EmbeddingModel>> m = Internal("not loaded");
  if (options.model_loader) {
    auto own = options.model_loader(rec);
    if (own.ok())
      m = std::shared_ptr<EmbeddingModel>(std::move(*own));
    else
      m = own.status();
  } else {
    m = search::LoadQueryNetwork(rec, "", options.load);
  }
  if (m.ok()) {
    if (Status made = search::CheckMadeTheVectors(**m, rec); !made.ok()) m = made;
  }
  std::lock_guard lock(model_mu);
  std::lock_guard l2(mu);
  cv.notify_all();  // WaitUntilReady: whatever happens below ends the loading state
  if (!m.ok()) {
    model_state = "error";
    model_error = m.status().code() == StatusCode::kCorrupt
                      ? m.status().message()
                      : "cannot load " + rec.label + " from " + rec.location + ": " +
                            m.status().message() +
                            " (text and image queries are off; `shoebox models pull` or --model "
                            "fixes it)";
    return;
  }
  model = std::move(*m);
  model->set_turn_images(kSharedTurnImages);
  model_load_ms = MsSince(t0);
  model_state = "ready";
  model_ready = true;
  cv.notify_all();
}

Result<std::vector<float>> LibraryService::State::EmbedText(const std::string& text) {
  {
    std::lock_guard lock(cache_mu);
    for (auto it = text_lru.begin(); it != text_lru.end(); ++it)
      if (it->first == text) {
        text_lru.splice(text_lru.begin(), text_lru, it);
        return it->second;
      }
  }
  auto v = [&] {
    std::lock_guard lock(model_mu);
    return model->EmbedText(text);
  }();
  if (!v.ok()) return v;
  std::lock_guard lock(cache_mu);
  text_lru.emplace_front(text, *v);
  if (text_lru.size() > kTextCacheSize) text_lru.pop_back();
  return v;
}

// Why there is no searcher (or no model): no vectors in the catalog (and what to run), a model
// that cannot be used, or one of them still loading.
Status LibraryService::State::NoSearcher() {
  std::lock_guard lock(mu);
  if (model_state == "error") return Unsupported(model_error);
  if (vectors_state == "none")
    return NotFound("the catalog has no embeddings yet: run `shoebox index --model NAME FOLDER`");
  if (vectors_state == "loading") return Busy("the photo vectors are still loading");
  return Busy("the model is still loading");
}

std::shared_ptr<const search::Searcher> LibraryService::State::CurrentSearcher() {
  std::lock_guard lock(mu);
  return searcher;
}

json LibraryService::State::HitJson(const search::SearchHit& h) {
  // No thumbnail (a file the decoders cannot read): null, so the page shows a placeholder
  // instead of asking for a 404.
  json j = {{"id", h.id},
            {"score", h.score},
            {"name", FileName(h.path)},
            {"path", h.path},
            {"thumb", h.has_thumbnail ? json("/thumb/" + std::to_string(h.id)) : json(nullptr)}};
  if (h.at) j["at"] = *h.at;
  if (h.duration) j["duration"] = *h.duration;
  j["taken_at"] = h.taken_at ? json(*h.taken_at) : json(nullptr);
  if (model_ready && h.scored())  // where the model's family has one (SigLIP): query_service.h
    if (auto p = model->MatchProbability(h.score)) j["probability"] = *p;
  if (!h.scored()) j["score"] = nullptr;
  if (!h.match.empty()) j["match"] = h.match;
  if (!h.words.empty()) j["words"] = h.words;
  return j;
}

Result<json> LibraryService::State::Run(const std::vector<float>& query, const PageRequest& page,
                                        std::optional<int64_t> exclude, json timing) {
  auto s = CurrentSearcher();
  if (!s) return NoSearcher();
  auto cat = pool->Acquire();
  if (!cat.ok()) return cat.status();
  search::SearchOptions o = page.options;
  o.n = page.offset + page.n + 1;  // one more tells whether there is a next page
  o.exclude = exclude;
  search::SearchTiming t;
  auto hits = s->Search(**cat, query, o, &t);
  if (!hits.ok()) return hits.status();
  json results = json::array();
  for (size_t i = static_cast<size_t>(page.offset);
       i < hits->size() && i < static_cast<size_t>(page.offset + page.n); ++i)
    results.push_back(HitJson((*hits)[i]));
  timing["scan_ms"] = t.scan_ms;
  timing["join_ms"] = t.join_ms;
  return json{{"results", results},
              {"n", page.n},
              {"offset", page.offset},
              {"has_more", static_cast<int64_t>(hits->size()) > page.offset + page.n},
              {"model", s->model().label},
              {"vectors", s->index().size()},
              {"timing", timing}};
}

void LibraryService::State::StartDupes() {
  // Caller holds dupes_mu.
  if (dupes_running) return;
  auto s = CurrentSearcher();
  VectorVersion v;
  {
    std::lock_guard lock(mu);
    v = version;
  }
  dupes_running = true;
  if (dupes_thread.joinable()) dupes_thread.join();
  dupes_thread = std::thread([this, s, v] {
    json out = {{"exact", json::array()}, {"near", json::array()}};
    auto cat = pool->Acquire();
    std::string error;
    if (cat.ok()) {
      auto report = search::FindDuplicates(&**cat, s.get(), thumbs, {});
      auto entry = [&](const std::string& path) {
        auto row = (*cat)->FindByPath(path);
        json j = {{"path", path}, {"name", FileName(path)}};
        if (row.ok() && *row && (*row)->file.asset_id) {
          j["id"] = *(*row)->file.asset_id;
          j["thumb"] = (*row)->asset.has_thumbnail
                           ? json("/thumb/" + std::to_string(*(*row)->file.asset_id))
                           : json(nullptr);
          // What choosing the keeper takes: resolution, size, capture time.
          const AssetRecord& a = (*row)->asset;
          if (a.width && a.height) {
            j["width"] = *a.width;
            j["height"] = *a.height;
          }
          j["size"] = (*row)->file.size;
          j["taken_at"] = a.taken_at ? json(*a.taken_at) : json(nullptr);
        }
        return j;
      };
      if (report.ok()) {
        for (const auto& group : report->exact) {
          json g = json::array();
          for (const auto& p : group) g.push_back(entry(p));
          out["exact"].push_back(g);
        }
        for (const auto& c : report->near) {
          json others = json::array();
          for (const auto& p : c.others) others.push_back(entry(p));
          out["near"].push_back({{"keep", entry(c.keep)}, {"others", others}, {"score", c.score}});
        }
      } else {
        error = report.status().message();
      }
    } else {
      error = cat.status().message();
    }
    if (!error.empty()) out["error"] = error;
    std::lock_guard lock(dupes_mu);
    dupes = std::move(out);
    dupes_version = v;
    dupes_running = false;
  });
}

LibraryService::LibraryService(std::unique_ptr<State> state) : s_(std::move(state)) {}

LibraryService::~LibraryService() {
  s_->setup.reset();  // cancels a download or embedding in flight (what was committed stays)
  {
    std::lock_guard lock(s_->mu);
    s_->stop = true;
  }
  s_->cv.notify_all();
  if (s_->loader.joinable()) s_->loader.join();
  if (s_->dupes_thread.joinable()) s_->dupes_thread.join();
}

Result<std::unique_ptr<LibraryService>> LibraryService::Open(const ServiceOptions& options) {
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  // First run: an empty catalog, so that the page can say how to fill it (a catalog that
  // cannot be opened still fails now, clearly). Everything slow happens in the background.
  auto probe = Catalog::Open(options.catalog, true);
  if (!probe.ok()) return probe.status();
  auto state = std::make_unique<State>();
  state->options = options;
  state->pool = std::make_unique<CatalogPool>(options.catalog);
  state->thumbs = ThumbnailCache(options.thumbs);
  state->pool->Release(std::move(*probe));
  if (!options.load_model) state->model_state = "off";
  state->setup = std::make_unique<ModelSetup>(options.catalog, options.load);
  std::unique_ptr<LibraryService> service(new LibraryService(std::move(state)));
  State* s = service->s_.get();
  s->loader = std::thread([s] { s->LoaderLoop(); });
  return service;
}

void LibraryService::WaitUntilReady() {
  std::unique_lock lock(s_->mu);
  s_->cv.wait(lock, [&] { return s_->first_load_done; });
  if (!s_->options.load_model) return;
  // The model loads right after the first refresh when there are vectors to query.
  s_->cv.wait_for(lock, std::chrono::minutes(5),
                  [&] { return s_->model_state != "loading" || s_->vectors_state != "ready"; });
}

Result<json> LibraryService::SearchText(const std::string& text, const PageRequest& page) {
  const auto t0 = Clock::now();
  if (page.mode == search::SearchMode::kText) {
    if (auto q = search::ParseTextQuery(text); !q.ok()) return q.status();
  } else if (auto terms = search::ParseQuery(text); !terms.ok()) {
    return terms.status();
  }
  // The semantic half when the model and vectors are ready; hybrid goes on without it.
  std::string note;
  std::optional<std::vector<float>> query;
  auto searcher = s_->CurrentSearcher();
  if (!s_->model_ready || !searcher) {
    const Status why = s_->NoSearcher();
    if (page.mode == search::SearchMode::kSemantic) return why;
    if (page.mode == search::SearchMode::kHybrid)
      note = "searched the words in the photos only: " + why.message();
  } else if (page.mode != search::SearchMode::kText) {
    auto q = search::TextQueryVector(text, [this](const std::vector<std::string>& texts) {
      std::vector<std::vector<float>> out;
      for (const auto& t : texts) {
        auto v = s_->EmbedText(t);
        if (!v.ok()) return Result<std::vector<std::vector<float>>>(v.status());
        out.push_back(std::move(*v));
      }
      return Result<std::vector<std::vector<float>>>(std::move(out));
    });
    if (!q.ok()) return q.status();
    query = std::move(*q);
  }
  const double embed_ms = MsSince(t0);
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  search::SearchOptions o = page.options;
  o.n = page.offset + page.n + 1;  // one more tells whether there is a next page
  search::SearchTiming t;
  search::SemanticSearch semantic;
  if (query)
    semantic = [&](const search::SearchOptions& so) {
      return searcher->Search(**cat, *query, so, &t);
    };
  const auto t1 = Clock::now();
  auto hits = search::RunSearch(**cat, text, page.mode, o, semantic);
  if (!hits.ok()) return hits.status();
  json results = json::array();
  for (size_t i = static_cast<size_t>(page.offset);
       i < hits->size() && i < static_cast<size_t>(page.offset + page.n); ++i)
    results.push_back(s_->HitJson((*hits)[i]));
  json out = {
      {"results", results},
      {"n", page.n},
      {"offset", page.offset},
      {"has_more", static_cast<int64_t>(hits->size()) > page.offset + page.n},
      {"mode", query || page.mode == search::SearchMode::kText ? search::SearchModeName(page.mode)
                                                               : "text"},
      {"timing",
       {{"embed_ms", embed_ms},
        {"scan_ms", t.scan_ms},
        {"join_ms", t.join_ms},
        {"text_ms", std::max(0.0, MsSince(t1) - t.scan_ms - t.join_ms)}}}};
  if (query) {
    out["model"] = searcher->model().label;
    out["vectors"] = searcher->index().size();
  }
  if (!note.empty()) out["note"] = note;
  return out;
}

Result<json> LibraryService::Similar(int64_t asset_id, const PageRequest& page,
                                     std::optional<double> at) {
  auto s = s_->CurrentSearcher();
  if (!s) return s_->NoSearcher();
  std::optional<std::vector<float>> v;
  if (at) {
    auto cat = s_->pool->Acquire();
    if (!cat.ok()) return cat.status();
    auto row = PhotoById(**cat, asset_id);
    if (!row.ok()) return row.status();
    v = s->VectorAt(asset_id, *at, row->asset.poster_at.value_or(0));
  } else {
    v = s->VectorOf(asset_id);
  }
  if (!v) {
    auto cat = s_->pool->Acquire();
    if (!cat.ok()) return cat.status();
    auto row = PhotoById(**cat, asset_id);
    if (!row.ok()) return row.status();
    return NotFound("photo " + std::to_string(asset_id) +
                    " has no vector yet (it is waiting to be embedded, or could not be)");
  }
  return s_->Run(*v, page, asset_id, json{{"embed_ms", 0}});
}

Result<json> LibraryService::SearchImage(const std::string& bytes, const std::string& file_name,
                                         const PageRequest& page) {
  const auto t0 = Clock::now();
  if (bytes.empty()) return InvalidArgument("the upload is empty");
  if (bytes.size() > s_->options.max_upload_bytes)
    return TooLarge("the upload is " + std::to_string(bytes.size() >> 20) +
                    " MB, over the limit of " + std::to_string(s_->options.max_upload_bytes >> 20) +
                    " MB");
  // A real image, and within the pixel limit by its header, before anything is decoded.
  AnalyzeOptions check;
  check.make_thumbnail = false;
  check.max_pixels = UINT64_MAX;
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  auto analyzed = AnalyzePhoto(data, bytes.size(), file_name, check);
  if (!analyzed.ok()) return analyzed.status();
  const uint64_t pixels =
      static_cast<uint64_t>(analyzed->width) * static_cast<uint64_t>(analyzed->height);
  const uint64_t limit = std::min(s_->options.max_upload_pixels, s_->options.max_pixels);
  if (pixels > limit)
    return TooLarge("the image is " + std::to_string(analyzed->width) + "x" +
                    std::to_string(analyzed->height) + " (" + std::to_string(pixels / 1'000'000) +
                    " megapixels), over the limit of " + std::to_string(limit / 1'000'000) +
                    " megapixels for a search by image; upload a smaller copy");
  if (!s_->model_ready) return s_->NoSearcher();
  {
    std::unique_lock lock(s_->upload_mu);
    if (s_->uploads_running >= s_->options.upload_decoders &&
        s_->uploads_waiting >= s_->options.upload_queue)
      return Busy("too many searches by image at once; try again in a moment");
    ++s_->uploads_waiting;
    s_->upload_cv.wait(lock, [&] { return s_->uploads_running < s_->options.upload_decoders; });
    --s_->uploads_waiting;
    ++s_->uploads_running;
  }
  auto prepared = s_->model->PrepareBytes(data, bytes.size(), file_name);
  {
    std::lock_guard lock(s_->upload_mu);
    --s_->uploads_running;
  }
  s_->upload_cv.notify_one();
  if (!prepared.ok()) return Corrupt(file_name + ": " + prepared.status().message());
  auto v = [&] {
    std::lock_guard lock(s_->model_mu);
    return s_->model->EmbedPrepared(prepared->pixels.data(), 1);
  }();
  if (!v.ok()) return Corrupt(file_name + ": " + v.status().message());
  return s_->Run(*v, page, std::nullopt, json{{"embed_ms", MsSince(t0)}});
}

Result<json> LibraryService::Asset(int64_t asset_id) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto row = PhotoById(**cat, asset_id);
  if (!row.ok()) return row.status();
  json j = PhotoJson(*row);
  if (auto library = (*cat)->LibraryInfoFor(row->file.id); library.ok())
    AddLibraryJson(*library, &j);
  if (auto text = (*cat)->TextOfAsset(asset_id); text.ok()) AddTextJson(*text, &j);
  if (auto people = (*cat)->FacesOf(asset_id); people.ok()) AddPeopleJson(*people, &j);
  j["name"] = FileName(row->file.path);
  j["folder"] = std::filesystem::path(row->file.path).parent_path().string();
  j["thumb"] =
      row->asset.has_thumbnail ? json("/thumb/" + std::to_string(asset_id)) : json(nullptr);
  j["original"] = "/original/" + std::to_string(asset_id);
  if (j.contains("motion")) {
    j["motion"]["src"] = "/motion/" + std::to_string(asset_id);
    j["motion"].erase("file_id");
  }
  json files = json::array();
  auto asset_files = (*cat)->FilesOfAsset(asset_id);
  if (!asset_files.ok()) return asset_files.status();
  for (const AssetFile& f : *asset_files)
    files.push_back({{"path", f.path},
                     {"status", f.status == FileStatus::kPresent ? "present" : "missing"},
                     {"size", f.size}});
  j["files"] = files;
  // Exact duplicates are this asset's other present files; near ones come from the
  // duplicate report when it has been computed (GET /api/dupes starts it).
  json exact = json::array();
  for (const auto& f : files)
    if (f["status"] == "present" && f["path"] != row->file.path) exact.push_back(f["path"]);
  json near = nullptr;
  {
    std::lock_guard lock(s_->dupes_mu);
    if (s_->dupes) {
      near = json::array();
      for (const auto& c : (*s_->dupes)["near"]) {
        bool member = c["keep"].value("id", int64_t{-1}) == asset_id;
        for (const auto& o : c["others"]) member = member || o.value("id", int64_t{-1}) == asset_id;
        if (!member) continue;
        for (const auto& o : c["others"])
          if (o.value("id", int64_t{-1}) != asset_id) near.push_back(o);
        if (c["keep"].value("id", int64_t{-1}) != asset_id) near.push_back(c["keep"]);
      }
    }
  }
  j["duplicates"] = {{"exact", exact}, {"near", near}};
  if (auto s = s_->CurrentSearcher()) j["embedded"] = s->VectorOf(asset_id).has_value();
  return j;
}

Result<json> LibraryService::Random(int64_t n) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto max = (*cat)->MaxAssetId();
  if (!max.ok()) return max.status();
  const int64_t max_id = *max;
  json out = json::array();
  if (max_id == 0) return json{{"results", out}};
  // Random ids, skipping the holes and the photos that cannot be shown: O(n) lookups
  // instead of ORDER BY random() over the whole table.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> pick(1, max_id);
  std::unordered_map<int64_t, bool> seen;
  for (int64_t tries = 0; tries < n * 20 && static_cast<int64_t>(out.size()) < n; ++tries) {
    const int64_t id = pick(rng);
    if (seen.count(id)) {
      if (static_cast<int64_t>(seen.size()) >= max_id) break;
      continue;
    }
    seen[id] = true;
    auto row = (*cat)->FindByAssetId(id);
    if (!row.ok()) return row.status();
    if (!*row || (*row)->file.status != FileStatus::kPresent || !(*row)->asset.has_thumbnail)
      continue;
    // Photos in a library's trash or hidden by it are not shown unasked, here as in searches.
    auto trashed = (*cat)->IsSetAside(id);
    if (!trashed.ok()) return trashed.status();
    if (*trashed) continue;
    search::SearchHit h{id, (*row)->file.path, 0.0f, (*row)->asset.taken_at, true};
    h.duration = (*row)->asset.duration;
    json j = s_->HitJson(h);
    j.erase("score");
    j.erase("probability");
    out.push_back(j);
  }
  return json{{"results", out}};
}

Result<json> LibraryService::Browse(const PageRequest& page, const std::string& order) {
  // Needs neither vectors nor a model: the catalog alone (browsing works offline, before
  // the first embedding, and while the model is missing).
  BrowseOrder by;
  if (order == "newest" || order.empty())
    by = BrowseOrder::kNewest;
  else if (order == "oldest")
    by = BrowseOrder::kOldest;
  else if (order == "path")
    by = BrowseOrder::kPath;
  else
    return InvalidArgument("order must be newest, oldest or path");
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto rows = (*cat)->Browse(page.options.filter, by, page.offset, page.n);
  if (!rows.ok()) return rows.status();
  json results = json::array();
  for (BrowseRow& r : rows->rows) {
    search::SearchHit h{r.asset_id, std::move(r.path), 0.0f, std::move(r.taken_at),
                        r.has_thumbnail};
    h.duration = r.duration;
    json j = s_->HitJson(h);
    j.erase("score");
    j.erase("probability");
    results.push_back(std::move(j));
  }
  const bool more = rows->has_more;
  return json{{"results", results}, {"n", page.n}, {"offset", page.offset}, {"has_more", more}};
}

Result<json> LibraryService::People(const PageRequest& page) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto people = (*cat)->People(page.options.filter);
  if (!people.ok()) return people.status();
  return json{{"people", PeopleJson(*people)}};
}

Result<json> LibraryService::Collections(CollectionKind kind, const PageRequest& page) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto found = (*cat)->Collections(kind, page.options.filter);
  if (!found.ok()) return found.status();
  json list = json::array();
  for (const CollectionSummary& c : *found)
    list.push_back(
        {{"name", c.name},
         {"photos", c.photos},
         {"cover",
          {{"id", c.cover_asset_id}, {"thumb", "/thumb/" + std::to_string(c.cover_asset_id)}}}});
  const char* key = kind == CollectionKind::kAlbum     ? "albums"
                    : kind == CollectionKind::kKeyword ? "keywords"
                                                       : "folders";
  return json{{key, list}};
}

Result<json> LibraryService::Timeline(const PageRequest& page) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto t = (*cat)->PhotoTimeline(page.options.filter);
  if (!t.ok()) return t.status();
  json months = json::array();
  for (const auto& [month, n] : t->months) months.push_back({{"month", month}, {"photos", n}});
  return json{{"months", months}, {"undated", t->undated}};
}

Result<json> LibraryService::Problems(int64_t limit) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto errors = (*cat)->Errors();
  if (!errors.ok()) return errors.status();
  json list = json::array();
  for (const auto& e : *errors) {
    if (static_cast<int64_t>(list.size()) >= limit) break;
    list.push_back({{"path", e.path}, {"reason", e.reason}, {"kind", e.kind}});
  }
  return json{{"problems", std::move(list)}, {"count", errors->size()}};
}

Result<json> LibraryService::Dupes() {
  VectorVersion v;
  {
    std::lock_guard lock(s_->mu);
    v = s_->version;
  }
  std::lock_guard lock(s_->dupes_mu);
  if (!s_->dupes || !(s_->dupes_version == v)) s_->StartDupes();
  if (!s_->dupes)
    return json{{"state", "computing"}, {"exact", json::array()}, {"near", json::array()}};
  json out = *s_->dupes;
  out["state"] = s_->dupes_running ? "refreshing" : "ready";
  return out;
}

Result<json> LibraryService::LibraryStatus() {
  // Counting a 200k-photo catalog takes a few hundred ms; pages poll this every few seconds.
  {
    std::lock_guard lock(s_->status_mu);
    if (s_->status_cache && Clock::now() - s_->status_time < std::chrono::seconds(2))
      return *s_->status_cache;
  }
  auto fresh = ComputeStatus();
  if (fresh.ok()) {
    std::lock_guard lock(s_->status_mu);
    s_->status_cache = *fresh;
    s_->status_time = Clock::now();
  }
  return fresh;
}

Result<json> LibraryService::StartModelSetup(const std::string& model) {
  auto started = s_->setup->Start(model);
  if (started.ok()) {
    std::lock_guard lock(s_->status_mu);
    s_->status_cache.reset();  // the next poll shows the download at once
  }
  return started;
}

Result<json> LibraryService::ComputeStatus() {
  std::optional<ModelRecord> rec;
  json j;
  int64_t changes = 0;
  {
    std::lock_guard lock(s_->mu);
    rec = s_->record;
    changes = s_->catalog_changes;
    j["vectors"] = {{"state", s_->vectors_state},
                    {"count", s_->searcher ? s_->searcher->index().size() : 0},
                    {"load_ms", s_->vectors_load_ms}};
    if (!s_->vectors_error.empty()) j["vectors"]["error"] = s_->vectors_error;
    // A damaged graph file is left out (exact scans) until `index` rebuilds it.
    if (s_->searcher && !s_->searcher->vectors().graph_report().damage.empty())
      j["vectors"]["damaged"] = s_->searcher->vectors().graph_report().damage;
    j["model"] = {{"state", s_->model_state}, {"load_ms", s_->model_load_ms}};
    if (!s_->model_error.empty()) j["model"]["error"] = s_->model_error;
    j["indexing"] = {{"active", Clock::now() - s_->last_change < std::chrono::seconds(15)}};
  }
  j["setup"] = s_->setup->Snapshot();
  if (rec) {
    j["model"]["label"] = rec->label;
    j["model"]["family"] = rec->family;
    j["model"]["dim"] = rec->dim;
  }
  // The counts: from the catalog only when something was committed since they were made.
  std::optional<json> counts;
  {
    std::lock_guard lock(s_->status_mu);
    if (s_->counts_changes == changes && s_->counts_cache &&
        s_->counts_cache->contains("coverage") == rec.has_value())
      counts = s_->counts_cache;
  }
  if (!counts) {
    auto cat = s_->pool->Acquire();
    if (!cat.ok()) return cat.status();
    auto stats = (*cat)->Stats();
    if (!stats.ok()) return stats.status();
    counts = json{{"assets", stats->assets},    {"files", stats->files},
                  {"missing", stats->missing},  {"thumbnails", stats->thumbnails},
                  {"errors", stats->errors},    {"warnings", stats->warnings},
                  {"formats", stats->by_format}};
    if (auto text = (*cat)->TextCoverageOf(ocr::kOcrVersion); text.ok())
      (*counts)["text"] = TextCoverageJson(*text);
    if (rec) {
      EmbeddingStore store = (*cat)->Embeddings();
      if (auto c = store.Coverage(rec->id); c.ok())
        (*counts)["coverage"] = {
            {"embedded", c->embedded}, {"failed", c->failed}, {"pending", c->pending}};
    }
    std::lock_guard lock(s_->status_mu);
    s_->counts_cache = counts;
    s_->counts_changes = changes;
  }
  for (auto& [key, value] : counts->items())
    if (key != "coverage") j[key] = value;
  if (counts->contains("coverage")) {
    const json& c = (*counts)["coverage"];
    j["indexing"]["embedded"] = c["embedded"];
    j["indexing"]["failed"] = c["failed"];
    j["indexing"]["pending"] = c["pending"];
    if (c["pending"].get<int64_t>() > 0) j["indexing"]["active"] = true;
  }
  return j;
}

Result<FileReply> LibraryService::Thumbnail(int64_t asset_id) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto row = PhotoById(**cat, asset_id);
  if (!row.ok()) return row.status();
  const std::string& hash = row->asset.hash;
  const std::string missing = "photo " + std::to_string(asset_id) + " has no thumbnail";
  if (!row->asset.has_thumbnail)
    return NotFound(missing + (row->asset.error ? " (" + *row->asset.error + ")" : std::string()));
  auto bytes = s_->thumbs.Read(hash);  // checked: a damaged one is not shown
  if (!bytes.ok())
    return NotFound(missing + " in the cache (run `shoebox index` to make it again)");
  return FileReply{nullptr, std::string(bytes->begin(), bytes->end()), "image/jpeg", hash};
}

Result<FileReply> LibraryService::StoredOriginal(int64_t asset_id) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto row = PhotoById(**cat, asset_id);
  if (!row.ok()) return row.status();
  if (row->file.status != FileStatus::kPresent)
    return NotFound("every file of photo " + std::to_string(asset_id) + " is missing");
  return OpenReply(**cat, *row, "application/octet-stream");
}

Result<FileReply> LibraryService::Motion(int64_t asset_id) {
  auto cat = s_->pool->Acquire();
  if (!cat.ok()) return cat.status();
  auto row = PhotoById(**cat, asset_id);
  if (!row.ok()) return row.status();
  const AssetRecord& a = row->asset;
  if (a.motion_file_id) {  // a Live Photo's MOV beside it, under the same checks as originals
    auto part = (*cat)->FindByFileId(*a.motion_file_id);
    if (!part.ok()) return part.status();
    if (!*part || !(*part)->file.asset_id)
      return NotFound("the motion part of photo " + std::to_string(asset_id) + " is gone");
    return OpenReply(**cat, **part, "video/mp4");
  }
  auto stored = StoredOriginal(asset_id);
  if (!stored.ok()) return stored.status();
  if (!a.motion_offset || !a.motion_length || *a.motion_offset < 0 || *a.motion_length <= 0 ||
      static_cast<uint64_t>(*a.motion_offset + *a.motion_length) >
          (stored->file ? stored->file->size() : stored->bytes.size()))
    return NotFound("photo " + std::to_string(asset_id) + " has no motion part");
  FileReply reply = std::move(*stored);
  if (!reply.file) {
    reply.bytes = reply.bytes.substr(static_cast<size_t>(*a.motion_offset),
                                     static_cast<size_t>(*a.motion_length));
  } else {
    reply.offset = static_cast<uint64_t>(*a.motion_offset);
    reply.length = static_cast<uint64_t>(*a.motion_length);
  }
  reply.content_type = "video/mp4";
  reply.etag += "-motion";
  return reply;
}

Result<FileReply> LibraryService::Original(int64_t asset_id) {
  auto stored = StoredOriginal(asset_id);
  if (!stored.ok() || BrowserMime(stored->format)) return stored;
  // HEIC, RAW, TIFF...: an upright JPEG the browser can show, long side up to 2560 px.
  std::string bytes = std::move(stored->bytes);
  if (stored->file) {
    auto all = stored->file->ReadAll(uint64_t{2} << 30);
    if (!all.ok()) return all.status();
    bytes.assign(all->begin(), all->end());
  }
  AnalyzeOptions opt;
  opt.thumbnail_size = 2560;
  opt.max_pixels = s_->options.max_pixels;
  auto photo =
      AnalyzePhoto(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), stored->path, opt);
  if (!photo.ok()) return Corrupt(stored->path + ": " + photo.status().message());
  FileReply reply;
  reply.bytes.assign(photo->thumbnail_jpeg.begin(), photo->thumbnail_jpeg.end());
  reply.content_type = "image/jpeg";
  reply.etag = stored->etag + "-jpeg";
  return reply;
}

}  // namespace shoebox::web
