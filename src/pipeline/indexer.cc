#include "pipeline/indexer.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "base/file_io.h"
#include "base/progress.h"
#include "base/thread_pool.h"
#include "imaging/xmp_sidecar.h"
#include "library/archive/archive_reader.h"
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
  std::vector<float> model_input;         // for IndexOptions::embedder
  std::string model_input_source;
  std::optional<AssetTextRecord> text;  // for IndexOptions::text_reader
  int64_t new_asset_id = 0;             // set when committed
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
  for (const FaceRegion& region : m.faces) {
    const FaceRegion r = UprightRegion(region, m.orientation);
    a.faces.push_back({r.name, r.x, r.y, r.w, r.h});
  }
  if (!p.warning.empty()) a.warning = p.warning;
  if (p.motion) {
    a.motion_offset = static_cast<int64_t>(p.motion->offset);
    a.motion_length = static_cast<int64_t>(p.motion->length);
    a.motion_duration = p.motion->duration_s;
  }
  if (p.video) {
    if (p.video->duration_s > 0) a.duration = p.video->duration_s;
    if (!p.video->codec.empty()) a.codec = p.video->codec;
    if (a.error == std::nullopt && p.thumbnail_jpeg.size() + p.model_input.size() > 0)
      a.poster_at = p.video->poster_at;
  }
  return a;
}

// An analysed photo or video (or why it could not be) into *r: its asset, thumbnail saved.
// `bytes` (the whole file, when in memory) is for the text reader; a video on disk has its
// poster's words read after the crawl (text_recognition.cc), without holding the file.
void TakeAnalysis(const std::string& hash, int64_t size, Result<AnalyzedPhoto> photo,
                  const AnalyzedPhoto& partial, const std::vector<uint8_t>* bytes,
                  const ThumbnailCache& thumbs, const IndexOptions& opt, WorkResult* r) {
  if (!photo.ok()) {
    AssetRecord a = ToAsset(hash, size, partial);
    a.error = photo.status().message();
    r->asset = std::move(a);
    return;
  }
  AssetRecord a = ToAsset(hash, size, *photo);
  if (opt.text_reader && bytes)
    r->text =
        opt.text_reader->Read(bytes->data(), bytes->size(), photo->format, photo->thumbnail_jpeg);
  r->model_input = std::move(photo->model_input);
  r->model_input_source = std::move(photo->model_input_source);
  if (!photo->thumbnail_jpeg.empty()) {
    Status st = thumbs.Put(hash, photo->thumbnail_jpeg);
    if (st.ok())
      a.has_thumbnail = true;
    else if (st.code() == StatusCode::kDiskFull)
      r->fatal = st;
    else
      a.warning = "thumbnail not saved: " + st.message();
  }
  r->asset = std::move(a);
}

// Hash, link or decode one photo's bytes (format already sniffed) into *r.
void ProcessBytes(const std::string& name, ImageFormat format, const std::vector<uint8_t>& bytes,
                  const std::unordered_map<std::string, int64_t>& known_assets,
                  const ThumbnailCache& thumbs, const IndexOptions& opt, WorkResult* r) {
  std::string hash = ContentHashHex(bytes.data(), bytes.size());
  if (auto it = known_assets.find(hash); it != known_assets.end()) {
    r->known_asset_id = it->second;  // moved, renamed or copied: nothing to decode
    return;
  }
  AnalyzedPhoto partial;
  partial.format = format;
  auto photo = AnalyzePhoto(bytes.data(), bytes.size(), name, opt.analyze, &partial);
  TakeAnalysis(hash, static_cast<int64_t>(bytes.size()), std::move(photo), partial, &bytes, thumbs,
               opt, r);
}

// A video on disk: hashed and read through its descriptor in pieces, never held whole (a
// 4 GB clip costs the worker 1 MB); the demuxer seeks to the few frames it decodes.
void ProcessVideoFile(const WalkEntry& entry, ImageFormat format,
                      const std::unordered_map<std::string, int64_t>& known_assets,
                      const ThumbnailCache& thumbs, const IndexOptions& opt, WorkResult* r) {
  auto file = OpenRegularFile(entry.path);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound)
      r->vanished = true;
    else
      r->error = file.status().message();
    return;
  }
  auto hash = ContentHashHexOfFile(**file);
  if (!hash.ok()) {
    r->error = hash.status().message();
    return;
  }
  if (auto it = known_assets.find(*hash); it != known_assets.end()) {
    r->known_asset_id = it->second;
    return;
  }
  AnalyzedPhoto partial;
  partial.format = format;
  auto video = AnalyzeVideoBytes(VideoBytes::FromFile(*file), format, opt.analyze, &partial);
  TakeAnalysis(*hash, static_cast<int64_t>((*file)->size()), std::move(video), partial, nullptr,
               thumbs, opt, r);
}

