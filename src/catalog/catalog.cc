#include "catalog/catalog.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/file_io.h"
#include "catalog/schema.h"

namespace shoebox {
namespace {

// [lo, hi) bounds selecting every path strictly below root.
std::pair<std::string, std::string> PrefixRange(std::string root) {
  if (root.empty() || root.back() != '/') root += '/';
  std::string hi = root;
  hi.back() = '0';  // '0' sorts right after '/'
  return {root, hi};
}

std::string FolderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

constexpr const char* kPhotoColumns =
    "f.id, f.source_id, f.path, f.size, f.mtime_ns, f.asset_id, f.status, f.first_seen, "
    "CASE WHEN f.status = 0 THEN max(f.last_seen, coalesce((SELECT s.last_scan_at FROM sources s "
    "WHERE s.id = f.source_id), 0)) ELSE f.last_seen END, a.id, a.hash, a.size, a.format, a.width, "
    "a.height, a.orientation, a.taken_at, "
    "a.tz_offset, a.make, a.model, a.lens, a.gps_lat, a.gps_lon, a.gps_alt, a.rating, "
    "a.thumb_state, a.error, a.warning, f.missing_since, a.duration, a.codec, a.poster_at, "
    "a.motion_offset, a.motion_length, a.motion_duration, a.motion_file_id";

PhotoRow ReadPhotoRow(const Statement& s) {
  PhotoRow r;
  r.file.id = s.Int(0);
  r.file.source_id = s.Int(1);
  r.file.path = s.Text(2);
  r.file.size = s.Int(3);
  r.file.mtime_ns = s.Int(4);
  r.file.asset_id = s.OptInt(5);
  r.file.status = static_cast<FileStatus>(s.Int(6));
  r.file.first_seen = s.Int(7);
  r.file.last_seen = s.Int(8);
  if (!s.IsNull(9)) {
    AssetRecord& a = r.asset;
    a.id = s.Int(9);
    a.hash = s.Text(10);
    a.size = s.Int(11);
    a.format = s.Text(12);
    if (auto v = s.OptInt(13)) a.width = static_cast<int>(*v);
    if (auto v = s.OptInt(14)) a.height = static_cast<int>(*v);
    a.orientation = static_cast<int>(s.Int(15));
    a.taken_at = s.OptText(16);
    a.tz_offset = s.OptText(17);
    a.make = s.OptText(18);
    a.model = s.OptText(19);
    a.lens = s.OptText(20);
    a.gps_lat = s.OptDouble(21);
    a.gps_lon = s.OptDouble(22);
    a.gps_alt = s.OptDouble(23);
    if (auto v = s.OptInt(24)) a.rating = static_cast<int>(*v);
    a.has_thumbnail = s.Int(25) == 1;
    a.error = s.OptText(26);
    a.warning = s.OptText(27);
  }
  r.file.missing_since = s.OptInt(28);
  if (!s.IsNull(9)) {
    r.asset.duration = s.OptDouble(29);
    r.asset.codec = s.OptText(30);
    r.asset.poster_at = s.OptDouble(31);
    r.asset.motion_offset = s.OptInt(32);
    r.asset.motion_length = s.OptInt(33);
    r.asset.motion_duration = s.OptDouble(34);
    r.asset.motion_file_id = s.OptInt(35);
  }
  return r;
}

}  // namespace

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::filesystem::path& path, bool create) {
  std::unique_ptr<Catalog> cat(new Catalog());
  cat->path_ = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!create)
      return NotFound("no catalog at " + path.string() + " yet; run `shoebox index FOLDER` first");
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return IoError("cannot create " + path.parent_path().string() + ": " + ec.message());
  }
  // Which catalog, when it cannot be used: the message reaches people who may have several.
  auto named = [&](const Status& st) {
    if (st.ok() || st.message().find(path.string()) != std::string::npos) return st;
    return Status(st.code(), path.string() + ": " + st.message() +
                                 (st.code() == StatusCode::kCorrupt
                                      ? " (move it aside and run `shoebox index` to rebuild it; "
                                        "your photos are untouched)"
                                      : ""));
  };
  SHOEBOX_RETURN_IF_ERROR(named(cat->db_.Open(path.string(), create, false)));
  SHOEBOX_RETURN_IF_ERROR(named(cat->Migrate()));
  return cat;
}

