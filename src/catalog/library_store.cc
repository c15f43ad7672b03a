// What photo libraries know about their files (library_items, albums, keywords), written by
// the importers in pipeline/ through these calls.
#include <filesystem>

#include "catalog/catalog.h"

namespace shoebox {

Status Catalog::RecordOfflineFiles(int64_t source_id, const std::vector<std::string>& paths,
                                   int64_t now) {
  auto ins = db_.PrepareCached(
      "INSERT INTO files(source_id, path, folder, size, mtime_ns, status, first_seen, last_seen, "
      "missing_since) "
      "VALUES(?1, ?2, ?3, 0, 0, 1, ?4, ?4, ?4) ON CONFLICT(path) DO NOTHING");
  if (!ins.ok()) return ins.status();
  for (const std::string& path : paths) {
    const std::filesystem::path p(path);
    SHOEBOX_RETURN_IF_ERROR(
        ins->Bind(1, source_id).Bind(2, path).Bind(3, p.parent_path().string()).Bind(4, now).Run());
    ins->Reset();
  }
  return Status::Ok();
}

Status Catalog::UpsertLibraryItem(const LibraryItemRecord& a) {
  auto upsert = db_.PrepareCached(
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
  upsert->Bind(1, a.file_id)
      .Bind(2, a.external_id)
      .Bind(3, a.original_filename)
      .Bind(4, a.title)
      .Bind(5, a.description)
      .Bind(6, a.rating)
      .Bind(7, int64_t{a.favorite})
      .Bind(8, int64_t{a.hidden})
      .Bind(9, int64_t{a.trashed})
      .Bind(10, a.taken_utc)
      .Bind(11, a.metadata_path)
      .Bind(12, a.pick)
      .Bind(13, a.color_label)
      .Bind(14, a.stand_in)
      .Bind(15, a.original_path)
      .Bind(16, a.orientation);
  return upsert->Run();
}

Status Catalog::FillTimeAndPlace(int64_t asset_id, const TimeAndPlace& f) {
  auto fill = db_.PrepareCached(
      "UPDATE assets SET taken_at = ?2, tz_offset = ?3, gps_lat = COALESCE(gps_lat, ?4), "
      "gps_lon = CASE WHEN gps_lat IS NULL THEN ?5 ELSE gps_lon END, "
      "gps_alt = CASE WHEN gps_lat IS NULL THEN ?6 ELSE gps_alt END WHERE id = ?1");
  if (!fill.ok()) return fill.status();
  fill->Bind(1, asset_id)
      .Bind(2, f.taken_at)
      .Bind(3, f.tz_offset)
      .Bind(4, f.lat)
      .Bind(5, f.lon)
      .Bind(6, f.alt);
  return fill->Run();
}

Status Catalog::ClearMembershipsAndKeywords(int64_t source_id) {
  auto members = db_.Prepare(
      "DELETE FROM album_files WHERE album_id IN (SELECT id FROM albums WHERE source_id = ?1)");
  if (!members.ok()) return members.status();
  SHOEBOX_RETURN_IF_ERROR(members->Bind(1, source_id).Run());
  auto keywords = db_.Prepare(
      "DELETE FROM keywords WHERE file_id IN (SELECT id FROM files WHERE source_id = ?1)");
  if (!keywords.ok()) return keywords.status();
  return keywords->Bind(1, source_id).Run();
}

Result<int64_t> Catalog::EnsureAlbum(int64_t source_id, const std::string& name) {
  auto add = db_.PrepareCached(
      "INSERT INTO albums(source_id, name) VALUES(?1, ?2) ON CONFLICT DO NOTHING");
  if (!add.ok()) return add.status();
  SHOEBOX_RETURN_IF_ERROR(add->Bind(1, source_id).Bind(2, name).Run());
  auto sel = db_.PrepareCached("SELECT id FROM albums WHERE source_id = ?1 AND name = ?2");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, source_id).Bind(2, name);
  Status st;
  if (!sel->Step(&st)) return st.ok() ? Internal("album vanished: " + name) : st;
  return sel->Int(0);
}

Status Catalog::AddToAlbum(int64_t album_id, int64_t file_id) {
  auto q = db_.PrepareCached("INSERT OR IGNORE INTO album_files(album_id, file_id) VALUES(?1, ?2)");
  if (!q.ok()) return q.status();
  return q->Bind(1, album_id).Bind(2, file_id).Run();
}

Status Catalog::AddKeyword(int64_t file_id, const std::string& keyword) {
  auto q = db_.PrepareCached("INSERT OR IGNORE INTO keywords(file_id, keyword) VALUES(?1, ?2)");
  if (!q.ok()) return q.status();
  return q->Bind(1, file_id).Bind(2, keyword).Run();
}

Status Catalog::DropEmptyAlbums(int64_t source_id) {
  auto q = db_.Prepare(
      "DELETE FROM albums WHERE source_id = ?1 AND NOT EXISTS (SELECT 1 FROM album_files af WHERE "
      "af.album_id = albums.id)");
  if (!q.ok()) return q.status();
  return q->Bind(1, source_id).Run();
}

Status Catalog::ReplaceKeywords(int64_t file_id, const std::vector<std::string>& keywords) {
  auto del = db_.PrepareCached("DELETE FROM keywords WHERE file_id = ?1");
  if (!del.ok()) return del.status();
  SHOEBOX_RETURN_IF_ERROR(del->Bind(1, file_id).Run());
  for (const std::string& k : keywords) SHOEBOX_RETURN_IF_ERROR(AddKeyword(file_id, k));
  return Status::Ok();
}

Status Catalog::DeleteLibraryItem(int64_t file_id) {
  auto del = db_.PrepareCached("DELETE FROM library_items WHERE file_id = ?1");
  if (!del.ok()) return del.status();
  return del->Bind(1, file_id).Run();
}

Status Catalog::SetTimeAndPlace(int64_t asset_id, const TimeAndPlace& f) {
  auto set = db_.PrepareCached(
      "UPDATE assets SET taken_at = ?2, tz_offset = ?3, gps_lat = ?4, gps_lon = ?5, gps_alt = ?6 "
      "WHERE id = ?1");
  if (!set.ok()) return set.status();
  set->Bind(1, asset_id).Bind(2, f.taken_at).Bind(3, f.tz_offset).Bind(4, f.lat).Bind(5, f.lon);
  return set->Bind(6, f.alt).Run();
}

Result<std::vector<FolderEntry>> Catalog::FilesBesideSidecars(int64_t source_id) {
  // Sidecars are remembered as not-image rows (status 2); LIKE is case-blind for ASCII.
  auto q = db_.Prepare(
      "SELECT id, path, size, mtime_ns, status, asset_id FROM files WHERE source_id = ?1 AND "
      "folder IN (SELECT DISTINCT folder FROM files WHERE source_id = ?1 AND status = 2 AND "
      "path LIKE '%.xmp') ORDER BY path");
  if (!q.ok()) return q.status();
  q->Bind(1, source_id);
  std::vector<FolderEntry> out;
  Status st;
  while (q->Step(&st)) {
    FolderEntry e;
    e.file_id = q->Int(0);
    e.path = q->Text(1);
    e.size = q->Int(2);
    e.mtime_ns = q->Int(3);
    e.status = static_cast<FileStatus>(q->Int(4));
    e.asset_id = q->OptInt(5);
    out.push_back(std::move(e));
  }
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<AppliedSidecar>> Catalog::AppliedSidecars(int64_t source_id) {
  auto q = db_.Prepare(
      "SELECT sc.file_id, sc.path, sc.size, sc.mtime_ns, sc.asset_id, sc.own_taken_at, "
      "sc.own_tz_offset, sc.own_gps_lat, sc.own_gps_lon, sc.own_gps_alt, f.status, f.asset_id "
      "FROM sidecars sc "
      "JOIN files f ON f.id = sc.file_id WHERE f.source_id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, source_id);
  std::vector<AppliedSidecar> out;
  Status st;
  while (q->Step(&st)) {
    AppliedSidecar a;
    a.file_id = q->Int(0);
    a.path = q->Text(1);
    a.size = q->Int(2);
    a.mtime_ns = q->Int(3);
    a.asset_id = q->Int(4);
    a.own.taken_at = q->OptText(5);
    a.own.tz_offset = q->OptText(6);
    a.own.lat = q->OptDouble(7);
    a.own.lon = q->OptDouble(8);
    a.own.alt = q->OptDouble(9);
    a.photo_status = static_cast<FileStatus>(q->Int(10));
    a.photo_asset_id = q->OptInt(11);
    out.push_back(std::move(a));
  }
  if (!st.ok()) return st;
  return out;
}

Status Catalog::RecordAppliedSidecar(const AppliedSidecar& a) {
  auto up = db_.PrepareCached(
      "INSERT OR REPLACE INTO sidecars(file_id, path, size, mtime_ns, asset_id, own_taken_at, "
      "own_tz_offset, own_gps_lat, own_gps_lon, own_gps_alt) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!up.ok()) return up.status();
  up->Bind(1, a.file_id).Bind(2, a.path).Bind(3, a.size).Bind(4, a.mtime_ns).Bind(5, a.asset_id);
  up->Bind(6, a.own.taken_at).Bind(7, a.own.tz_offset).Bind(8, a.own.lat).Bind(9, a.own.lon);
  return up->Bind(10, a.own.alt).Run();
}

Status Catalog::ForgetAppliedSidecar(int64_t file_id) {
  auto del = db_.PrepareCached("DELETE FROM sidecars WHERE file_id = ?1");
  if (!del.ok()) return del.status();
  return del->Bind(1, file_id).Run();
}

}  // namespace shoebox