// A file already read into memory (an archive member): sniffed here, then as above.
WorkResult ProcessMemory(const WalkEntry& entry, const std::vector<uint8_t>& bytes,
                         const std::unordered_map<std::string, int64_t>& known_assets,
                         const ThumbnailCache& thumbs, const IndexOptions& opt) {
  WorkResult r;
  r.entry = entry;
  const std::string name = BaseName(entry.path);
  ImageFormat format = SniffFormat(bytes.data(), std::min(bytes.size(), kSniffBytes), name);
  if (format == ImageFormat::kUnknown) {
    if (HasImageExtension(name) || HasVideoExtension(name))
      r.error = DescribeNonImage(bytes.data(), std::min(bytes.size(), kSniffBytes));
    else
      r.not_image = true;
    return r;
  }
  ProcessBytes(name, format, bytes, known_assets, thumbs, opt, &r);
  return r;
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
    if (head.status().code() == StatusCode::kNotFound)
      r.vanished = true;
    else
      r.error = head.status().message();
    return r;
  }
  ImageFormat format = SniffFormat(head->data(), head->size(), name);
  if (format == ImageFormat::kUnknown) {
    if (HasImageExtension(name) || HasVideoExtension(name))
      r.error = DescribeNonImage(head->data(), head->size());
    else
      r.not_image = true;
    return r;
  }
  if (IsVideoFormat(format)) {
    ProcessVideoFile(entry, format, known_assets, thumbs, opt, &r);
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
    if (read.code() == StatusCode::kNotFound)
      r.vanished = true;
    else
      r.error = read.message();
    return r;
  }
  ProcessBytes(name, format, buffer, known_assets, thumbs, opt, &r);
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

// One unit of work for the pool: a file to read, or bytes already read (archive members).
struct WorkJob {
  WalkEntry entry;
  std::optional<std::vector<uint8_t>> bytes;
  std::optional<std::string> error;  // reading it failed already
};
using Submit = std::function<void(WorkJob)>;