Status Catalog::Migrate() {
  auto version_of = [this]() -> Result<int> {
    auto st = db_.Prepare("PRAGMA user_version");
    if (!st.ok()) return st.status();
    Status s;
    if (!st->Step(&s)) return s.ok() ? Internal("no user_version") : s;
    return static_cast<int>(st->Int(0));
  };
  auto v = version_of();
  if (!v.ok()) return v.status();
  if (*v > kSchemaVersion)
    return Unsupported("catalog " + path_.string() + " was written by a newer shoebox (schema v" +
                       std::to_string(*v) + ", this build knows up to v" +
                       std::to_string(kSchemaVersion) + "); upgrade shoebox");
  if (*v == kSchemaVersion) return Status::Ok();
  Transaction tx(&db_);
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  v = version_of();  // another process may have migrated while we waited
  if (!v.ok()) return v.status();
  const auto& migrations = CatalogMigrations();
  for (int i = *v; i < kSchemaVersion; ++i) {
    SHOEBOX_RETURN_IF_ERROR(db_.Exec(migrations[static_cast<size_t>(i)]));
    SHOEBOX_RETURN_IF_ERROR(db_.Exec("PRAGMA user_version=" + std::to_string(i + 1)));
  }
  return tx.Commit();
}

Result<int64_t> Catalog::EnsureSource(const std::string& kind, const std::string& root,
                                      int64_t now) {
  auto ins = db_.Prepare(
      "INSERT INTO sources(kind, root, added_at) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING");
  if (!ins.ok()) return ins.status();
  SHOEBOX_RETURN_IF_ERROR(ins->Bind(1, kind).Bind(2, root).Bind(3, now).Run());
  auto sel = db_.Prepare("SELECT id FROM sources WHERE kind = ?1 AND root = ?2");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, kind).Bind(2, root);
  Status st;
  if (!sel->Step(&st)) return st.ok() ? Internal("source vanished") : st;
  return sel->Int(0);
}

Result<std::vector<SourceRecord>> Catalog::Sources() {
  auto sel =
      db_.Prepare("SELECT id, kind, root, coalesce(last_scan_at, 0) FROM sources ORDER BY root");
  if (!sel.ok()) return sel.status();
  std::vector<SourceRecord> out;
  Status st;
  while (sel->Step(&st)) out.push_back({sel->Int(0), sel->Text(1), sel->Text(2), sel->Int(3)});
  if (!st.ok()) return st;
  return out;
}

namespace {
// Rows of (path, id, size, mtime_ns, status, has asset) keyed by path.
Result<std::unordered_map<std::string, KnownFile>> ReadKnownFiles(Statement& sel) {
  std::unordered_map<std::string, KnownFile> out;
  Status st;
  while (sel.Step(&st)) {
    out.emplace(sel.Text(0), KnownFile{sel.Int(1), sel.Int(2), sel.Int(3),
                                       static_cast<FileStatus>(sel.Int(4)), sel.Int(5) != 0});
  }
  if (!st.ok()) return st;
  return out;
}
constexpr char kKnownFileColumns[] =
    "SELECT path, id, size, mtime_ns, status, asset_id IS NOT NULL FROM files ";
}  // namespace

Result<std::unordered_map<std::string, KnownFile>> Catalog::LoadFilesUnder(
    const std::string& root) {
  auto [lo, hi] = PrefixRange(root);
  auto sel = db_.Prepare(std::string(kKnownFileColumns) + "WHERE path >= ?1 AND path < ?2");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, lo).Bind(2, hi);
  return ReadKnownFiles(*sel);
}

Result<std::unordered_map<std::string, KnownFile>> Catalog::LoadFilesOfSource(int64_t source_id) {
  auto sel = db_.Prepare(std::string(kKnownFileColumns) + "WHERE source_id = ?1");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, source_id);
  return ReadKnownFiles(*sel);
}

