#include "library/lightroom/lightroom_catalog.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "base/file_io.h"
#include "imaging/jpeg_exif.h"
#include "library/lightroom/lrprev.h"
#include "library/private_db_copy.h"

namespace shoebox::lightroom {
namespace {

namespace fs = std::filesystem;

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// "a/b/" + "c" without doubling or losing the slash; Windows catalogs use '/' too.
std::string Join(std::string dir, const std::string& rest) {
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir + rest;
}

Status CollectNames(Database& db, const char* sql,
                    std::unordered_map<int64_t, std::vector<std::string>>* out) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return q.status();
  Status st;
  while (q->Step(&st)) {
    if (q->IsNull(1)) continue;
    std::string name = q->Text(1);
    if (!name.empty()) (*out)[q->Int(0)].push_back(std::move(name));
  }
  return st;
}

// Who is in each image (keyed by image id_local): a face region tied to a person keyword
// counts once the keyword is on the image (confirmed; a suggestion Lightroom shows with "?" is
// not), and a person keyword on the image without a region counts without a box.
Status CollectPeople(Database& db, PrivateDbCopy& copy,
                     std::unordered_map<int64_t, std::vector<FaceRecord>>* out) {
  if (!copy.HasTable("AgLibraryKeyword") || !copy.HasTable("AgLibraryKeywordImage"))
    return Status::Ok();
  std::unordered_map<int64_t, std::set<std::string>> boxed;
  if (copy.HasTable("AgLibraryFace") && copy.HasTable("AgLibraryKeywordFace")) {
    auto q = db.Prepare(
        "SELECT f.image, k.name, f.tl_x, f.tl_y, f.br_x, f.br_y FROM AgLibraryFace f "
        "JOIN AgLibraryKeywordFace kf ON kf.face = f.id_local "
        "JOIN AgLibraryKeyword k ON k.id_local = kf.tag "
        "WHERE COALESCE(kf.userReject, 0) = 0 AND COALESCE(k.name, '') <> '' AND EXISTS (SELECT 1 "
        "FROM AgLibraryKeywordImage ki WHERE ki.image = f.image AND ki.tag = k.id_local) "
        "ORDER BY f.id_local");
    if (!q.ok()) return q.status();
    Status st;
    while (q->Step(&st)) {
      FaceRecord face;
      face.person = q->Text(1);
      auto l = q->OptDouble(2), t = q->OptDouble(3), r = q->OptDouble(4), b = q->OptDouble(5);
      if (l && t && r && b && std::isfinite(*l) && std::isfinite(*t) && std::isfinite(*r) &&
          std::isfinite(*b) && *l >= 0 && *t >= 0 && *r <= 1 && *b <= 1 && *r > *l && *b > *t) {
        face.x = *l;
        face.y = *t;
        face.w = *r - *l;
        face.h = *b - *t;
      }
      boxed[q->Int(0)].insert(face.person);
      (*out)[q->Int(0)].push_back(std::move(face));
    }
    if (!st.ok()) return st;
  }
  auto q = db.Prepare(
      "SELECT ki.image, k.name FROM AgLibraryKeywordImage ki JOIN AgLibraryKeyword k ON "
      "k.id_local = ki.tag WHERE k.keywordType = 'person' AND COALESCE(k.name, '') <> '' "
      "ORDER BY k.name");
  if (!q.ok()) return Status::Ok();  // catalogs before Lightroom 6 have no person keywords
  Status st;
  while (q->Step(&st)) {
    const std::string name = q->Text(1);
    if (boxed[q->Int(0)].count(name)) continue;
    (*out)[q->Int(0)].push_back({name, {}, {}, {}, {}});
  }
  return st;
}

}  // namespace

int ExifOrientation(const std::string& code) {
  static const std::map<std::string, int> kCodes = {{"AB", 1}, {"BA", 2}, {"CD", 3}, {"DC", 4},
                                                    {"AD", 5}, {"BC", 6}, {"CB", 7}, {"DA", 8}};
  auto it = kCodes.find(code);
  return it == kCodes.end() ? 1 : it->second;
}

std::string PreviewsFolderFor(const std::string& catalog_path) {
  const fs::path p(catalog_path);
  return (p.parent_path() / (p.stem().string() + " Previews.lrdata")).string();
}

