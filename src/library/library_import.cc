#include "library/library_import.h"

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
  Transaction tx(&cat->db());
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  auto ins = cat->db().Prepare(
      "INSERT INTO files(source_id, path, folder, size, mtime_ns, status, first_seen, last_seen, "
      "missing_since) "
      "VALUES(?1, ?2, ?3, 0, 0, 1, ?4, ?4, ?4) ON CONFLICT(path) DO NOTHING");
  if (!ins.ok()) return ins.status();
  for (const LibraryAsset& a : scan.assets) {
    if (!a.offline) continue;
    const std::filesystem::path p(a.path);
    SHOEBOX_RETURN_IF_ERROR(
        ins->Bind(1, *source).Bind(2, a.path).Bind(3, p.parent_path().string()).Bind(4, now).Run());
    ins->Reset();
  }
  return tx.Commit();
}

}  // namespace

Status WriteLibraryItem(Catalog* cat, const PhotoRow& row, const LibraryAsset& a,
                        const std::string& metadata_path) {
  Database& db = cat->db();
  auto upsert = db.PrepareCached(
      "INSERT INTO library_items(file_id, external_id, original_filename, title, description, "
      "rating, favorite, "
      "hidden, trashed, taken_utc, metadata_path, pick, color_label, stand_in, original_path, "
      "orientation) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON "
      "CONFLICT(file_id) DO UPDATE SET "
      "external_id = excluded.external_id, original_filename = excluded.original_filename, title = "
      "excluded.title, "
      "description = excluded.description, rating = excluded.rating, favorite = excluded.favorite, "
      "hidden = excluded.hidden, trashed = excluded.trashed, taken_utc = excluded.taken_utc, "
      "metadata_path = excluded.metadata_path, pick = excluded.pick, color_label = "
      "excluded.color_label, "
      "stand_in = excluded.stand_in, original_path = excluded.original_path, orientation = "
      "excluded.orientation");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, row.file.id)
      .Bind(2, NonEmpty(std::optional<std::string>(a.external_id)))
      .Bind(3, NonEmpty(a.original_filename))
      .Bind(4, NonEmpty(a.title))
      .Bind(5, NonEmpty(a.description))
      .Bind(6, a.rating)
      .Bind(7, int64_t{a.favorite})
      .Bind(8, int64_t{a.hidden})
      .Bind(9, int64_t{a.trashed})
      .Bind(10, a.taken_utc)
      .Bind(11, metadata_path)
      .Bind(12, a.pick)
      .Bind(13, NonEmpty(a.color_label))
      .Bind(14, a.stand_in)
      .Bind(15, a.original_path)
      .Bind(16, a.orientation);
  SHOEBOX_RETURN_IF_ERROR(upsert->Run());
  if (!row.file.asset_id) return Status::Ok();
  // The library's date and place fill what the photo itself lacks (placeholders, screenshots,
  // stand-in previews have no EXIF); the camera's own values are never overwritten. A photo
  // with its own local time gets only the offset the library's UTC instant reveals.
  std::optional<std::string> taken = row.asset.taken_at, offset = row.asset.tz_offset;
  if (!taken && a.taken_local) {
    taken = a.taken_local;
    offset = a.tz_offset;
  } else if (taken && !offset && a.taken_utc) {
    offset = OffsetBetween(*taken, *a.taken_utc);
  }
  auto fill = db.PrepareCached(
      "UPDATE assets SET taken_at = ?2, tz_offset = ?3, gps_lat = COALESCE(gps_lat, ?4), "
      "gps_lon = CASE WHEN gps_lat IS NULL THEN ?5 ELSE gps_lon END, "
      "gps_alt = CASE WHEN gps_lat IS NULL THEN ?6 ELSE gps_alt END WHERE id = ?1");
  if (!fill.ok()) return fill.status();
  fill->Bind(1, *row.file.asset_id)
      .Bind(2, taken)
      .Bind(3, offset)
      .Bind(4, a.lat)
      .Bind(5, a.lon)
      .Bind(6, a.alt);
  return fill->Run();
}

Status WriteLibraryFacts(Catalog* cat, const LibraryScan& scan, int64_t now,
                         LibraryImportReport* report) {
  const auto start = std::chrono::steady_clock::now();
  auto source = cat->EnsureSource(scan.kind, scan.root, now);
  if (!source.ok()) return source.status();
  Database& db = cat->db();
  Transaction tx(&db);
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  // Memberships and keywords are rewritten whole: the library is the truth, and an album
  // the user emptied or a keyword removed must go here too.
  auto clear_members = db.Prepare(
      "DELETE FROM album_files WHERE album_id IN (SELECT id FROM albums WHERE source_id = ?1)");
  if (!clear_members.ok()) return clear_members.status();
  SHOEBOX_RETURN_IF_ERROR(clear_members->Bind(1, *source).Run());
  auto clear_keywords = db.Prepare(
      "DELETE FROM keywords WHERE file_id IN (SELECT id FROM files WHERE source_id = ?1)");
  if (!clear_keywords.ok()) return clear_keywords.status();
  SHOEBOX_RETURN_IF_ERROR(clear_keywords->Bind(1, *source).Run());

  auto add_album =
      db.Prepare("INSERT INTO albums(source_id, name) VALUES(?1, ?2) ON CONFLICT DO NOTHING");
  if (!add_album.ok()) return add_album.status();
  auto album_id = db.Prepare("SELECT id FROM albums WHERE source_id = ?1 AND name = ?2");
  if (!album_id.ok()) return album_id.status();
  auto member = db.Prepare("INSERT OR IGNORE INTO album_files(album_id, file_id) VALUES(?1, ?2)");
  if (!member.ok()) return member.status();
  auto keyword = db.Prepare("INSERT OR IGNORE INTO keywords(file_id, keyword) VALUES(?1, ?2)");
  if (!keyword.ok()) return keyword.status();

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
        SHOEBOX_RETURN_IF_ERROR(add_album->Bind(1, *source).Bind(2, name).Run());
        add_album->Reset();
        album_id->Bind(1, *source).Bind(2, name);
        Status st;
        if (!album_id->Step(&st)) return st.ok() ? Internal("album vanished: " + name) : st;
        it = albums.emplace(name, album_id->Int(0)).first;
        album_id->Reset();
      }
      SHOEBOX_RETURN_IF_ERROR(member->Bind(1, it->second).Bind(2, file_id).Run());
      member->Reset();
    }
    for (const std::string& k : a.keywords) {
      SHOEBOX_RETURN_IF_ERROR(keyword->Bind(1, file_id).Bind(2, k).Run());
      keyword->Reset();
      keywords.insert(k);
    }
  }
  // Albums that lost their last photo (deleted or emptied in the library) go too.
  auto drop_empty = db.Prepare(
      "DELETE FROM albums WHERE source_id = ?1 AND NOT EXISTS (SELECT 1 FROM album_files af WHERE "
      "af.album_id = albums.id)");
  if (!drop_empty.ok()) return drop_empty.status();
  SHOEBOX_RETURN_IF_ERROR(drop_empty->Bind(1, *source).Run());
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