Result<std::unordered_map<std::string, int64_t>> Catalog::LoadAssetIds() {
  auto sel = db_.Prepare("SELECT hash, id FROM assets");
  if (!sel.ok()) return sel.status();
  std::unordered_map<std::string, int64_t> out;
  Status st;
  while (sel->Step(&st)) out.emplace(sel->Text(0), sel->Int(1));
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> Catalog::InsertAsset(const AssetRecord& a, int64_t now) {
  auto ins = db_.Prepare(
      "INSERT INTO assets(hash, size, format, width, height, orientation, taken_at, tz_offset, "
      "make, model, lens, gps_lat, gps_lon, gps_alt, rating, thumb_state, error, warning, "
      "indexed_at, duration, codec, poster_at, motion_offset, motion_length, motion_duration) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,"
      "?24,?25) "
      "ON CONFLICT(hash) DO NOTHING");
  if (!ins.ok()) return ins.status();
  ins->Bind(1, a.hash).Bind(2, a.size).Bind(3, a.format).Bind(4, a.width).Bind(5, a.height);
  ins->Bind(6, a.orientation).Bind(7, a.taken_at).Bind(8, a.tz_offset).Bind(9, a.make);
  ins->Bind(10, a.model).Bind(11, a.lens).Bind(12, a.gps_lat).Bind(13, a.gps_lon);
  ins->Bind(14, a.gps_alt).Bind(15, a.rating).Bind(16, a.has_thumbnail ? 1 : 0);
  ins->Bind(17, a.error).Bind(18, a.warning).Bind(19, now);
  ins->Bind(20, a.duration).Bind(21, a.codec).Bind(22, a.poster_at);
  ins->Bind(23, a.motion_offset).Bind(24, a.motion_length).Bind(25, a.motion_duration);
  SHOEBOX_RETURN_IF_ERROR(ins->Run());
  const bool inserted = db_.Changes() > 0;
  auto sel = db_.Prepare("SELECT id FROM assets WHERE hash = ?1");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, a.hash);
  Status st;
  if (!sel->Step(&st)) return st.ok() ? Internal("asset vanished after insert") : st;
  const int64_t id = sel->Int(0);
  if (inserted && !a.faces.empty())
    SHOEBOX_RETURN_IF_ERROR(ReplaceFaces(id, std::nullopt, "photo", a.faces));
  return id;
}

Status Catalog::UpsertFile(const FileRecord& f) {
  auto up = db_.Prepare(
      "INSERT INTO files(source_id, path, folder, size, mtime_ns, asset_id, status, first_seen, "
      "last_seen) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?8) ON CONFLICT(path) DO UPDATE SET "
      "source_id=excluded.source_id, size=excluded.size, mtime_ns=excluded.mtime_ns, "
      "asset_id=excluded.asset_id, status=excluded.status, last_seen=excluded.last_seen, "
      "missing_since=NULL");
  if (!up.ok()) return up.status();
  up->Bind(1, f.source_id).Bind(2, f.path).Bind(3, FolderOf(f.path)).Bind(4, f.size);
  up->Bind(5, f.mtime_ns)
      .Bind(6, f.asset_id)
      .Bind(7, static_cast<int>(f.status))
      .Bind(8, f.last_seen);
  return up->Run();
}

Status Catalog::MarkMissing(int64_t file_id, int64_t now) {
  auto up = db_.Prepare(
      "UPDATE files SET status = 1, missing_since = ?2, last_seen = max(last_seen, "
      "coalesce((SELECT last_scan_at FROM sources s WHERE s.id = files.source_id), 0)) "
      "WHERE id = ?1 AND status IN (0, 2)");
  if (!up.ok()) return up.status();
  SHOEBOX_RETURN_IF_ERROR(up->Bind(1, file_id).Bind(2, now).Run());
  auto del = db_.Prepare("DELETE FROM errors WHERE path = (SELECT path FROM files WHERE id = ?1)");
  if (!del.ok()) return del.status();
  return del->Bind(1, file_id).Run();
}

Status Catalog::SetHasThumbnail(int64_t asset_id, bool has, const std::string& why_not) {
  auto up = db_.Prepare(
      "UPDATE assets SET thumb_state = ?2, warning = CASE WHEN ?2 = 1 AND warning LIKE 'thumbnail "
      "not saved%' THEN NULL "
      "WHEN ?2 = 0 AND (warning IS NULL OR warning LIKE 'thumbnail not saved%') THEN 'thumbnail "
      "not saved: ' || ?3 "
      "ELSE warning END WHERE id = ?1");
  if (!up.ok()) return up.status();
  return up->Bind(1, asset_id).Bind(2, has ? 1 : 0).Bind(3, why_not).Run();
}