Result<CatalogContents> ReadCatalog(const std::string& catalog_path, bool force_read) {
  if (!Exists(catalog_path)) return NotFound(catalog_path + ": no such Lightroom catalog");
  if (!force_read && Exists(catalog_path + ".lock")) {
    return Busy("Lightroom has " + catalog_path + " open (" + catalog_path +
                ".lock exists): close Lightroom first, or pass --force-read to read a snapshot of "
                "it anyway "
                "(also right when the lock is left over from a crash)");
  }
  auto copy = PrivateDbCopy::Open(catalog_path);
  if (!copy.ok()) return copy.status();
  Database& db = (*copy)->database();
  for (const char* table :
       {"Adobe_images", "AgLibraryFile", "AgLibraryFolder", "AgLibraryRootFolder"}) {
    if (!(*copy)->HasTable(table))
      return Corrupt(catalog_path + ": not a Lightroom catalog (no " + std::string(table) +
                     " table)");
  }
  CatalogContents out;
  out.path = catalog_path;
  if ((*copy)->HasTable("Adobe_variablesTable")) {
    auto v = db.Prepare("SELECT value FROM Adobe_variablesTable WHERE name = 'Adobe_DBVersion'");
    Status st;
    if (v.ok() && v->Step(&st)) out.version = v->OptText(0).value_or("");
  }
  std::unordered_map<int64_t, std::vector<std::string>> keywords, collections;
  if ((*copy)->HasTable("AgLibraryKeywordImage") && (*copy)->HasTable("AgLibraryKeyword")) {
    SHOEBOX_RETURN_IF_ERROR(
        CollectNames(db,
                     "SELECT ki.image, k.name FROM AgLibraryKeywordImage ki "
                     "JOIN AgLibraryKeyword k ON k.id_local = ki.tag ORDER BY k.name",
                     &keywords));
  }
  if ((*copy)->HasTable("AgLibraryCollectionImage") && (*copy)->HasTable("AgLibraryCollection")) {
    // Plain collections only: smart collections hold rules, groups hold collections.
    SHOEBOX_RETURN_IF_ERROR(
        CollectNames(db,
                     "SELECT ci.image, c.name FROM AgLibraryCollectionImage ci "
                     "JOIN AgLibraryCollection c ON c.id_local = ci.collection "
                     "WHERE c.creationId = 'com.adobe.ag.library.collection' ORDER BY c.name",
                     &collections));
  }
  std::unordered_map<int64_t, std::vector<FaceRecord>> people;
  SHOEBOX_RETURN_IF_ERROR(CollectPeople(db, **copy, &people));
  const bool has_iptc = (*copy)->HasTable("AgLibraryIPTC");
  const bool has_exif = (*copy)->HasTable("AgHarvestedExifMetadata");
  const std::string sql =
      std::string(
          "SELECT i.id_local, i.id_global, i.captureTime, i.orientation, i.rating, i.pick, "
          "i.colorLabels, "
          "i.fileFormat, i.masterImage, f.baseName, f.extension, fo.pathFromRoot, r.absolutePath, "
          "r.relativePathFromCatalog, ") +
      (has_iptc ? "ip.caption, " : "NULL, ") +
      (has_exif ? "e.hasGPS, e.gpsLatitude, e.gpsLongitude " : "NULL, NULL, NULL ") +
      "FROM Adobe_images i JOIN AgLibraryFile f ON f.id_local = i.rootFile "
      "JOIN AgLibraryFolder fo ON fo.id_local = f.folder JOIN AgLibraryRootFolder r ON r.id_local "
      "= fo.rootFolder " +
      (has_iptc ? "LEFT JOIN AgLibraryIPTC ip ON ip.image = i.id_local " : "") +
      (has_exif ? "LEFT JOIN AgHarvestedExifMetadata e ON e.image = i.id_local " : "") +
      "ORDER BY i.id_local";
  auto q = db.Prepare(sql);
  if (!q.ok())
    return Corrupt(catalog_path + ": unexpected Lightroom schema: " + q.status().message());
  const fs::path catalog_dir = fs::path(catalog_path).parent_path();
  Status st;
  while (q->Step(&st)) {
    const std::string format = q->OptText(7).value_or("");
    if (!q->IsNull(8)) {  // a virtual copy of another image (videos are catalogued)
      ++out.skipped;
      continue;
    }
    CatalogImage im;
    im.id = q->Int(0);
    im.id_global = q->OptText(1).value_or("");
    if (auto t = q->OptText(2); t && t->size() >= 19) im.capture_time = t->substr(0, 19);
    im.orientation = ExifOrientation(q->OptText(3).value_or("AB"));
    if (auto r = q->OptDouble(4); r && *r >= 0 && *r <= 5) im.rating = static_cast<int>(*r);
    if (auto p = q->OptDouble(5)) im.pick = *p > 0 ? 1 : *p < 0 ? -1 : 0;
    im.color_label = q->OptText(6);
    if (im.color_label && im.color_label->empty()) im.color_label.reset();
    const std::string base = q->OptText(9).value_or(""), ext = q->OptText(10).value_or("");
    im.file_name = ext.empty() ? base : base + "." + ext;
    const std::string in_root = q->OptText(11).value_or("") + im.file_name;
    const std::string absolute = Join(q->OptText(12).value_or(""), in_root);
    im.path = absolute;
    if (Exists(absolute)) {
      im.present = true;
    } else if (auto rel = q->OptText(13); rel && !rel->empty()) {
      // The catalog and its photos moved together: the root relative to the catalog's folder.
      const fs::path moved = (catalog_dir / Join(*rel, in_root)).lexically_normal();
      if (Exists(moved)) {
        im.path = moved.string();
        im.present = true;
      }
    }
    im.caption = q->OptText(14);
    if (im.caption && im.caption->empty()) im.caption.reset();
    if (q->OptInt(15).value_or(0) != 0) {
      im.lat = q->OptDouble(16);
      im.lon = q->OptDouble(17);
    }
    if (auto it = keywords.find(im.id); it != keywords.end()) im.keywords = it->second;
    if (auto it = collections.find(im.id); it != collections.end()) im.collections = it->second;
    if (auto it = people.find(im.id); it != people.end()) im.people = it->second;
    out.images.push_back(std::move(im));
  }
  if (!st.ok()) return Corrupt(catalog_path + ": " + st.message());
  return out;
}

