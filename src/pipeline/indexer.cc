#include "pipeline/indexer.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "base/file_io.h"
#include "base/progress.h"
#include "base/thread_pool.h"
#include "library/folder/folder_walker.h"

namespace shoebox {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// What a worker learned about one file.
struct WorkResult {
  WalkEntry entry;
  bool vanished = false;
  bool not_image = false;
  std::optional<int64_t> known_asset_id;  // content already catalogued
  std::optional<AssetRecord> asset;       // new content (possibly with .error set)
  std::optional<std::string> error;       // no asset at all (unreadable, empty, not an image)
  Status fatal;                           // ends the run (our own disk is full)
};

AssetRecord ToAsset(const std::string& hash, int64_t size, const AnalyzedPhoto& p) {
  AssetRecord a;
  a.hash = hash;
  a.size = size;
  a.format = std::string(FormatName(p.format));
  if (p.width > 0) a.width = p.width;
  if (p.height > 0) a.height = p.height;
  const PhotoMetadata& m = p.metadata;
  if (a.width == std::nullopt && m.exif_width) a.width = m.exif_width;
  if (a.height == std::nullopt && m.exif_height) a.height = m.exif_height;
  a.orientation = m.orientation;
  a.taken_at = m.taken_at;
  a.tz_offset = m.tz_offset;
  a.make = m.make;
  a.model = m.model;
  a.lens = m.lens;
  a.gps_lat = m.gps_lat;
  a.gps_lon = m.gps_lon;
  a.gps_alt = m.gps_alt;
  a.rating = m.rating;
  if (!p.warning.empty()) a.warning = p.warning;
  return a;
}

WorkResult ProcessFile(const WalkEntry& entry,
                       const std::unordered_map<std::string, int64_t>& known_assets,
                       const ThumbnailCache& thumbs, const IndexOptions& opt) {
  WorkResult r;
  r.entry = entry;
  const std::string name = BaseName(entry.path);
  // Sniff before reading everything: a 4 GB video with an unknown extension costs 64 bytes.
  auto head = ReadFilePrefix(entry.path, kSniffBytes);
  if (!head.ok()) {
    if (head.status().code() == StatusCode::kNotFound) r.vanished = true;
    else r.error = head.status().message();
    return r;
  }
  ImageFormat format = SniffFormat(head->data(), head->size(), name);
  if (format == ImageFormat::kUnknown) {
    if (HasImageExtension(name)) r.error = DescribeNonImage(head->data(), head->size());
    else r.not_image = true;
    return r;
  }
  // One buffer per worker, reused: a fresh 5 MB allocation per photo costs page faults.
  thread_local std::vector<uint8_t> buffer;
  struct ReleaseIfHuge {  // ...but a 1 GB panorama's buffer is not kept around
    ~ReleaseIfHuge() {
      if (buffer.capacity() > (uint64_t{64} << 20)) std::vector<uint8_t>().swap(buffer);
    }
  } release_if_huge;
  Status read = ReadWholeFileInto(entry.path, opt.max_file_bytes, &buffer);
  if (!read.ok()) {
    if (read.code() == StatusCode::kNotFound) r.vanished = true;
    else r.error = read.message();
    return r;
  }
  const std::vector<uint8_t>* bytes = &buffer;
  std::string hash = ContentHashHex(bytes->data(), bytes->size());
  if (auto it = known_assets.find(hash); it != known_assets.end()) {
    r.known_asset_id = it->second;  // moved, renamed or copied: nothing to decode
    return r;
  }
  AnalyzedPhoto partial;
  partial.format = format;
  auto photo = AnalyzePhoto(bytes->data(), bytes->size(), name, opt.analyze, &partial);
  if (!photo.ok()) {
    AssetRecord a = ToAsset(hash, static_cast<int64_t>(bytes->size()), partial);
    a.error = photo.status().message();
    r.asset = std::move(a);
    return r;
  }
  AssetRecord a = ToAsset(hash, static_cast<int64_t>(bytes->size()), *photo);
  if (!photo->thumbnail_jpeg.empty()) {
    Status st = thumbs.Put(hash, photo->thumbnail_jpeg);
    if (st.ok()) a.has_thumbnail = true;
    else if (st.code() == StatusCode::kDiskFull) r.fatal = st;
    else a.warning = "thumbnail not saved: " + st.message();
  }
  r.asset = std::move(a);
  return r;
}

// Thread-safe hand-off from the workers to the single writer thread.
class ResultQueue {
 public:
  void Push(WorkResult r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      q_.push_back(std::move(r));
    }
    cv_.notify_one();
  }
  // Waits up to `wait` for at least one result; returns all that are ready.
  std::deque<WorkResult> PopAll(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, wait, [this] { return !q_.empty(); });
    std::deque<WorkResult> out;
    out.swap(q_);
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WorkResult> q_;
};