Result<std::vector<ThumbnailSource>> Catalog::ThumbnailSources() {
  // With MIN(), SQLite takes the bare columns from the row holding the minimum.
  auto q = db_.Prepare(
      "SELECT a.id, a.hash, MIN(f.path), f.size, f.mtime_ns, a.thumb_state FROM assets a "
      "LEFT JOIN files f ON f.asset_id = a.id AND f.status = 0 "
      "WHERE a.thumb_state = 1 OR (a.error IS NULL AND a.warning LIKE 'thumbnail not saved%') "
      "GROUP BY a.id");
  if (!q.ok()) return q.status();
  std::vector<ThumbnailSource> out;
  Status st;
  while (q->Step(&st))
    out.push_back(
        {q->Int(0), q->Text(1), q->OptText(2).value_or(""), q->Int(3), q->Int(4), q->Int(5) == 1});
  if (!st.ok()) return st;
  return out;
}

Status Catalog::FinishScan(int64_t source_id, int64_t now) {
  auto up = db_.Prepare("UPDATE sources SET last_scan_at = ?2 WHERE id = ?1");
  if (!up.ok()) return up.status();
  return up->Bind(1, source_id).Bind(2, now).Run();
}

Status Catalog::RecordError(const std::string& path, const std::string& reason,
                            const std::string& kind, int64_t now) {
  auto up = db_.Prepare(
      "INSERT INTO errors(path, reason, kind, at) VALUES(?1,?2,?3,?4) ON CONFLICT(path) DO "
      "UPDATE SET reason=excluded.reason, kind=excluded.kind, at=excluded.at");
  if (!up.ok()) return up.status();
  return up->Bind(1, path).Bind(2, reason).Bind(3, kind).Bind(4, now).Run();
}

Status Catalog::ClearError(const std::string& path) {
  auto del = db_.Prepare("DELETE FROM errors WHERE path = ?1");
  if (!del.ok()) return del.status();
  return del->Bind(1, path).Run();
}

Status Catalog::ClearFolderErrorsUnder(const std::string& root) {
  auto [lo, hi] = PrefixRange(root);
  auto del = db_.Prepare(
      "DELETE FROM errors WHERE kind = 'folder' AND ((path >= ?1 AND path < ?2) OR path = ?3)");
  if (!del.ok()) return del.status();
  return del->Bind(1, lo).Bind(2, hi).Bind(3, root).Run();
}

Result<CatalogStats> Catalog::Stats() {
  CatalogStats s;
  auto q = db_.Prepare(
      "SELECT (SELECT count(*) FROM files WHERE status = 0), (SELECT count(*) FROM files WHERE "
      "status = 1), (SELECT count(*) FROM assets), (SELECT count(*) FROM errors WHERE kind != "
      "'warning'), "
      "(SELECT count(*) FROM assets WHERE thumb_state = 1), (SELECT count(*) FROM files WHERE "
      "status = 2), (SELECT count(*) FROM errors WHERE kind = 'warning')");
  if (!q.ok()) return q.status();
  Status st;
  if (!q->Step(&st)) return st.ok() ? Internal("no stats row") : st;
  s.files = q->Int(0);
  s.missing = q->Int(1);
  s.assets = q->Int(2);
  s.errors = q->Int(3);
  s.thumbnails = q->Int(4);
  s.not_images = q->Int(5);
  s.warnings = q->Int(6);
  auto f = db_.Prepare("SELECT format, count(*) FROM assets GROUP BY format ORDER BY format");
  if (!f.ok()) return f.status();
  while (f->Step(&st)) s.by_format[f->Text(0)] = f->Int(1);
  if (!st.ok()) return st;
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    auto size = std::filesystem::file_size(path_.string() + suffix, ec);
    if (!ec) s.catalog_bytes += static_cast<int64_t>(size);
  }
  return s;
}

namespace {
// The first row of a one-parameter photo query (kPhotoColumns), if any.
template <typename Key>
Result<std::optional<PhotoRow>> FindOne(Database& db, const std::string& sql, const Key& key) {
  auto q = db.PrepareCached(sql);
  if (!q.ok()) return q.status();
  q->Bind(1, key);
  Status st;
  if (!q->Step(&st)) {
    if (!st.ok()) return st;
    return std::optional<PhotoRow>();
  }
  return std::optional<PhotoRow>(ReadPhotoRow(*q));
}
}  // namespace