Result<std::vector<PreviewEntry>> ReadPreviewIndex(const std::string& lrdata) {
  const std::string db_path = (fs::path(lrdata) / "previews.db").string();
  auto copy = PrivateDbCopy::Open(db_path);
  if (!copy.ok()) return copy.status();
  if (!(*copy)->HasTable("ImageCacheEntry"))
    return Corrupt(db_path + ": no ImageCacheEntry table (not Lightroom's previews.db)");
  auto q = (*copy)->database().Prepare("SELECT imageId, uuid, digest FROM ImageCacheEntry");
  if (!q.ok()) return Corrupt(db_path + ": " + q.status().message());
  std::vector<PreviewEntry> out;
  Status st;
  while (q->Step(&st)) {
    PreviewEntry e;
    e.image_id = q->Int(0);
    e.uuid = q->OptText(1).value_or("");
    e.digest = q->OptText(2).value_or("");
    // The cache spreads files over <first hex digit>/<first four>/ folders.
    if (e.uuid.size() < 4) continue;
    e.file = (fs::path(lrdata) / e.uuid.substr(0, 1) / e.uuid.substr(0, 4) /
              (e.uuid + "-" + e.digest + ".lrprev"))
                 .string();
    out.push_back(std::move(e));
  }
  if (!st.ok()) return Corrupt(db_path + ": " + st.message());
  return out;
}

