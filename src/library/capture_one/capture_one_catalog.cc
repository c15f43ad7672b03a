#include "library/capture_one/capture_one_catalog.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "library/private_db_copy.h"

namespace shoebox::capture_one {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> DatabaseOf(const fs::path& bundle) {
  std::error_code ec;
  if (bundle.extension() != ".cocatalog" || !fs::is_directory(bundle, ec)) return std::nullopt;
  const fs::path named = bundle / (bundle.stem().string() + ".cocatalogdb");
  if (fs::is_regular_file(named, ec)) return named;
  for (fs::directory_iterator it(bundle, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".cocatalogdb" && it->is_regular_file(ec)) return it->path();
  return std::nullopt;
}

std::string Slashes(std::string p) {
  std::replace(p.begin(), p.end(), '\\', '/');
  return p;
}

std::string Join(std::string dir, const std::string& rest) {
  if (rest.empty()) return dir;
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir + (rest.front() == '/' ? rest.substr(1) : rest);
}

std::vector<std::string> ParseKeywords(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string entry = text.substr(start, comma - start);
    if (auto bars = entry.rfind("||"); bars != std::string::npos) entry = entry.substr(0, bars);
    while (!entry.empty() && entry.front() == ' ') entry.erase(0, 1);
    while (!entry.empty() && entry.back() == ' ') entry.pop_back();
    if (!entry.empty() && std::find(out.begin(), out.end(), entry) == out.end())
      out.push_back(entry);
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

const char* ColorName(int64_t index) {
  static const char* kNames[] = {nullptr, "Red",  "Orange", "Yellow",
                                 "Green", "Blue", "Pink",   "Purple"};
  return index >= 1 && index <= 7 ? kNames[index] : nullptr;
}

}  // namespace

std::optional<double> ParseCaptureOneCoordinate(const std::string& text) {
  // "59,56.7543N": degrees, comma, decimal minutes, hemisphere.
  if (text.size() < 4) return std::nullopt;
  const char hemi = text.back();
  if (hemi != 'N' && hemi != 'S' && hemi != 'E' && hemi != 'W') return std::nullopt;
  const auto comma = text.find(',');
  if (comma == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const std::string deg_text = text.substr(0, comma),
                    min_text = text.substr(comma + 1, text.size() - comma - 2);
  const double deg = std::strtod(deg_text.c_str(), &end);
  if (end != deg_text.c_str() + deg_text.size() || deg_text.empty()) return std::nullopt;
  const double min = std::strtod(min_text.c_str(), &end);
  if (end != min_text.c_str() + min_text.size() || min_text.empty() || min < 0 || min >= 60)
    return std::nullopt;
  double v = deg + min / 60.0;
  if (hemi == 'S' || hemi == 'W') v = -v;
  if (v < -180 || v > 180) return std::nullopt;
  return v;
}

bool LooksLikeCaptureOneCatalog(const std::string& path) { return DatabaseOf(path).has_value(); }

Result<LibraryScan> ReadCaptureOneCatalog(const std::string& bundle, bool force_read) {
  const auto db_path = DatabaseOf(bundle);
  if (!db_path)
    return NotFound(
        bundle + " is not a Capture One catalog (a .cocatalog folder with a .cocatalogdb inside)");
  std::error_code ec;
  if (!force_read && fs::exists(db_path->string() + "-journal", ec)) {
    return Busy("Capture One is writing " + db_path->string() +
                " (its -journal exists): close Capture One first, "
                "or pass --force-read to read a snapshot anyway (also right after a crash)");
  }
  auto copy = PrivateDbCopy::Open(db_path->string());
  if (!copy.ok()) return copy.status();
  Database& db = (*copy)->database();
  for (const char* table : {"ZIMAGE", "ZPATHLOCATION"})
    if (!(*copy)->HasTable(table))
      return Corrupt(db_path->string() + ": not a Capture One catalog (no " + std::string(table) +
                     " table)");
  auto column = [&](const char* table, const char* col) { return (*copy)->HasColumn(table, col); };

  // Metadata of each image's first variant, through its combined settings layer.
  std::string meta_join;
  const bool has_variants = (*copy)->HasTable("ZVARIANT") &&
                            (*copy)->HasTable("ZVARIANTMETADATA") &&
                            column("ZVARIANT", "ZCOMBINEDSETTINGS");
  if (has_variants && column("ZVARIANTMETADATA", "ZLAYER")) {
    meta_join = "LEFT JOIN ZVARIANTMETADATA m ON m.ZLAYER = v.ZCOMBINEDSETTINGS ";
  } else if (has_variants && (*copy)->HasTable("ZVARIANTLAYER") &&
             column("ZVARIANTLAYER", "ZMETADATA")) {
    meta_join =
        "LEFT JOIN ZVARIANTLAYER l ON l.Z_PK = v.ZCOMBINEDSETTINGS LEFT JOIN ZVARIANTMETADATA m ON "
        "m.Z_PK = l.ZMETADATA ";
  }
  auto meta = [&](const char* col) {
    return !meta_join.empty() && column("ZVARIANTMETADATA", col) ? std::string("m.") + col
                                                                 : std::string("NULL");
  };
  auto image_col = [&](const char* col) {
    return column("ZIMAGE", col) ? std::string("i.") + col : std::string("NULL");
  };
  const std::string variant_join = meta_join.empty()
                                       ? ""
                                       : "LEFT JOIN ZVARIANT v ON v.Z_PK = (SELECT MIN(Z_PK) FROM "
                                         "ZVARIANT WHERE ZIMAGE = i.Z_PK) ";
  const std::string sql = "SELECT i.Z_PK, " + image_col("ZIMAGEUUID") + ", i.ZIMAGEFILENAME, " +
                          image_col("ZISTRASHED") + ", " + image_col("ZIMAGECLASSIFICATION") +
                          ", " + image_col("ZGPSLATITUDE") + ", " + image_col("ZGPSLONGITUDE") +
                          ", p.ZISRELATIVE, p.ZRELATIVEPATH, " +
                          (column("ZPATHLOCATION", "ZMACROOT") ? "p.ZMACROOT" : "NULL") + ", " +
                          (column("ZPATHLOCATION", "ZWINROOT") ? "p.ZWINROOT" : "NULL") + ", " +
                          meta("ZBASIC_RATING") + ", " + meta("ZCOLOR_TAG_INDEX") + ", " +
                          meta("ZCONTENT_KEYWORDS") + ", " + meta("ZSTATUS_TITLE") + ", " +
                          meta("ZCONTENT_DESCRIPTION") + ", " +
                          (meta_join.empty() ? "NULL" : "v.Z_PK") +
                          " FROM ZIMAGE i LEFT JOIN ZPATHLOCATION p ON p.Z_PK = i.ZIMAGELOCATION " +
                          variant_join + meta_join + "ORDER BY i.Z_PK";
  auto q = db.Prepare(sql);
  if (!q.ok())
    return Corrupt(db_path->string() + ": unexpected Capture One schema: " + q.status().message());

  // Album memberships by image and by variant.
  std::unordered_map<int64_t, std::vector<std::string>> image_albums, variant_albums;
  if ((*copy)->HasTable("ZCOLLECTION") && (*copy)->HasTable("ZENTITIES")) {
    const std::string albums = "(SELECT Z_ENT FROM ZENTITIES WHERE ZNAME = 'AlbumCollection')";
    for (auto [table, member, out] :
         {std::tuple{"ZIMAGEINCOLLECTION", "ZIMAGE", &image_albums},
          std::tuple{"ZVARIANTINCOLLECTION", "ZVARIANT", &variant_albums}}) {
      if (!(*copy)->HasTable(table) || !column(table, member) || !column(table, "ZCOLLECTION"))
        continue;
      auto m = db.Prepare(std::string("SELECT j.") + member + ", c.ZNAME FROM " + table +
                          " j JOIN ZCOLLECTION c ON c.Z_PK = j.ZCOLLECTION WHERE c.Z_ENT IN " +
                          albums + " AND c.ZNAME <> ''");
      if (!m.ok()) continue;
      Status st;
      while (m->Step(&st)) (*out)[m->Int(0)].push_back(m->Text(1));
    }
  }

  LibraryScan scan;
  scan.kind = "capture-one";
  scan.root = bundle;
  scan.database = db_path->string();
  Status st;
  while (q->Step(&st)) {
    if (q->OptInt(4).value_or(0) == 6) {  // a movie
      ++scan.skipped;
      continue;
    }
    LibraryAsset a;
    a.external_id = q->OptText(1).value_or(std::to_string(q->Int(0)));
    const std::string file = q->OptText(2).value_or("");
    a.original_filename = file;
    const std::string rel = Slashes(q->OptText(8).value_or(""));
    std::string dir;
    if (q->OptInt(7).value_or(0) != 0) {
      dir = Join(bundle, rel);
    } else {
      std::string root = q->OptText(9).value_or("");
      if (root.empty()) root = q->OptText(10).value_or("");
      dir = Join(Slashes(root), rel);
    }
    if (file.empty() || dir.empty()) {
      scan.problems.push_back({scan.database + "#" + a.external_id,
                               "Capture One image " + a.external_id + " has no file location"});
      continue;
    }
    a.path = fs::path(Join(dir, file)).lexically_normal().string();
    a.trashed = q->OptInt(3).value_or(0) != 0;
    if (auto lat = q->OptText(5), lon = q->OptText(6); lat && lon) {
      auto la = ParseCaptureOneCoordinate(*lat), lo = ParseCaptureOneCoordinate(*lon);
      if (la && lo) {
        a.lat = la;
        a.lon = lo;
      }
    }
    if (auto r = q->OptInt(11); r && *r >= 1 && *r <= 5) a.rating = static_cast<int>(*r);
    if (auto c = q->OptInt(12); c && ColorName(*c)) a.color_label = ColorName(*c);
    if (auto k = q->OptText(13)) a.keywords = ParseKeywords(*k);
    a.title = q->OptText(14);
    a.description = q->OptText(15);
    if (auto it = image_albums.find(q->Int(0)); it != image_albums.end()) a.albums = it->second;
    if (auto v = q->OptInt(16)) {
      if (auto it = variant_albums.find(*v); it != variant_albums.end())
        a.albums.insert(a.albums.end(), it->second.begin(), it->second.end());
    }
    std::sort(a.albums.begin(), a.albums.end());
    a.albums.erase(std::unique(a.albums.begin(), a.albums.end()), a.albums.end());
    if (!fs::is_regular_file(a.path, ec)) {
      scan.problems.push_back({a.path, "Capture One image " + file +
                                           ": the original is offline (drive not mounted, "
                                           "or moved outside Capture One)"});
      a.offline = true;
    }
    scan.assets.push_back(std::move(a));
  }
  if (!st.ok()) return Corrupt(db_path->string() + ": " + st.message());
  return scan;
}

}  // namespace shoebox::capture_one