class RootIndexer {
 public:
  RootIndexer(Catalog* cat, const ThumbnailCache& thumbs, const IndexOptions& opt,
              IndexReport* report)
      : cat_(cat), thumbs_(thumbs), opt_(opt), report_(report) {}

  Status Run(const std::string& root) {
    auto source = cat_->EnsureSource(opt_.source_kind, root, Now());
    if (!source.ok()) return source.status();
    source_id_ = *source;
    WalkOptions wopt;
    wopt.exclude = opt_.exclude;
    auto walk = WalkFolder(root, wopt);
    if (!walk.ok()) return walk.status();
    auto known = cat_->LoadFilesUnder(root);
    if (!known.ok()) return known.status();
    return Reconcile(root, *walk, &*known, true);
  }

  // A library's own file list: files of this source that are not in it are missing now.
  Status RunList(const std::string& kind, const std::string& root, const std::vector<WalkEntry>& files) {
    auto source = cat_->EnsureSource(kind, root, Now());
    if (!source.ok()) return source.status();
    source_id_ = *source;
    auto known = cat_->LoadFilesOfSource(source_id_);
    if (!known.ok()) return known.status();
    WalkResult walk;
    walk.files = files;
    return Reconcile(root, walk, &*known, false);
  }

 private:
  // Indexes what is new or changed in walk, marks what it no longer has missing.
  Status Reconcile(const std::string& root, const WalkResult& walk_result,
                 std::unordered_map<std::string, KnownFile>* known_files, bool folder_walk) {
    const WalkResult* walk = &walk_result;
    auto* known = known_files;
    int64_t now = Now();
    report_->seen += static_cast<int64_t>(walk->files.size());
    auto assets = cat_->LoadAssetIds();
    if (!assets.ok()) return assets.status();

    std::vector<WalkEntry> work;
    std::vector<const WalkEntry*> revived;  // missing before, back unchanged
    std::unordered_set<std::string> seen;
    seen.reserve(walk->files.size());
    for (const WalkEntry& e : walk->files) {
      seen.insert(e.path);
      auto it = known->find(e.path);
      if (it != known->end() && it->second.size == e.size && it->second.mtime_ns == e.mtime_ns) {
        if (it->second.status == FileStatus::kMissing) revived.push_back(&e);
        else ++report_->unchanged;
        continue;
      }
      work.push_back(e);
    }

    SHOEBOX_RETURN_IF_ERROR(ProcessAll(work, *assets));

    // The walk is complete, so anything it did not see is gone (for now).
    Transaction tx(&cat_->db());
    SHOEBOX_RETURN_IF_ERROR(tx.Begin());
    now = Now();
    for (const auto& [path, k] : *known) {
      if (k.status == FileStatus::kPresent && !seen.count(path)) {
        SHOEBOX_RETURN_IF_ERROR(cat_->MarkMissing(k.id, now));
        ++report_->missing;
      }
    }
    for (const WalkEntry* e : revived) {
      const KnownFile& k = known->at(e->path);
      FileRecord f;
      f.source_id = source_id_;
      f.path = e->path;
      f.size = e->size;
      f.mtime_ns = e->mtime_ns;
      f.status = FileStatus::kPresent;
      f.last_seen = now;
      if (k.has_asset) {
        auto row = cat_->FindByPath(e->path);
        if (!row.ok()) return row.status();
        if (*row && (*row)->file.asset_id) f.asset_id = (*row)->file.asset_id;
      }
      SHOEBOX_RETURN_IF_ERROR(cat_->UpsertFile(f));
    }
    SHOEBOX_RETURN_IF_ERROR(cat_->FinishScan(source_id_, now));
    if (folder_walk) SHOEBOX_RETURN_IF_ERROR(cat_->ClearFolderErrorsUnder(root));
    for (const WalkProblem& p : walk->problems) {
      SHOEBOX_RETURN_IF_ERROR(cat_->RecordError(p.path, p.reason, "folder", now));
      ++report_->folder_problems;
    }
    return tx.Commit();
  }

