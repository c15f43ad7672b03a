#include "pipeline/embedder.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "base/progress.h"
#include "base/thread_pool.h"
#include "catalog/embedding_store.h"
#include "library/archive/archive_reader.h"

namespace shoebox {
namespace {

struct Prepared {
  std::vector<PendingAsset> assets;
  std::vector<float> pixels;         // rows of the assets that decoded, in order
  std::vector<int64_t> ok_ids;       // their asset ids
  std::vector<std::string> sources;  // "photo", "preview" or "thumbnail", per ok id
  std::vector<EmbeddingRow> failed;
};

// Open archives, kept across batches (one Prepare runs at a time).
using Cursors = std::map<std::string, std::unique_ptr<ArchiveCursor>>;

Prepared Prepare(const EmbeddingModel& model, const ThumbnailCache* thumbs, ThreadPool& pool,
                 Cursors* cursors, std::vector<PendingAsset> assets) {
  Prepared p;
  p.assets = std::move(assets);
  std::vector<Result<EmbeddingModel::Prepared>> results(p.assets.size(),
                                                        Status(Internal("not run")));
  // Photos inside archives (Takeout downloads): read here, one pass per archive, in the
  // archive's order (asset ids follow it), and decoded from memory by the workers.
  std::map<size_t, Result<std::vector<uint8_t>>> in_archives;
  {
    std::map<std::string, std::map<std::string, std::vector<size_t>>>
        wanted;  // archive -> member -> indexes
    for (size_t i = 0; i < p.assets.size(); ++i) {
      std::error_code ec;
      if (std::filesystem::exists(p.assets[i].path, ec)) continue;
      if (auto split = SplitArchivePath(p.assets[i].path))
        wanted[split->archive][split->member].push_back(i);
    }
    for (const auto& [archive, members] : wanted) {
      std::set<std::string> names;
      for (const auto& [m, idx] : members) names.insert(m);
      auto& cursor = (*cursors)[archive];
      if (!cursor) cursor = std::make_unique<ArchiveCursor>(archive);
      auto read = cursor->Read(names, kMaxArchiveMemberBytes);
      for (const auto& [m, idx] : members) {
        for (size_t i : idx) {
          if (!read.ok())
            in_archives.emplace(i, read.status());
          else if (auto it = read->find(m); it != read->end())
            in_archives.emplace(i, it->second);
          else
            in_archives.emplace(i, Status(NotFound(archive + ": no member " + m + " any more")));
        }
      }
    }
  }
  for (size_t i = 0; i < p.assets.size(); ++i) {
    pool.Submit([&, i] {
      auto member = in_archives.find(i);
      const std::string name = std::filesystem::path(p.assets[i].path).filename().string();
      Result<EmbeddingModel::Prepared> r =
          member == in_archives.end() ? model.PreparePhoto(p.assets[i].path)
          : member->second.ok()
              ? model.PrepareBytes(member->second->data(), member->second->size(), name)
              : Result<EmbeddingModel::Prepared>(member->second.status());
      if (!r.ok() && member != in_archives.end())
        r = Status(r.status().code(), p.assets[i].path + ": " + r.status().message());
      // Formats the decoder cannot read (RAW without a large enough preview) still have the
      // thumbnail the indexer made.
      if (!r.ok() && thumbs) {
        if (auto thumb = thumbs->Read(p.assets[i].hash);
            thumb.ok()) {  // checked: never a damaged one
          auto t = model.PrepareBytes(thumb->data(), thumb->size(), "thumbnail.jpg");
          if (t.ok()) {
            r = std::move(t);
            r->source = "thumbnail";
          }
        }
      }
      results[i] = std::move(r);
    });
  }
  pool.Wait();
  for (size_t i = 0; i < p.assets.size(); ++i) {
    if (results[i].ok()) {
      p.ok_ids.push_back(p.assets[i].asset_id);
      p.sources.push_back(results[i]->source);
      p.pixels.insert(p.pixels.end(), results[i]->pixels.begin(), results[i]->pixels.end());
    } else {
      p.failed.push_back({p.assets[i].asset_id, {}, results[i].status().message()});
    }
  }
  return p;
}

Result<int64_t> RegisterModel(EmbeddingStore& store, const EmbeddingModel& model,
                              const EmbedOptions& options) {
  ModelRecord record;
  record.fingerprint = model.fingerprint();
  record.label = model.label();
  record.location = options.location.empty() ? model.dir().string() : options.location;
  record.family = model.family();
  record.dim = model.dim();
  record.preprocess_version = EmbeddingModel::kPreprocessVersion;
  return store.EnsureModel(record, static_cast<int64_t>(std::time(nullptr)));
}

}  // namespace

Result<std::unique_ptr<InlineEmbedder>> InlineEmbedder::Create(Catalog* catalog,
                                                               EmbeddingModel* model,
                                                               const EmbedOptions& options) {
  std::unique_ptr<InlineEmbedder> e(new InlineEmbedder(catalog, model, options.batch));
  auto id = RegisterModel(e->store_, *model, options);
  if (!id.ok()) return id.status();
  e->model_id_ = *id;
  return e;
}

InlineEmbedder::InlineEmbedder(Catalog* catalog, EmbeddingModel* model, int64_t batch)
    : model_(model), store_(catalog->Embeddings()), batch_(std::max<int64_t>(1, batch)) {}

Status InlineEmbedder::Add(int64_t asset_id, std::vector<float> pixels, const std::string& source) {
  if (static_cast<int64_t>(pixels.size()) != model_->prepared_floats())
    return Internal("model input of the wrong size for asset " + std::to_string(asset_id));
  if (pixels_.empty()) pixels_.reserve(static_cast<size_t>(batch_ * model_->prepared_floats()));
  pixels_.insert(pixels_.end(), pixels.begin(), pixels.end());
  ids_.push_back(asset_id);
  sources_.push_back(source);
  if (static_cast<int64_t>(ids_.size()) >= batch_) return Flush();
  return Status::Ok();
}

Status InlineEmbedder::Flush() {
  if (ids_.empty()) return Status::Ok();
  const auto start = std::chrono::steady_clock::now();
  const int64_t n = static_cast<int64_t>(ids_.size());
  auto vectors = model_->EmbedPrepared(pixels_.data(), n);
  if (!vectors.ok()) return vectors.status();
  std::vector<EmbeddingRow> rows;
  for (int64_t i = 0; i < n; ++i)
    rows.push_back({ids_[static_cast<size_t>(i)],
                    std::vector<float>(vectors->begin() + i * model_->dim(),
                                       vectors->begin() + (i + 1) * model_->dim()),
                    {},
                    sources_[static_cast<size_t>(i)]});
  SHOEBOX_RETURN_IF_ERROR(store_.Put(model_id_, rows));
  embedded_ += n;
  pixels_.clear();
  ids_.clear();
  sources_.clear();
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Status::Ok();
}

Result<EmbedReport> EmbedMissing(Catalog& catalog, EmbeddingModel& model,
                                 const ThumbnailCache* thumbs, const EmbedOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  EmbeddingStore store = catalog.Embeddings();
  auto model_id = RegisterModel(store, model, options);
  if (!model_id.ok()) return model_id.status();
  EmbedReport report;
  report.model_id = *model_id;
  auto coverage = store.Coverage(*model_id);
  if (!coverage.ok()) return coverage.status();

  Progress progress("embedding", static_cast<uint64_t>(coverage->pending));
  progress.set_enabled(options.progress && coverage->pending > 0);
  ThreadPool pool(options.decode_threads);
  int64_t after = 0;
  auto fetch = [&](std::vector<PendingAsset>* out) -> Status {
    auto next = store.Pending(*model_id, after, options.batch);
    if (!next.ok()) return next.status();
    if (!next->empty()) after = next->back().asset_id;
    *out = std::move(*next);
    return Status::Ok();
  };
  std::vector<PendingAsset> first;
  SHOEBOX_RETURN_IF_ERROR(fetch(&first));
  if (first.empty()) return report;
  Cursors cursors;
  std::future<Prepared> pending = std::async(std::launch::async, Prepare, std::cref(model), thumbs,
                                             std::ref(pool), &cursors, std::move(first));
  while (pending.valid()) {
    Prepared batch = pending.get();
    // Decode the next batch while this one runs through the network.
    std::vector<PendingAsset> next;
    if (!options.stop || !options.stop->load()) SHOEBOX_RETURN_IF_ERROR(fetch(&next));
    if (!next.empty())
      pending = std::async(std::launch::async, Prepare, std::cref(model), thumbs, std::ref(pool),
                           &cursors, std::move(next));
    std::vector<EmbeddingRow> rows = std::move(batch.failed);
    const int64_t n = static_cast<int64_t>(batch.ok_ids.size());
    if (n > 0) {
      auto vectors = model.EmbedPrepared(batch.pixels.data(), n);
      if (!vectors.ok()) return vectors.status();
      for (int64_t i = 0; i < n; ++i)
        rows.push_back({batch.ok_ids[static_cast<size_t>(i)],
                        std::vector<float>(vectors->begin() + i * model.dim(),
                                           vectors->begin() + (i + 1) * model.dim()),
                        {},
                        batch.sources[static_cast<size_t>(i)]});
    }
    SHOEBOX_RETURN_IF_ERROR(store.Put(*model_id, rows));
    report.embedded += n;
    report.failed += static_cast<int64_t>(rows.size()) - n;
    progress.Update(static_cast<uint64_t>(report.embedded + report.failed));
  }
  progress.Finish();
  if (options.stop && options.stop->load())
    return Cancelled("stopped before every photo was embedded");
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace shoebox
