#include "pipeline/thumbnail_repair.h"

#include <sys/stat.h>

#include <atomic>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <unordered_set>

#include "base/file_io.h"
#include "base/thread_pool.h"
#include "imaging/photo_analyzer.h"
#include "library/archive/archive_reader.h"

namespace shoebox {
namespace {

namespace fs = std::filesystem;

// Hashes with a non-empty thumbnail in the cache; removes temporary files older than the run.
std::unordered_set<std::string> ListCache(const ThumbnailCache& thumbs, int64_t run_started,
                                          int64_t* removed) {
  std::unordered_set<std::string> present;
  std::error_code ec;
  for (fs::directory_iterator sub(thumbs.dir(), ec), end; !ec && sub != end; sub.increment(ec)) {
    if (!sub->is_directory(ec)) continue;
    std::error_code ec2;
    for (fs::directory_iterator it(sub->path(), ec2); !ec2 && it != end; it.increment(ec2)) {
      const std::string name = it->path().filename().string();
      struct stat st {};
      if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (name.find(".tmp") != std::string::npos) {
        if (st.st_mtime < run_started && ::unlink(it->path().c_str()) == 0) ++*removed;
        continue;
      }
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".jpg") == 0 && st.st_size > 0)
        present.insert(name.substr(0, name.size() - 4));
    }
  }
  return present;
}

struct Outcome {
  const ThumbnailSource* source;
  Status status;  // ok: the thumbnail is in the cache again
};

// Makes one thumbnail from the photo's bytes, if they are still the catalogued content.
Status Rebuild(const ThumbnailSource& t, const std::vector<uint8_t>& bytes,
               const ThumbnailCache& thumbs, const AnalyzeOptions& analyze) {
  if (ContentHashHex(bytes.data(), bytes.size()) != t.hash)
    return Changed(t.path + " has changed since it was indexed");
  AnalyzeOptions opt = analyze;
  opt.model_input = nullptr;
  auto photo = AnalyzePhoto(bytes.data(), bytes.size(), fs::path(t.path).filename().string(), opt);
  if (!photo.ok()) return photo.status();
  if (photo->thumbnail_jpeg.empty()) return Corrupt(t.path + ": no thumbnail could be made");
  return thumbs.Put(t.hash, photo->thumbnail_jpeg);
}

}  // namespace

Result<ThumbnailRepairReport> RepairThumbnails(Catalog* catalog, const ThumbnailCache& thumbs,
                                               const IndexOptions& options,
                                               int64_t run_started_unix) {
  ThumbnailRepairReport report;
  auto sources = catalog->ThumbnailSources();
  if (!sources.ok()) return sources.status();
  report.checked = static_cast<int64_t>(sources->size());
  const auto present = ListCache(thumbs, run_started_unix, &report.temp_removed);

  std::vector<const ThumbnailSource*> files;
  std::map<std::string, std::vector<const ThumbnailSource*>> by_archive;  // Takeout downloads
  std::vector<Outcome> outcomes;
  for (const ThumbnailSource& t : *sources) {
    if (present.count(t.hash)) {
      if (!t.has_thumbnail) outcomes.push_back({&t, Status::Ok()});  // saved by someone since
      continue;
    }
    if (t.path.empty()) {
      outcomes.push_back({&t, NotFound("no file of the photo is present")});
      continue;
    }
    std::error_code ec;
    if (!fs::exists(t.path, ec)) {
      if (auto a = SplitArchivePath(t.path)) {
        by_archive[a->archive].push_back(&t);
        continue;
      }
    }
    files.push_back(&t);
  }
  if (!files.empty() || !by_archive.empty()) {
    SHOEBOX_RETURN_IF_ERROR(InitImaging());
    std::mutex mu;
    ThreadPool pool(options.threads);
    auto record = [&](const ThumbnailSource* t, Status st) {
      std::lock_guard lock(mu);
      outcomes.push_back({t, std::move(st)});
    };
    for (const ThumbnailSource* t : files) {
      pool.Submit([&, t] {
        auto f = OpenUnchanged(t->path, static_cast<uint64_t>(t->size), t->mtime_ns, {});
        if (!f.ok()) return record(t, f.status());
        auto bytes = (*f)->ReadAll(options.max_file_bytes);
        if (!bytes.ok()) return record(t, bytes.status());
        record(t, Rebuild(*t, *bytes, thumbs, options.analyze));
      });
    }
    // Archive members a batch at a time (a .tgz reads front to back; memory stays bounded).
    for (auto& [archive, members] : by_archive) {
      ArchiveCursor cursor(archive);
      for (size_t i = 0; i < members.size(); i += 16) {
        std::map<std::string, const ThumbnailSource*> batch;
        for (size_t j = i; j < std::min(members.size(), i + 16); ++j)
          batch[SplitArchivePath(members[j]->path)->member] = members[j];
        std::set<std::string> names;
        for (const auto& [m, t] : batch) names.insert(m);
        auto read = cursor.Read(names, kMaxArchiveMemberBytes);
        for (const auto& [m, t] : batch) {
          if (!read.ok()) {
            record(t, read.status());
            continue;
          }
          auto it = read->find(m);
          if (it == read->end())
            record(t, NotFound(t->path + ": no longer in its archive"));
          else if (!it->second.ok())
            record(t, it->second.status());
          else
            record(t, Rebuild(*t, *it->second, thumbs, options.analyze));
        }
      }
    }
    pool.Wait();
  }

  Transaction tx = catalog->NewTransaction();
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  for (const Outcome& o : outcomes) {
    if (o.status.code() == StatusCode::kDiskFull) return o.status;
    if (o.status.ok()) {
      if (!present.count(o.source->hash)) ++report.rebuilt;
      SHOEBOX_RETURN_IF_ERROR(catalog->SetHasThumbnail(o.source->asset_id, true));
    } else if (o.source->has_thumbnail) {
      // Pages must not link to a thumbnail that is not there; the warning brings it back to
      // the next run's list, in case the file can be read again then.
      ++report.lost;
      SHOEBOX_RETURN_IF_ERROR(
          catalog->SetHasThumbnail(o.source->asset_id, false, o.status.message()));
    }
  }
  SHOEBOX_RETURN_IF_ERROR(tx.Commit());
  return report;
}

}  // namespace shoebox