Result<ExtractedPreview> ExtractPreview(const std::string& lrprev_path, std::optional<int> level,
                                        std::optional<int> orientation,
                                        const std::optional<std::string>& capture_time,
                                        const std::string& out_path) {
  auto bytes = ReadWholeFile(lrprev_path, uint64_t{512} << 20);
  if (!bytes.ok()) return bytes.status();
  const std::string_view data(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  auto prev = ParseLrprev(data);
  if (!prev.ok()) return Corrupt(lrprev_path + ": " + prev.status().message());
  const LrprevLevel* chosen = level ? prev->Level(*level) : prev->Largest();
  if (!chosen) {
    return NotFound(lrprev_path + ": no level " + std::to_string(*level) + " (it has levels " +
                    std::to_string(prev->levels.front().number) + "-" +
                    std::to_string(prev->levels.back().number) + ")");
  }
  ExifStamp stamp;
  stamp.orientation = orientation;
  if (capture_time && capture_time->size() >= 19) {
    std::string t = capture_time->substr(0, 19);
    t[4] = t[7] = ':';
    t[10] = ' ';
    stamp.date_time_original = t;
  }
  auto jpeg = StampJpegExif(reinterpret_cast<const uint8_t*>(chosen->jpeg.data()),
                            chosen->jpeg.size(), stamp);
  if (!jpeg.ok())
    return Corrupt(lrprev_path + " level_" + std::to_string(chosen->number) + ": " +
                   jpeg.status().message());
  std::error_code ec;
  fs::create_directories(fs::path(out_path).parent_path(), ec);
  SHOEBOX_RETURN_IF_ERROR(WriteFileAtomic(out_path, jpeg->data(), jpeg->size()));
  return ExtractedPreview{chosen->number, chosen->width, chosen->height, prev->uuid};
}

Result<LibraryScan> ReadLightroomLibrary(const std::string& catalog_path, bool force_read,
                                         const std::string& preview_dir) {
  auto catalog = ReadCatalog(catalog_path, force_read);
  if (!catalog.ok()) return catalog.status();
  LibraryScan scan;
  scan.kind = "lightroom";
  scan.root = catalog_path;
  scan.database = catalog_path;
  scan.skipped = catalog->skipped;
  // Previews only matter for offline originals; read the cache's index only if one is.
  std::unordered_map<int64_t, PreviewEntry> previews;
  std::optional<std::string> preview_problem;
  bool any_offline = false;
  for (const auto& im : catalog->images) any_offline |= !im.present;
  const std::string lrdata = PreviewsFolderFor(catalog_path);
  if (any_offline && Exists(fs::path(lrdata) / "previews.db")) {
    auto index = ReadPreviewIndex(lrdata);
    if (index.ok()) {
      for (auto& e : *index) previews[e.image_id] = std::move(e);
    } else {
      preview_problem = index.status().message();
    }
  }
  for (const CatalogImage& im : catalog->images) {
    LibraryAsset a;
    a.path = im.path;
    a.external_id = im.id_global;
    a.original_filename = im.file_name;
    a.description = im.caption;
    a.rating = im.rating;
    a.pick = im.pick;
    a.orientation = im.orientation;
    a.color_label = im.color_label;
    a.taken_local = im.capture_time;
    a.lat = im.lat;
    a.lon = im.lon;
    a.albums = im.collections;
    a.keywords = im.keywords;
    a.people = im.people;
    if (!im.present) {
      std::string why = "the original is offline (drive not mounted, or moved outside Lightroom)";
      auto p = previews.find(im.id);
      if (p != previews.end() && Exists(p->second.file)) {
        // Named by the image's UUID: stable across imports, one file per image. The catalog is
        // not trusted to hold a plain UUID there: anything else is named by its hash.
        const bool plain =
            !im.id_global.empty() && im.id_global.size() <= 64 &&
            im.id_global.find_first_not_of("0123456789ABCDEFabcdef-") == std::string::npos;
        const std::string stem =
            plain ? im.id_global
                  : ContentHashHex(reinterpret_cast<const uint8_t*>(im.id_global.data()),
                                   im.id_global.size());
        const std::string out = (fs::path(preview_dir) / (stem + ".jpg")).string();
        std::error_code ec;
        const bool fresh =
            Exists(out) && fs::last_write_time(out, ec) >= fs::last_write_time(p->second.file, ec);
        Status extracted = Status::Ok();
        if (!fresh) {
          auto x =
              ExtractPreview(p->second.file, std::nullopt, im.orientation, im.capture_time, out);
          if (!x.ok()) extracted = x.status();
        }
        if (extracted.ok()) {
          a.stand_in = "preview";
          a.original_path = im.path;
          a.path = out;
          scan.assets.push_back(std::move(a));
          continue;
        }
        why += ", and its preview cannot be used: " + extracted.message();
      } else if (preview_problem) {
        why += ", and the preview cache cannot be read: " + *preview_problem;
      } else {
        why += ", and Lightroom keeps no preview of it";
      }
      scan.problems.push_back({im.path, "Lightroom image " + im.file_name + ": " + why});
      a.offline = true;
    }
    scan.assets.push_back(std::move(a));
  }
  return scan;
}

}  // namespace shoebox::lightroom