Result<std::optional<PhotoRow>> Catalog::FindByOriginalPath(const std::string& path) {
  static const std::string kSql =
      std::string("SELECT ") + kPhotoColumns +
      " FROM library_items li JOIN files f ON f.id = li.file_id "
      "LEFT JOIN assets a ON a.id = f.asset_id WHERE li.original_path = ?1 "
      "ORDER BY f.status LIMIT 1";
  return FindOne(db_, kSql, path);
}

Result<std::optional<PhotoRow>> Catalog::FindByFileId(int64_t file_id) {
  static const std::string kSql =
      std::string("SELECT ") + kPhotoColumns +
      " FROM files f LEFT JOIN assets a ON a.id = f.asset_id WHERE f.id = ?1";
  return FindOne(db_, kSql, file_id);
}

Result<std::optional<PhotoRow>> Catalog::FindByPath(const std::string& path) {
  static const std::string kSql =
      std::string("SELECT ") + kPhotoColumns +
      " FROM files f LEFT JOIN assets a ON a.id = f.asset_id WHERE f.path = ?1";
  return FindOne(db_, kSql, path);
}

Result<std::optional<PhotoRow>> Catalog::FindByAssetId(int64_t asset_id) {
  static const std::string kSql =
      std::string("SELECT ") + kPhotoColumns +
      " FROM assets a JOIN files f ON a.id = f.asset_id WHERE a.id = ?1 "
      "ORDER BY f.status, f.path LIMIT 1";
  return FindOne(db_, kSql, asset_id);
}

