#include "pipeline/library_import.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "library/library_time.h"

namespace shoebox {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::optional<std::string> NonEmpty(const std::optional<std::string>& s) {
  return s && !s->empty() ? s : std::nullopt;
}

// Offline entries the catalog has never seen become missing file rows (known, not readable),
// so their facts have a home and `info` can name them; rows it has keep their state (the
// indexer already marked them missing).
Status RecordOffline(Catalog* cat, const LibraryScan& scan, int64_t now) {
  auto source = cat->EnsureSource(scan.kind, scan.root, now);
  if (!source.ok()) return source.status();
  std::vector<std::string> offline;
  for (const LibraryAsset& a : scan.assets)
    if (a.offline) offline.push_back(a.path);
  Transaction tx = cat->NewTransaction();
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  SHOEBOX_RETURN_IF_ERROR(cat->RecordOfflineFiles(*source, offline, now));
  return tx.Commit();
}

}  // namespace

Status WriteLibraryItem(Catalog* cat, const PhotoRow& row, const LibraryAsset& a,
                        const std::string& metadata_path) {
  LibraryItemRecord item;
  item.file_id = row.file.id;
  item.external_id = NonEmpty(std::optional<std::string>(a.external_id));
  item.original_filename = NonEmpty(a.original_filename);
  item.title = NonEmpty(a.title);
  item.description = NonEmpty(a.description);
  item.rating = a.rating;
  item.pick = a.pick;
  item.orientation = a.orientation;
  item.color_label = NonEmpty(a.color_label);
  item.favorite = a.favorite;
  item.hidden = a.hidden;
  item.trashed = a.trashed;
  item.taken_utc = a.taken_utc;
  item.metadata_path = metadata_path;
  item.stand_in = a.stand_in;
  item.original_path = a.original_path;
  SHOEBOX_RETURN_IF_ERROR(cat->UpsertLibraryItem(item));
  if (!row.file.asset_id) return Status::Ok();
  SHOEBOX_RETURN_IF_ERROR(cat->ReplaceFaces(*row.file.asset_id, row.file.id, "library", a.people));
  // The library's date and place fill what the photo itself lacks (placeholders, screenshots,
  // stand-in previews have no EXIF); the camera's own values are never overwritten. A photo
  // with its own local time gets only the offset the library's UTC instant reveals.
  TimeAndPlace facts{row.asset.taken_at, row.asset.tz_offset, a.lat, a.lon, a.alt};
  if (!facts.taken_at && a.taken_local) {
    facts.taken_at = a.taken_local;
    facts.tz_offset = a.tz_offset;
  } else if (facts.taken_at && !facts.tz_offset && a.taken_utc) {
    facts.tz_offset = OffsetBetween(*facts.taken_at, *a.taken_utc);
  }
  return cat->FillTimeAndPlace(*row.file.asset_id, facts);
}

Status WriteLibraryFacts(Catalog* cat, const LibraryScan& scan, int64_t now,
                         LibraryImportReport* report) {
  const auto start = std::chrono::steady_clock::now();
  auto source = cat->EnsureSource(scan.kind, scan.root, now);
  if (!source.ok()) return source.status();
  Transaction tx = cat->NewTransaction();
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  // Memberships and keywords are rewritten whole: the library is the truth, and an album
  // the user emptied or a keyword removed must go here too.
  SHOEBOX_RETURN_IF_ERROR(cat->ClearMembershipsAndKeywords(*source));
  std::unordered_map<std::string, int64_t> albums;
  std::set<std::string> keywords;
  for (const LibraryAsset& a : scan.assets) {
    auto row = cat->FindByPath(a.path);
    if (!row.ok()) return row.status();
    if (!*row) continue;  // not catalogued (vanished meanwhile); the indexer said why
    const int64_t file_id = (*row)->file.id;
    SHOEBOX_RETURN_IF_ERROR(WriteLibraryItem(cat, **row, a, scan.database));
    if (a.stand_in) ++report->stand_ins;
    if (a.original_path) SHOEBOX_RETURN_IF_ERROR(cat->ClearError(*a.original_path));
    for (const std::string& name : a.albums) {
      auto it = albums.find(name);
      if (it == albums.end()) {
        auto id = cat->EnsureAlbum(*source, name);
        if (!id.ok()) return id.status();
        it = albums.emplace(name, *id).first;
      }
      SHOEBOX_RETURN_IF_ERROR(cat->AddToAlbum(it->second, file_id));
    }
    for (const std::string& k : a.keywords) {
      SHOEBOX_RETURN_IF_ERROR(cat->AddKeyword(file_id, k));
      keywords.insert(k);
    }
  }
  // Albums that lost their last photo (deleted or emptied in the library) go too.
  SHOEBOX_RETURN_IF_ERROR(cat->DropEmptyAlbums(*source));
  for (const LibraryProblem& p : scan.problems)
    SHOEBOX_RETURN_IF_ERROR(cat->RecordError(p.path, p.reason, "file", now));
  SHOEBOX_RETURN_IF_ERROR(tx.Commit());
  report->albums = static_cast<int64_t>(albums.size());
  report->keywords = static_cast<int64_t>(keywords.size());
  report->write_seconds = SecondsSince(start);
  return Status::Ok();
}

Result<LibraryImportReport> ImportLibrary(Catalog* cat, const LibraryScan& scan,
                                          const ThumbnailCache& thumbs, const IndexOptions& options,
                                          int64_t now) {
  LibraryImportReport report;
  report.assets = static_cast<int64_t>(scan.assets.size());
  report.problems = static_cast<int64_t>(scan.problems.size());
  report.skipped = scan.skipped;
  std::vector<WalkEntry> files;
  files.reserve(scan.assets.size());
  std::set<std::string> listed;
  for (const LibraryAsset& a : scan.assets) {
    if (a.offline) {
      ++report.offline;
      continue;
    }
    struct stat st {};
    if (::stat(a.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;  // the importer checked; raced
    if (!listed.insert(a.path).second)
      continue;  // two library entries, one file (Lightroom virtual copies)
    files.push_back({a.path, static_cast<int64_t>(st.st_size),
                     static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec});
  }
  report.indexed = static_cast<int64_t>(files.size());
  auto index = IndexFileList(cat, scan.kind, scan.root, files, thumbs, options);
  if (!index.ok()) return index.status();
  report.index = *index;
  SHOEBOX_RETURN_IF_ERROR(RecordOffline(cat, scan, now));
  SHOEBOX_RETURN_IF_ERROR(WriteLibraryFacts(cat, scan, now, &report));
  return report;
}

}  // namespace shoebox
