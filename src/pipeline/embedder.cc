#include "pipeline/embedder.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <mutex>

#include "base/progress.h"
#include "base/thread_pool.h"
#include "catalog/embedding_store.h"
#include "library/archive/archive_reader.h"

namespace shoebox {
namespace {

struct Prepared {
  std::vector<PendingAsset> assets;
  std::vector<float> pixels;       // rows of the assets that decoded, in order
  std::vector<int64_t> ok_ids;     // their asset ids
  std::vector<std::string> sources;  // "photo" or "thumbnail", per ok id
  std::vector<EmbeddingRow> failed;
};

// Open archives, kept across batches (one Prepare runs at a time).
using Cursors = std::map<std::string, std::unique_ptr<ArchiveCursor>>;

Prepared Prepare(const Model& model, const ThumbnailCache* thumbs, ThreadPool& pool, Cursors* cursors,
                 std::vector<PendingAsset> assets) {
  Prepared p;
  p.assets = std::move(assets);
  std::vector<Result<std::vector<float>>> results(p.assets.size(), Status(Internal("not run")));
  std::vector<std::string> sources(p.assets.size(), "photo");
  // Photos inside archives (Takeout downloads): read here, one pass per archive, in the
  // archive's order (asset ids follow it), and decoded from memory by the workers.
  std::map<size_t, Result<std::vector<uint8_t>>> in_archives;
  {
    std::map<std::string, std::map<std::string, std::vector<size_t>>> wanted;  // archive -> member -> indexes
    for (size_t i = 0; i < p.assets.size(); ++i) {
      std::error_code ec;
      if (std::filesystem::exists(p.assets[i].path, ec)) continue;
      if (auto split = SplitArchivePath(p.assets[i].path)) wanted[split->archive][split->member].push_back(i);
    }
    for (const auto& [archive, members] : wanted) {
      std::set<std::string> names;
      for (const auto& [m, idx] : members) names.insert(m);
      auto& cursor = (*cursors)[archive];
      if (!cursor) cursor = std::make_unique<ArchiveCursor>(archive);
      auto read = cursor->Read(names, uint64_t{2} << 30);
      for (const auto& [m, idx] : members) {
        for (size_t i : idx) {
          if (!read.ok()) in_archives.emplace(i, read.status());
          else if (auto it = read->find(m); it != read->end()) in_archives.emplace(i, it->second);
          else in_archives.emplace(i, Status(NotFound(archive + ": no member " + m + " any more")));
        }
      }
    }
  }
  for (size_t i = 0; i < p.assets.size(); ++i) {
    pool.Submit([&, i] {
      auto member = in_archives.find(i);
      Result<std::vector<float>> r =
          member == in_archives.end() ? model.PreparePhoto(p.assets[i].path)
          : member->second.ok()       ? model.PrepareBytes(member->second->data(), member->second->size())
                                      : Result<std::vector<float>>(member->second.status());
      if (!r.ok() && member != in_archives.end())
        r = Status(r.status().code(), p.assets[i].path + ": " + r.status().message());
      // Formats the decoder cannot read (RAW) still have the preview the indexer extracted.
      if (!r.ok() && thumbs) {
        auto thumb = thumbs->PathFor(p.assets[i].hash);
        std::error_code ec;
        if (std::filesystem::exists(thumb, ec)) {
          auto t = model.PreparePhoto(thumb);
          if (t.ok()) {
            r = std::move(t);
            sources[i] = "thumbnail";
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
      p.sources.push_back(sources[i]);
      p.pixels.insert(p.pixels.end(), results[i]->begin(), results[i]->end());
    } else {
      p.failed.push_back({p.assets[i].asset_id, {}, results[i].status().message()});
    }
  }
  return p;
}

}  // namespace

Result<EmbedReport> EmbedMissing(Catalog& catalog, Model& model, const ThumbnailCache* thumbs,
                                 const EmbedOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  EmbeddingStore store(&catalog.db());
  ModelRecord record;
  record.fingerprint = model.fingerprint();
  record.label = model.label();
  record.location = options.location.empty() ? model.dir().string() : options.location;
  record.family = model.family();
  record.dim = model.dim();
  record.preprocess_version = Model::kPreprocessVersion;
  auto model_id = store.EnsureModel(record, static_cast<int64_t>(std::time(nullptr)));
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
    SHOEBOX_RETURN_IF_ERROR(fetch(&next));
    if (!next.empty())
      pending = std::async(std::launch::async, Prepare, std::cref(model), thumbs, std::ref(pool), &cursors,
                           std::move(next));
    std::vector<EmbeddingRow> rows = std::move(batch.failed);
    const int64_t n = static_cast<int64_t>(batch.ok_ids.size());
    if (n > 0) {
      auto vectors = model.EmbedPrepared(batch.pixels.data(), n);
      if (!vectors.ok()) return vectors.status();
      for (int64_t i = 0; i < n; ++i)
        rows.push_back({batch.ok_ids[static_cast<size_t>(i)],
                        std::vector<float>(vectors->begin() + i * model.dim(), vectors->begin() + (i + 1) * model.dim()),
                        {}, batch.sources[static_cast<size_t>(i)]});
    }
    SHOEBOX_RETURN_IF_ERROR(store.Put(*model_id, rows));
    report.embedded += n;
    report.failed += static_cast<int64_t>(rows.size()) - n;
    progress.Update(static_cast<uint64_t>(report.embedded + report.failed));
  }
  progress.Finish();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace shoebox