  Status ProcessAll(const std::vector<WalkEntry>& work,
                    const std::unordered_map<std::string, int64_t>& assets) {
    if (work.empty()) return Status::Ok();
    Progress progress("indexing", work.size());
    progress.set_enabled(opt_.show_progress);
    ResultQueue results;
    std::atomic<bool> cancel{false};
    {
      ThreadPool pool(opt_.threads);
      for (const WalkEntry& e : work) {
        pool.Submit([&, e] {
          if (cancel.load()) {
            WorkResult skipped;
            skipped.entry = e;
            skipped.vanished = true;  // not processed; the next run picks it up
            results.Push(std::move(skipped));
            return;
          }
          results.Push(ProcessFile(e, assets, thumbs_, opt_));
        });
      }
      size_t done = 0;
      std::vector<WorkResult> batch;
      Status fatal;
      auto last_commit = std::chrono::steady_clock::now();
      while (done < work.size()) {
        auto ready = results.PopAll(std::chrono::milliseconds(200));
        for (auto& r : ready) {
          batch.push_back(std::move(r));
          ++done;
        }
        bool due = batch.size() >= opt_.batch_size || done == work.size() ||
                   std::chrono::steady_clock::now() - last_commit > std::chrono::seconds(2);
        if (due && !batch.empty() && fatal.ok()) {
          fatal = CommitBatch(&batch);
          if (!fatal.ok()) cancel = true;
          batch.clear();
          last_commit = std::chrono::steady_clock::now();
        }
        if (!fatal.ok()) batch.clear();
        progress.Update(done);
      }
      pool.Wait();
      progress.Finish();
      return fatal;
    }
  }

  Status CommitBatch(std::vector<WorkResult>* batch) {
    Transaction tx(&cat_->db());
    SHOEBOX_RETURN_IF_ERROR(tx.Begin());
    int64_t now = Now();
    for (WorkResult& r : *batch) {
      if (!r.fatal.ok()) return r.fatal;
      if (r.vanished) continue;
      FileRecord f;
      f.source_id = source_id_;
      f.path = r.entry.path;
      f.size = r.entry.size;
      f.mtime_ns = r.entry.mtime_ns;
      f.status = FileStatus::kPresent;
      f.last_seen = now;
      std::optional<std::string> error = r.error;
      std::optional<std::string> warning;
      if (r.not_image) {
        f.status = FileStatus::kNotImage;
        ++report_->not_images;
      } else if (r.known_asset_id) {
        f.asset_id = r.known_asset_id;
        auto row = cat_->FindByAssetId(*r.known_asset_id);
        if (!row.ok()) return row.status();
        if (*row) {
          error = (*row)->asset.error;
          warning = (*row)->asset.warning;
        }
        ++report_->linked;
      } else if (r.asset) {
        auto id = cat_->InsertAsset(*r.asset, now);
        if (!id.ok()) return id.status();
        f.asset_id = *id;
        error = r.asset->error;
        warning = r.asset->warning;
        ++report_->added;
      }
      SHOEBOX_RETURN_IF_ERROR(cat_->UpsertFile(f));
      if (error) {
        SHOEBOX_RETURN_IF_ERROR(cat_->RecordError(f.path, *error, "file", now));
        ++report_->errors;
      } else if (warning) {
        SHOEBOX_RETURN_IF_ERROR(cat_->RecordError(f.path, *warning, "warning", now));
      } else {
        SHOEBOX_RETURN_IF_ERROR(cat_->ClearError(f.path));
      }
    }
    return tx.Commit();
  }

  Catalog* cat_;
  const ThumbnailCache& thumbs_;
  const IndexOptions& opt_;
  IndexReport* report_;
  int64_t source_id_ = 0;
};

}  // namespace

Result<IndexReport> IndexFolders(Catalog* catalog, const std::vector<std::string>& roots,
                                 const ThumbnailCache& thumbs, const IndexOptions& options) {
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  IndexReport report;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& root : roots) {
    RootIndexer indexer(catalog, thumbs, options, &report);
    SHOEBOX_RETURN_IF_ERROR(indexer.Run(root));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Result<IndexReport> IndexFileList(Catalog* catalog, const std::string& kind, const std::string& root,
                                  const std::vector<WalkEntry>& files, const ThumbnailCache& thumbs,
                                  const IndexOptions& options) {
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  IndexReport report;
  auto start = std::chrono::steady_clock::now();
  RootIndexer indexer(catalog, thumbs, options, &report);
  SHOEBOX_RETURN_IF_ERROR(indexer.RunList(kind, root, files));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace shoebox
