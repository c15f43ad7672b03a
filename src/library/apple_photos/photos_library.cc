#include "library/apple_photos/photos_library.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "library/library_time.h"
#include "library/private_db_copy.h"

namespace shoebox::apple_photos {
namespace {

namespace fs = std::filesystem;

// Core Data entity number of an entity name (Z_PRIMARYKEY), which names join tables.
std::optional<int64_t> EntityNumber(Database& db, const std::string& name) {
  auto q = db.Prepare("SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = ?1");
  if (!q.ok()) return std::nullopt;
  q->Bind(1, name);
  Status st;
  if (!q->Step(&st)) return std::nullopt;
  return q->Int(0);
}

// The column of a join table whose name ends with suffix ("ALBUMS", "ASSETS"), skipping
// Core Data's ordering columns (Z_FOK_...).
std::optional<std::string> JoinColumn(Database& db, const std::string& table,
                                      const std::string& suffix) {
  auto q = db.Prepare("SELECT name FROM pragma_table_info(?1)");
  if (!q.ok()) return std::nullopt;
  q->Bind(1, table);
  Status st;
  while (q->Step(&st)) {
    std::string c = q->Text(0);
    if (c.rfind("Z_FOK", 0) == 0 || c.size() < suffix.size()) continue;
    if (c.compare(c.size() - suffix.size(), suffix.size(), suffix) == 0) return c;
  }
  return std::nullopt;
}

// Runs a two-column query (key id, text) into a multimap-like index.
Status CollectNames(Database& db, const std::string& sql,
                    std::unordered_map<int64_t, std::vector<std::string>>* out) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return q.status();
  Status st;
  while (q->Step(&st)) {
    if (q->IsNull(0) || q->IsNull(1)) continue;
    (*out)[q->Int(0)].push_back(q->Text(1));
  }
  return st;
}

// The derivatives Photos keeps per asset (resources/derivatives/<X>/<UUID>_1_105_c.jpeg and
// masters/<X>/<UUID>_4_5005_c.jpeg, X = the UUID's first character): the largest per UUID.
class Derivatives {
 public:
  explicit Derivatives(fs::path bundle) : base_(std::move(bundle) / "resources" / "derivatives") {}

  std::optional<std::string> Largest(const std::string& uuid) {
    if (uuid.empty()) return std::nullopt;
    const std::string bucket(1, uuid[0]);
    if (!listed_.count(bucket)) {
      listed_[bucket] = true;
      for (const fs::path& dir : {base_ / bucket, base_ / "masters" / bucket}) List(dir);
    }
    auto it = best_.find(uuid);
    if (it == best_.end()) return std::nullopt;
    return it->second.first;
  }

 private:
  void List(const fs::path& dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string name = it->path().filename().string();
      const auto cut = name.find_first_of("_.");
      if (cut == std::string::npos) continue;
      const std::string uuid = name.substr(0, cut);
      const auto size = static_cast<int64_t>(it->file_size(ec));
      auto& slot = best_[uuid];
      if (size > slot.second) slot = {it->path().string(), size};
    }
  }

  fs::path base_;
  std::map<std::string, bool> listed_;
  std::unordered_map<std::string, std::pair<std::string, int64_t>> best_;
};