Result<LibraryInfo> Catalog::LibraryInfoFor(int64_t file_id) {
  LibraryInfo info;
  auto q = db_.Prepare(
      "SELECT s.kind, s.root, li.external_id, li.original_filename, li.title, li.description, "
      "li.rating, "
      "COALESCE(li.favorite, 0), COALESCE(li.hidden, 0), COALESCE(li.trashed, 0), li.taken_utc, "
      "li.pick, "
      "li.color_label, li.stand_in, li.original_path, li.orientation "
      "FROM files f JOIN sources s ON s.id = f.source_id LEFT JOIN library_items li ON li.file_id "
      "= f.id WHERE f.id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, file_id);
  Status st;
  if (!q->Step(&st)) return st.ok() ? NotFound("no file " + std::to_string(file_id)) : st;
  info.source_kind = q->Text(0);
  info.source_root = q->Text(1);
  info.external_id = q->OptText(2);
  info.original_filename = q->OptText(3);
  info.title = q->OptText(4);
  info.description = q->OptText(5);
  if (auto r = q->OptInt(6)) info.rating = static_cast<int>(*r);
  info.favorite = q->Int(7) != 0;
  info.hidden = q->Int(8) != 0;
  info.trashed = q->Int(9) != 0;
  info.taken_utc = q->OptInt(10);
  if (auto p = q->OptInt(11)) info.pick = static_cast<int>(*p);
  info.color_label = q->OptText(12);
  info.stand_in = q->OptText(13);
  info.original_path = q->OptText(14);
  if (auto o = q->OptInt(15)) info.orientation = static_cast<int>(*o);
  // One text column per row, for this file and the other present files of its photo.
  auto strings = [&](const std::string& sql, std::vector<std::string>* out) {
    auto list = db_.Prepare(sql);
    if (!list.ok()) return list.status();
    list->Bind(1, file_id);
    Status s;
    while (list->Step(&s)) out->push_back(list->Text(0));
    return s;
  };
  const std::string same_photo =
      "(SELECT f.id FROM files f WHERE f.id = ?1 OR (f.status = 0 AND f.asset_id = (SELECT "
      "asset_id FROM files WHERE id = ?1)))";
  SHOEBOX_RETURN_IF_ERROR(
      strings("SELECT DISTINCT a.name FROM album_files af JOIN albums a ON a.id = af.album_id "
              "WHERE af.file_id IN " +
                  same_photo + " ORDER BY a.name",
              &info.albums));
  SHOEBOX_RETURN_IF_ERROR(strings(
      "SELECT DISTINCT keyword FROM keywords WHERE file_id IN " + same_photo + " ORDER BY keyword",
      &info.keywords));
  return info;
}

Result<std::vector<ErrorRecord>> Catalog::Errors() {
  auto q = db_.Prepare("SELECT path, reason, kind FROM errors ORDER BY path");
  if (!q.ok()) return q.status();
  std::vector<ErrorRecord> out;
  Status st;
  while (q->Step(&st)) out.push_back({q->Text(0), q->Text(1), q->Text(2)});
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<PhotoRow>> Catalog::List(const ListFilter& filter) {
  std::string sql = std::string("SELECT ") + kPhotoColumns +
                    " FROM files f JOIN assets a ON a.id = f.asset_id WHERE f.status = 0";
  std::string lo, hi;
  if (filter.folder) {
    std::string root = *filter.folder;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    std::tie(lo, hi) = PrefixRange(root);
    sql += " AND (f.folder = ?1 OR (f.folder >= ?2 AND f.folder < ?3))";
  }
  if (filter.format) sql += " AND a.format = ?4";
  if (filter.after) sql += " AND a.taken_at >= ?5";
  if (filter.before) sql += " AND a.taken_at < ?6";
  if (filter.person)
    sql +=
        " AND EXISTS (SELECT 1 FROM faces fa JOIN people p ON p.id = fa.person_id WHERE "
        "fa.asset_id = a.id AND p.name = ?8)";
  sql += " ORDER BY a.taken_at IS NULL, a.taken_at, f.path LIMIT ?7";
  auto q = db_.Prepare(sql);
  if (!q.ok()) return q.status();
  if (filter.folder) {
    std::string root = *filter.folder;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    q->Bind(1, root).Bind(2, lo).Bind(3, hi);
  }
  if (filter.format) q->Bind(4, *filter.format);
  if (filter.after) q->Bind(5, *filter.after);
  if (filter.before) q->Bind(6, *filter.before);
  if (filter.person) q->Bind(8, *filter.person);
  q->Bind(7, filter.limit);
  std::vector<PhotoRow> out;
  Status st;
  while (q->Step(&st)) out.push_back(ReadPhotoRow(*q));
  if (!st.ok()) return st;
  return out;
}

Result<GcResult> Catalog::CollectGarbage(int64_t missing_before) {
  GcResult r;
  Transaction tx(&db_);
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  auto del = db_.Prepare("DELETE FROM files WHERE status = 1 AND missing_since < ?1");
  if (!del.ok()) return del.status();
  SHOEBOX_RETURN_IF_ERROR(del->Bind(1, missing_before).Run());
  r.files_removed = db_.Changes();
  auto orphans = db_.Prepare(
      "SELECT id, hash FROM assets a WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.asset_id = "
      "a.id)");
  if (!orphans.ok()) return orphans.status();
  Status st;
  std::vector<int64_t> ids;
  while (orphans->Step(&st)) {
    ids.push_back(orphans->Int(0));
    r.removed_hashes.push_back(orphans->Text(1));
  }
  if (!st.ok()) return st;
  auto del_asset = db_.Prepare("DELETE FROM assets WHERE id = ?1");
  if (!del_asset.ok()) return del_asset.status();
  for (int64_t id : ids) SHOEBOX_RETURN_IF_ERROR(del_asset->Bind(1, id).Run());
  r.assets_removed = static_cast<int64_t>(ids.size());
  SHOEBOX_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<std::unique_ptr<WriterLock>> WriterLock::Acquire(const std::filesystem::path& catalog,
                                                        bool wait) {
  // By the catalog's real path: the same catalog reached through a link is one catalog.
  std::error_code ec;
  const auto real = std::filesystem::weakly_canonical(catalog, ec);
  std::string lock_path = (ec ? catalog : real).string() + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot open lock file " + lock_path + ": " + ErrnoText(errno));
  if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK)
      return Busy("another `shoebox index` is already updating " + catalog.string() +
                  "; wait for it to finish, or pass --wait");
    return IoError("cannot lock " + lock_path + ": " + ErrnoText(e));
  }
  return std::unique_ptr<WriterLock>(new WriterLock(fd));
}

WriterLock::~WriterLock() { ::close(fd_); }

}  // namespace shoebox