class RootIndexer {
 public:
  RootIndexer(Catalog* cat, const ThumbnailCache& thumbs, const IndexOptions& opt,
              IndexReport* report)
      : cat_(cat), thumbs_(thumbs), opt_(opt), report_(report) {
    if (opt_.embedder) opt_.analyze.model_input = &opt_.embedder->input();
  }

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
    report_->libraries_found.insert(report_->libraries_found.end(), walk->libraries.begin(),
                                    walk->libraries.end());
    return Reconcile(root, *walk, &*known, true);
  }

  // A library's own file list: files of this source that are not in it are missing now.
  Status RunList(const std::string& kind, const std::string& root,
                 const std::vector<WalkEntry>& files) {
    auto source = cat_->EnsureSource(kind, root, Now());
    if (!source.ok()) return source.status();
    source_id_ = *source;
    auto known = cat_->LoadFilesOfSource(source_id_);
    if (!known.ok()) return known.status();
    WalkResult walk;
    walk.files = files;
    return Reconcile(root, walk, &*known, false);
  }

  // An archive read front to back: new or changed members are read into memory here and
  // handed to the pool; the others are skipped unread.
  Status RunArchive(const std::string& kind, const std::string& archive,
                    ArchiveListener* listener) {
    auto source = cat_->EnsureSource(kind, archive, Now());
    if (!source.ok()) return source.status();
    source_id_ = *source;
    auto known = cat_->LoadFilesOfSource(source_id_);
    if (!known.ok()) return known.status();
    auto assets = cat_->LoadAssetIds();
    if (!assets.ok()) return assets.status();
    std::unordered_set<std::string> seen;
    std::vector<WalkEntry> revived;
    std::vector<WalkProblem> problems;
    auto produce = [&](const Submit& submit, const std::atomic<bool>& cancel) -> Status {
      auto reader = ArchiveReader::Open(archive);
      if (!reader.ok()) return reader.status();
      ArchiveEntry e;
      for (;;) {
        if (cancel.load()) return Status::Ok();
        auto more = (*reader)->Next(&e);
        if (!more.ok()) return more.status();
        if (!*more) return Status::Ok();
        if (!e.regular) continue;
        const std::string path = archive + "/" + e.member;
        if (e.problem) {
          problems.push_back({path, *e.problem});
          continue;
        }
        if (listener) listener->OnMember(path);
        const std::string name = BaseName(path);
        if (IsKnownNonImageExtension(name)) {
          if (listener && listener->WantsBytes(path)) {
            std::vector<uint8_t> bytes;
            Status read = (*reader)->Read(kMaxListenerBytes, &bytes);
            if (read.ok())
              listener->OnBytes(path, std::move(bytes));
            else
              listener->OnBytes(path, read);
          }
          continue;
        }
        WalkEntry we{path, e.size, e.mtime_ns};
        seen.insert(path);
        ++report_->seen;
        if (auto it = known->find(path);
            it != known->end() && it->second.size == e.size && it->second.mtime_ns == e.mtime_ns) {
          if (it->second.status == FileStatus::kMissing)
            revived.push_back(we);
          else
            ++report_->unchanged;
          continue;
        }
        WorkJob job;
        job.entry = we;
        std::vector<uint8_t> bytes;
        Status read =
            (*reader)->Read(std::min(opt_.max_file_bytes, kMaxArchiveMemberBytes), &bytes);
        if (read.ok())
          job.bytes = std::move(bytes);
        else
          job.error = read.message();
        submit(std::move(job));
      }
    };
    SHOEBOX_RETURN_IF_ERROR(ProcessJobs(0, produce, *assets));
    WalkResult walk;
    walk.problems = std::move(problems);
    return Finish(archive, *known, seen, revived, walk, false);
  }

 private:
  static constexpr uint64_t kMaxListenerBytes = 4 << 20;

  // Indexes what is new or changed in walk, marks what it no longer has missing.
  Status Reconcile(const std::string& root, const WalkResult& walk,
                   std::unordered_map<std::string, KnownFile>* known, bool folder_walk) {
    report_->seen += static_cast<int64_t>(walk.files.size());
    auto assets = cat_->LoadAssetIds();
    if (!assets.ok()) return assets.status();

    std::vector<const WalkEntry*> work;
    std::vector<WalkEntry> revived;  // missing before, back unchanged
    std::unordered_set<std::string> seen;
    seen.reserve(walk.files.size());
    for (const WalkEntry& e : walk.files) {
      seen.insert(e.path);
      auto it = known->find(e.path);
      if (it != known->end() && it->second.size == e.size && it->second.mtime_ns == e.mtime_ns) {
        if (it->second.status == FileStatus::kMissing)
          revived.push_back(e);
        else
          ++report_->unchanged;
        continue;
      }
      work.push_back(&e);
    }
    SHOEBOX_RETURN_IF_ERROR(ProcessJobs(
        work.size(),
        [&](const Submit& submit, const std::atomic<bool>&) {
          for (const WalkEntry* e : work) submit(WorkJob{*e, std::nullopt, std::nullopt});
          return Status::Ok();
        },
        *assets));
    return Finish(root, *known, seen, revived, walk, folder_walk);
  }

  // After a complete pass: what was not seen is gone (for now), what came back is present.
  Status Finish(const std::string& root, const std::unordered_map<std::string, KnownFile>& known,
                const std::unordered_set<std::string>& seen, const std::vector<WalkEntry>& revived,
                const WalkResult& walk, bool folder_walk) {
    Transaction tx = cat_->NewTransaction();
    SHOEBOX_RETURN_IF_ERROR(tx.Begin());
    const int64_t now = Now();
    for (const auto& [path, k] : known) {
      if (k.status == FileStatus::kPresent && !seen.count(path)) {
        SHOEBOX_RETURN_IF_ERROR(cat_->MarkMissing(k.id, now));
        ++report_->missing;
      }
    }
    for (const WalkEntry& e : revived) {
      const KnownFile& k = known.at(e.path);
      FileRecord f;
      f.source_id = source_id_;
      f.path = e.path;
      f.size = e.size;
      f.mtime_ns = e.mtime_ns;
      f.status = FileStatus::kPresent;
      f.last_seen = now;
      if (k.has_asset) {
        auto row = cat_->FindByPath(e.path);
        if (!row.ok()) return row.status();
        if (*row && (*row)->file.asset_id) f.asset_id = (*row)->file.asset_id;
      }
      SHOEBOX_RETURN_IF_ERROR(cat_->UpsertFile(f));
    }
    if (folder_walk) SHOEBOX_RETURN_IF_ERROR(RecordSidecars(known, walk.sidecars, now));
    SHOEBOX_RETURN_IF_ERROR(cat_->FinishScan(source_id_, now));
    if (folder_walk) SHOEBOX_RETURN_IF_ERROR(cat_->ClearFolderErrorsUnder(root));
    for (const WalkProblem& p : walk.problems) {
      SHOEBOX_RETURN_IF_ERROR(cat_->RecordError(p.path, p.reason, "folder", now));
      ++report_->folder_problems;
    }
    return tx.Commit();
  }

  // XMP sidecars are remembered as not-image rows, new and changed ones written, gone ones
  // marked missing: pipeline/xmp_sidecars.h reads them after the crawl.
  Status RecordSidecars(const std::unordered_map<std::string, KnownFile>& known,
                        const std::vector<WalkEntry>& sidecars, int64_t now) {
    std::unordered_set<std::string> present;
    for (const WalkEntry& e : sidecars) {
      present.insert(e.path);
      auto it = known.find(e.path);
      if (it != known.end() && it->second.status == FileStatus::kNotImage &&
          it->second.size == e.size && it->second.mtime_ns == e.mtime_ns)
        continue;
      FileRecord f;
      f.source_id = source_id_;
      f.path = e.path;
      f.size = e.size;
      f.mtime_ns = e.mtime_ns;
      f.status = FileStatus::kNotImage;
      f.last_seen = now;
      SHOEBOX_RETURN_IF_ERROR(cat_->UpsertFile(f));
    }
    for (const auto& [path, k] : known)
      if (k.status == FileStatus::kNotImage && IsXmpSidecarName(path) && !present.count(path))
        SHOEBOX_RETURN_IF_ERROR(cat_->MarkMissing(k.id, now));
    return Status::Ok();
  }

  // Runs produce (on its own thread) to submit jobs to the worker pool, and commits their
  // results here in batches. At most a bounded number of jobs is in flight, so an archive's
  // members are never all held in memory at once.
  Status ProcessJobs(
      size_t expected,
      const std::function<Status(const Submit&, const std::atomic<bool>& cancel)>& produce,
      const std::unordered_map<std::string, int64_t>& assets) {
    Progress progress(opt_.embedder ? "indexing + embedding" : "indexing", expected);
    progress.set_enabled(opt_.show_progress && expected > 0);
    ResultQueue results;
    std::atomic<bool> cancel{false};
    std::atomic<bool> produced{false};
    std::atomic<size_t> submitted{0};
    std::mutex flight_mu;
    std::condition_variable flight_cv;
    size_t in_flight = 0;
    uint64_t bytes_in_flight = 0;  // archive members held in memory
    Status produce_status;
    ThreadPool pool(opt_.threads);
    // While a batch runs through the network (opt_.embedder) the workers decode on.
    const size_t max_in_flight =
        std::max<size_t>(64, 8 * pool.size()) + (opt_.embedder ? 2 * opt_.batch_size : 0);
    constexpr uint64_t kMaxBytesInFlight = uint64_t{512} << 20;
    Submit submit = [&](WorkJob job) {
      const uint64_t bytes = job.bytes ? job.bytes->size() : 0;
      {
        std::unique_lock<std::mutex> lock(flight_mu);
        flight_cv.wait(lock, [&] {
          return in_flight < max_in_flight &&
                 (bytes_in_flight + bytes <= kMaxBytesInFlight || bytes_in_flight == 0);
        });
        ++in_flight;
        bytes_in_flight += bytes;
      }
      ++submitted;
      pool.Submit([&, bytes, job = std::move(job)]() mutable {
        struct Release {  // the member's bytes go as soon as it is processed
          std::mutex& mu;
          std::condition_variable& cv;
          uint64_t& held;
          uint64_t n;
          ~Release() {
            if (n == 0) return;
            {
              std::lock_guard<std::mutex> lock(mu);
              held -= n;
            }
            cv.notify_all();
          }
        } release{flight_mu, flight_cv, bytes_in_flight, bytes};
        if (cancel.load()) {
          WorkResult skipped;
          skipped.entry = job.entry;
          skipped.vanished = true;  // not processed; the next run picks it up
          results.Push(std::move(skipped));
        } else if (job.error) {
          WorkResult failed;
          failed.entry = job.entry;
          failed.error = job.error;
          results.Push(std::move(failed));
        } else if (job.bytes) {
          WorkResult r = ProcessMemory(job.entry, *job.bytes, assets, thumbs_, opt_);
          std::vector<uint8_t>().swap(*job.bytes);
          results.Push(std::move(r));
        } else {
          results.Push(ProcessFile(job.entry, assets, thumbs_, opt_));
        }
      });
    };
    std::thread producer([&] {
      produce_status = produce(submit, cancel);
      produced = true;
    });
    size_t done = 0;
    std::vector<WorkResult> batch;
    Status fatal;
    auto last_commit = std::chrono::steady_clock::now();
    auto last_told = std::chrono::steady_clock::time_point{};
    while (!produced.load() || done < submitted.load()) {
      if (opt_.stop && opt_.stop->load()) cancel = true;
      auto ready = results.PopAll(std::chrono::milliseconds(100));
      if (!ready.empty()) {
        {
          std::lock_guard<std::mutex> lock(flight_mu);
          in_flight -= ready.size();
        }
        flight_cv.notify_all();
      }
      for (auto& r : ready) {
        batch.push_back(std::move(r));
        ++done;
      }
      const bool finished = produced.load() && done == submitted.load();
      const bool due = batch.size() >= opt_.batch_size || finished ||
                       std::chrono::steady_clock::now() - last_commit > std::chrono::seconds(2);
      if (due && !batch.empty() && fatal.ok()) {
        fatal = CommitBatch(&batch);
        if (!fatal.ok()) cancel = true;
        batch.clear();
        last_commit = std::chrono::steady_clock::now();
      }
      if (!fatal.ok()) batch.clear();
      progress.Update(done);
      if (opt_.on_progress &&
          std::chrono::steady_clock::now() - last_told > std::chrono::milliseconds(250)) {
        opt_.on_progress(static_cast<int64_t>(done),
                         static_cast<int64_t>(std::max<size_t>(expected, submitted.load())));
        last_told = std::chrono::steady_clock::now();
      }
    }
    producer.join();
    pool.Wait();
    if (fatal.ok() && opt_.embedder) fatal = opt_.embedder->Flush();
    progress.Finish();
    if (!fatal.ok()) return fatal;
    if (opt_.stop && opt_.stop->load()) return Cancelled("stopped before the crawl was done");
    return produce_status;
  }

  Status CommitBatch(std::vector<WorkResult>* batch) {
    Transaction tx = cat_->NewTransaction();
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
        r.new_asset_id = *id;
        error = r.asset->error;
        warning = r.asset->warning;
        ++report_->added;
        if (r.text) {
          SHOEBOX_RETURN_IF_ERROR(cat_->SetAssetText(*id, *r.text));
          switch (r.text->state) {
            case TextState::kRead:
              ++report_->text_read;
              report_->text_found += !r.text->text.empty();
              break;
            case TextState::kSkipped:
              ++report_->text_skipped;
              break;
            default:
              ++report_->text_failed;
              if (!warning) warning = "text not read: " + r.text->error;
          }
        }
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
    SHOEBOX_RETURN_IF_ERROR(tx.Commit());
    if (opt_.embedder) {  // only once the assets exist for good
      for (WorkResult& r : *batch) {
        if (r.new_asset_id == 0 || r.model_input.empty()) continue;
        SHOEBOX_RETURN_IF_ERROR(
            opt_.embedder->Add(r.new_asset_id, std::move(r.model_input), r.model_input_source));
        ++report_->embedded;
      }
    }
    return Status::Ok();
  }

  Catalog* cat_;
  const ThumbnailCache& thumbs_;
  IndexOptions opt_;
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

namespace {
// Runs one indexer pass, timing it.
Result<IndexReport> Timed(Catalog* catalog, const ThumbnailCache& thumbs,
                          const IndexOptions& options,
                          const std::function<Status(RootIndexer&)>& run) {
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  IndexReport report;
  auto start = std::chrono::steady_clock::now();
  RootIndexer indexer(catalog, thumbs, options, &report);
  SHOEBOX_RETURN_IF_ERROR(run(indexer));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}
}  // namespace

Result<IndexReport> IndexArchive(Catalog* catalog, const std::string& kind,
                                 const std::string& archive, const ThumbnailCache& thumbs,
                                 const IndexOptions& options, ArchiveListener* listener) {
  return Timed(catalog, thumbs, options,
               [&](RootIndexer& i) { return i.RunArchive(kind, archive, listener); });
}

Result<IndexReport> IndexFileList(Catalog* catalog, const std::string& kind,
                                  const std::string& root, const std::vector<WalkEntry>& files,
                                  const ThumbnailCache& thumbs, const IndexOptions& options) {
  return Timed(catalog, thumbs, options,
               [&](RootIndexer& i) { return i.RunList(kind, root, files); });
}

}  // namespace shoebox