// The named people Photos found in each asset (ZDETECTEDFACE -> ZPERSON), keyed by asset
// Z_PK: faces the user hid or trashed and unnamed people (clusters Photos never got a name for)
// are left out. A face is a centre (ZCENTERX, ZCENTERY: fractions, y from the bottom) and a
// size (ZSIZE: a fraction of the longer side of the image Photos analysed, ZSOURCEWIDTH x
// ZSOURCEHEIGHT, as shown), as osxphotos reads them; without the source size the box is square.
Status CollectFaces(Database& db, PrivateDbCopy& copy,
                    std::unordered_map<int64_t, std::vector<FaceRecord>>* out) {
  if (!copy.HasTable("ZDETECTEDFACE") || !copy.HasTable("ZPERSON")) return Status::Ok();
  // Photos 6 and 7 moved the face's asset to ZASSETFORFACE; 5 and 8 call it ZASSET.
  std::string asset_col;
  auto cols = db.Prepare("SELECT name FROM pragma_table_info('ZDETECTEDFACE')");
  if (!cols.ok()) return cols.status();
  Status st;
  while (cols->Step(&st)) {
    const std::string c = cols->Text(0);
    if (c == "ZASSETFORFACE" || (c == "ZASSET" && asset_col.empty())) asset_col = c;
  }
  if (!st.ok()) return st;
  if (asset_col.empty()) return Status::Ok();
  auto q = db.Prepare(
      "SELECT f." + asset_col +
      ", COALESCE(NULLIF(p.ZFULLNAME, ''), p.ZDISPLAYNAME), f.ZCENTERX, f.ZCENTERY, f.ZSIZE, "
      "f.ZSOURCEWIDTH, f.ZSOURCEHEIGHT FROM ZDETECTEDFACE f JOIN ZPERSON p ON p.Z_PK = f.ZPERSON "
      "WHERE COALESCE(f.ZHIDDEN, 0) = 0 AND COALESCE(f.ZISINTRASH, 0) = 0 AND "
      "COALESCE(NULLIF(p.ZFULLNAME, ''), p.ZDISPLAYNAME, '') <> '' ORDER BY f.Z_PK");
  if (!q.ok()) return q.status();
  while (q->Step(&st)) {
    if (q->IsNull(0)) continue;
    FaceRecord face;
    face.person = q->Text(1);
    auto cx = q->OptDouble(2), cy = q->OptDouble(3), size = q->OptDouble(4);
    const double sw = q->OptDouble(5).value_or(0), sh = q->OptDouble(6).value_or(0);
    if (cx && cy && size && *size > 0 && std::isfinite(*cx) && std::isfinite(*cy) &&
        std::isfinite(*size)) {
      const double longer = std::max(sw, sh);
      const double w = sw > 0 && sh > 0 ? *size * longer / sw : *size;
      const double h = sw > 0 && sh > 0 ? *size * longer / sh : *size;
      const double x = std::clamp(*cx - w / 2, 0.0, 1.0), y = std::clamp(1 - *cy - h / 2, 0.0, 1.0);
      if (x < 1 && y < 1) {
        face.x = x;
        face.y = y;
        face.w = std::min(w, 1 - x);
        face.h = std::min(h, 1 - y);
      }
    }
    (*out)[q->Int(0)].push_back(std::move(face));
  }
  return st;
}

}  // namespace

bool LooksLikePhotosLibrary(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(path) / "database" / "Photos.sqlite", ec);
}

Result<LibraryScan> ReadPhotosLibrary(const std::string& bundle) {
  const fs::path root(bundle);
  const std::string db_path = (root / "database" / "Photos.sqlite").string();
  if (!LooksLikePhotosLibrary(bundle))
    return NotFound(bundle + " is not an Apple Photos library (no database/Photos.sqlite)");
  auto copy = PrivateDbCopy::Open(db_path);
  if (!copy.ok()) return copy.status();
  Database& db = (*copy)->database();
  std::string asset_table;
  if ((*copy)->HasTable("ZASSET"))
    asset_table = "ZASSET";  // Photos 6+ (macOS 11+)
  else if ((*copy)->HasTable("ZGENERICASSET"))
    asset_table = "ZGENERICASSET";  // Photos 5 (macOS 10.15)
  else
    return Unsupported(
        db_path +
        ": no ZASSET or ZGENERICASSET table; libraries of Photos 4 and older "
        "(macOS 10.14 and before) are not supported — open the library once in a newer Photos");
  const bool has_attributes = (*copy)->HasTable("ZADDITIONALASSETATTRIBUTES");
  const bool has_descriptions = has_attributes && (*copy)->HasTable("ZASSETDESCRIPTION");

  // Albums and keywords, keyed by asset Z_PK and by attributes Z_PK.
  std::unordered_map<int64_t, std::vector<std::string>> albums, keywords;
  if (auto album_ent = EntityNumber(db, "Album"); album_ent && (*copy)->HasTable("ZGENERICALBUM")) {
    const std::string join = "Z_" + std::to_string(*album_ent) + "ASSETS";
    auto album_col = JoinColumn(db, join, "ALBUMS"), asset_col = JoinColumn(db, join, "ASSETS");
    if ((*copy)->HasTable(join) && album_col && asset_col) {
      // ZKIND 2: albums the user made (folders, smart albums and system lists are other kinds).
      SHOEBOX_RETURN_IF_ERROR(CollectNames(
          db,
          "SELECT j." + *asset_col + ", al.ZTITLE FROM " + join +
              " j JOIN ZGENERICALBUM al ON al.Z_PK = j." + *album_col +
              " WHERE al.ZKIND = 2 AND COALESCE(al.ZTRASHEDSTATE, 0) = 0 AND al.ZTITLE <> ''",
          &albums));
    }
  }
  if (auto attr_ent = EntityNumber(db, "AdditionalAssetAttributes");
      attr_ent && has_attributes && (*copy)->HasTable("ZKEYWORD")) {
    const std::string join = "Z_" + std::to_string(*attr_ent) + "KEYWORDS";
    auto attr_col = JoinColumn(db, join, "ASSETATTRIBUTES"),
         kw_col = JoinColumn(db, join, "KEYWORDS");
    if ((*copy)->HasTable(join) && attr_col && kw_col) {
      SHOEBOX_RETURN_IF_ERROR(CollectNames(db,
                                           "SELECT j." + *attr_col + ", k.ZTITLE FROM " + join +
                                               " j JOIN ZKEYWORD k ON k.Z_PK = j." + *kw_col +
                                               " WHERE k.ZTITLE <> ''",
                                           &keywords));
    }
  }

  std::unordered_map<int64_t, std::vector<FaceRecord>> faces;
  SHOEBOX_RETURN_IF_ERROR(CollectFaces(db, **copy, &faces));

  const std::string sql =
      "SELECT a.Z_PK, a.ZUUID, a.ZDIRECTORY, a.ZFILENAME, a.ZDATECREATED, a.ZLATITUDE, "
      "a.ZLONGITUDE, a.ZFAVORITE, "
      "a.ZHIDDEN, a.ZTRASHEDSTATE, a.ZKIND, " +
      std::string(has_attributes ? "x.Z_PK, x.ZORIGINALFILENAME, x.ZTITLE, x.ZTIMEZONEOFFSET, "
                                 : "NULL, NULL, NULL, NULL, ") +
      (has_descriptions ? "d.ZLONGDESCRIPTION " : "NULL ") + "FROM " + asset_table + " a " +
      (has_attributes ? "LEFT JOIN ZADDITIONALASSETATTRIBUTES x ON x.ZASSET = a.Z_PK " : "") +
      (has_descriptions ? "LEFT JOIN ZASSETDESCRIPTION d ON d.Z_PK = x.ZASSETDESCRIPTION " : "") +
      "ORDER BY a.Z_PK";
  auto q = db.Prepare(sql);
  if (!q.ok()) return Corrupt(db_path + ": unexpected Photos schema: " + q.status().message());

  LibraryScan scan;
  scan.kind = "apple-photos";
  scan.root = bundle;
  scan.database = db_path;
  Derivatives derivatives(root);
  Status st;
  while (q->Step(&st)) {
    const int64_t kind = q->OptInt(10).value_or(0);
    if (kind != 0 && kind != 1) {  // 0 photo, 1 video (catalogued as videos are)
      ++scan.skipped;
      continue;
    }
    LibraryAsset a;
    a.external_id = q->OptText(1).value_or("");
    const std::string dir = q->OptText(2).value_or(""), file = q->OptText(3).value_or("");
    a.original_filename = q->OptText(12);
    a.title = q->OptText(13);
    a.description = q->OptText(15);
    const std::string label =
        a.external_id + (a.original_filename ? " (" + *a.original_filename + ")" : "");
    if (file.empty()) {
      scan.problems.push_back(
          {db_path + "#" + a.external_id, "Apple Photos asset " + label + " has no file name"});
      continue;
    }
    fs::path original;
    if (!dir.empty() && dir[0] == '/')
      original = fs::path(dir) / file;  // referenced, outside the bundle
    else if (dir.rfind("originals/", 0) == 0)
      original = root / dir / file;
    else
      original = root / "originals" / dir / file;
    std::error_code ec;
    if (fs::is_regular_file(original, ec)) {
      a.path = original.string();
    } else if (auto d = derivatives.Largest(a.external_id)) {
      a.path = *d;
      a.stand_in = "derivative";
      a.original_path = original.string();
    } else {
      scan.problems.push_back(
          {original.string(), "Apple Photos asset " + label +
                                  ": the original is not in the library (stored in iCloud "
                                  "only?) and Photos kept no derivative of it"});
      a.path = original.string();
      a.offline = true;
    }
    if (auto t = q->OptDouble(4)) {
      a.taken_utc = static_cast<int64_t>(std::floor(*t)) + kCoreDataEpoch;
      if (auto tz = q->OptInt(14)) {
        a.taken_local = LocalIso(*a.taken_utc, *tz);
        a.tz_offset = OffsetString(*tz);
      } else {
        a.taken_local = LocalIso(*a.taken_utc, 0);
        a.tz_offset = "+00:00";
      }
    }
    // Photos writes -180/-180 for "no location".
    auto lat = q->OptDouble(5), lon = q->OptDouble(6);
    if (lat && lon && *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180 &&
        !(*lat == 0 && *lon == 0) && !(*lat == -180 || *lon == -180)) {
      a.lat = lat;
      a.lon = lon;
    }
    a.favorite = q->OptInt(7).value_or(0) != 0;
    a.hidden = q->OptInt(8).value_or(0) != 0;
    a.trashed = q->OptInt(9).value_or(0) != 0;
    if (auto it = albums.find(q->Int(0)); it != albums.end()) a.albums = it->second;
    if (auto it = faces.find(q->Int(0)); it != faces.end()) a.people = it->second;
    if (auto attr = q->OptInt(11)) {
      if (auto it = keywords.find(*attr); it != keywords.end()) a.keywords = it->second;
    }
    scan.assets.push_back(std::move(a));
  }
  if (!st.ok()) return Corrupt(db_path + ": " + st.message());
  return scan;
}

}  // namespace shoebox::apple_photos
