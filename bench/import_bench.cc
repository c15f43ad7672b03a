// Library import at scale, before any image is decoded (issue 6: < 10 s for 100,000 assets).
//
// Builds an Apple Photos library and a Lightroom catalog of N assets (default 100,000) from
// the real schemas in the corpus (the Ventura 13.5 Photos.sqlite, Lightroom 5's
// test_catalog_1.lrcat) with synthetic rows — 1,000 albums / collections, 300 keywords,
// descriptions, places, time zones — and N small files on disk (hard links of one JPEG, so
// every original exists). Then, per library:
//   read   — the importer's read step (private copy of the database, the queries, a stat of
//            every original): LibraryScan for N assets;
//   facts  — writing every asset's facts (ids, names, flags, albums, keywords, dates) into a
//            catalog that already holds the N files (as the crawl leaves it);
//   reimport — the whole `import` again over an unchanged library: read + stat-compare of
//            every file (nothing decoded) + facts.
// Usage: import_bench [N] [CORPUS_DIR]
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/file_io.h"
#include "catalog/catalog.h"
#include "library/apple_photos/photos_library.h"
#include "library/lightroom/lightroom_catalog.h"
#include "pipeline/indexer.h"
#include "pipeline/library_import.h"

using namespace shoebox;
namespace fs = std::filesystem;

namespace {

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

#define CHECK_OK(expr)                                                \
  do {                                                                \
    auto _s = (expr);                                                 \
    if (!_s.ok()) {                                                   \
      std::fprintf(stderr, "%s: %s\n", #expr, _s.ToString().c_str()); \
      std::exit(1);                                                   \
    }                                                                 \
  } while (0)

std::string Uuid(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08X-0000-4000-8000-%012X", i * 2654435761u, i);
  return buf;
}

void Link(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to, ec);
}

fs::path BuildPhotos(const fs::path& dir, const fs::path& corpus, const fs::path& jpeg, int n) {
  const fs::path bundle = dir / "Bench.photoslibrary";
  fs::create_directories(bundle / "database");
  fs::copy_file(corpus /
                    "libraries/apple-photos/Test-Empty-Library-Ventura-13-5.photoslibrary/database/"
                    "Photos.sqlite",
                bundle / "database/Photos.sqlite");
  fs::copy_file(corpus /
                    "libraries/apple-photos/Test-Empty-Library-Ventura-13-5.photoslibrary/database/"
                    "Photos.sqlite-wal",
                bundle / "database/Photos.sqlite-wal");
  fs::permissions(bundle / "database/Photos.sqlite",
                  fs::perms::owner_read | fs::perms::owner_write);
  fs::permissions(bundle / "database/Photos.sqlite-wal",
                  fs::perms::owner_read | fs::perms::owner_write);
  Database db;
  CHECK_OK(db.Open((bundle / "database/Photos.sqlite").string(), false, false));
  std::vector<std::string> triggers;
  {
    auto q = db.Prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'");
    Status st;
    while (q->Step(&st)) triggers.push_back(q->Text(0));
  }
  for (const auto& t : triggers) CHECK_OK(db.Exec("DROP TRIGGER \"" + t + "\""));
  CHECK_OK(db.Exec("BEGIN"));
  auto asset = db.Prepare(
      "INSERT INTO ZASSET(Z_PK, Z_ENT, Z_OPT, ZUUID, ZDIRECTORY, ZFILENAME, ZDATECREATED, "
      "ZLATITUDE, ZLONGITUDE, "
      "ZFAVORITE, ZHIDDEN, ZTRASHEDSTATE, ZKIND, ZADDITIONALATTRIBUTES) VALUES(?1, 3, 1, ?2, ?3, "
      "?4, ?5, ?6, ?7, ?8, 0, 0, 0, ?1)");
  auto attrs = db.Prepare(
      "INSERT INTO ZADDITIONALASSETATTRIBUTES(Z_PK, Z_ENT, Z_OPT, ZASSET, ZORIGINALFILENAME, "
      "ZTITLE, ZTIMEZONEOFFSET, "
      "ZASSETDESCRIPTION) VALUES(?1, 1, 1, ?1, ?2, ?3, ?4, ?5)");
  auto desc = db.Prepare(
      "INSERT INTO ZASSETDESCRIPTION(Z_PK, Z_ENT, Z_OPT, ZASSETATTRIBUTES, ZLONGDESCRIPTION) "
      "VALUES(?1, 6, 1, ?1, ?2)");
  auto member = db.Prepare(
      "INSERT OR IGNORE INTO Z_28ASSETS(Z_28ALBUMS, Z_3ASSETS, Z_FOK_3ASSETS) VALUES(?1, ?2, ?2)");
  auto kw = db.Prepare(
      "INSERT OR IGNORE INTO Z_1KEYWORDS(Z_1ASSETATTRIBUTES, Z_40KEYWORDS) VALUES(?1, ?2)");
  for (int a = 0; a < 1000; ++a)
    CHECK_OK(db.Exec(
        "INSERT INTO ZGENERICALBUM(Z_PK, Z_ENT, Z_OPT, ZKIND, ZTITLE, ZTRASHEDSTATE) VALUES(" +
        std::to_string(1000 + a) + ", 28, 1, 2, 'Album " + std::to_string(a) + "', 0)"));
  for (int k = 0; k < 300; ++k)
    CHECK_OK(db.Exec("INSERT INTO ZKEYWORD(Z_PK, Z_ENT, Z_OPT, ZTITLE) VALUES(" +
                     std::to_string(1 + k) + ", 40, 1, 'keyword " + std::to_string(k) + "')"));
  for (int i = 1; i <= n; ++i) {
    const std::string uuid = Uuid(i), file = uuid + ".jpeg";
    asset->Bind(1, int64_t{i}).Bind(2, uuid).Bind(3, uuid.substr(0, 1)).Bind(4, file);
    asset->Bind(5, 400000000.0 + i * 600.0)
        .Bind(6, 35.0 + i % 1000 / 100.0)
        .Bind(7, 139.0 + i % 700 / 100.0)
        .Bind(8, i % 20 == 0);
    CHECK_OK(asset->Run());
    asset->Reset();
    attrs->Bind(1, int64_t{i}).Bind(2, "IMG_" + std::to_string(i) + ".JPG");
    if (i % 7 == 0)
      attrs->Bind(3, "Title " + std::to_string(i));
    else
      attrs->BindNull(3);
    attrs->Bind(4, int64_t{(i % 5 - 2) * 3600});
    if (i % 10 == 0)
      attrs->Bind(5, int64_t{i});
    else
      attrs->BindNull(5);
    CHECK_OK(attrs->Run());
    attrs->Reset();
    if (i % 10 == 0) {
      CHECK_OK(
          desc->Bind(1, int64_t{i}).Bind(2, "A description of photo " + std::to_string(i)).Run());
      desc->Reset();
    }
    for (int m = 0; m < 1 + i % 2; ++m) {
      CHECK_OK(member->Bind(1, int64_t{1000 + (i * 7 + m * 13) % 1000}).Bind(2, int64_t{i}).Run());
      member->Reset();
    }
    if (i % 3 != 0) {
      CHECK_OK(kw->Bind(1, int64_t{i}).Bind(2, int64_t{1 + i % 300}).Run());
      kw->Reset();
    }
    Link(jpeg, bundle / "originals" / uuid.substr(0, 1) / file);
  }
  CHECK_OK(db.Exec("COMMIT"));
  return bundle;
}

fs::path BuildLightroom(const fs::path& dir, const fs::path& corpus, const fs::path& jpeg, int n) {
  const fs::path catalog = dir / "Bench/Bench.lrcat";
  fs::create_directories(catalog.parent_path());
  fs::copy_file(corpus / "libraries/lightroom/test_catalog_1/test_catalog_1.lrcat", catalog);
  fs::permissions(catalog, fs::perms::owner_read | fs::perms::owner_write);
  const fs::path photos = dir / "LightroomPhotos";
  Database db;
  CHECK_OK(db.Open(catalog.string(), false, false));
  CHECK_OK(db.Exec("BEGIN"));
  CHECK_OK(db.Exec("DELETE FROM Adobe_images"));  // the sample's own 4 images (offline here)
  CHECK_OK(
      db.Exec("INSERT INTO AgLibraryRootFolder(id_local, id_global, absolutePath, name, "
              "relativePathFromCatalog) "
              "VALUES(5000000, 'ROOT-B', '" +
              photos.string() + "/', 'LightroomPhotos', '../../LightroomPhotos/')"));
  for (int f = 0; f < 100; ++f)
    CHECK_OK(db.Exec(
        "INSERT INTO AgLibraryFolder(id_local, id_global, pathFromRoot, rootFolder) VALUES(" +
        std::to_string(5000001 + f) + ", 'F-" + std::to_string(f) + "', '2019/day-" +
        std::to_string(f) + "/', 5000000)"));
  for (int c = 0; c < 1000; ++c)
    CHECK_OK(db.Exec("INSERT INTO AgLibraryCollection(id_local, creationId, name) VALUES(" +
                     std::to_string(5100000 + c) +
                     ", 'com.adobe.ag.library.collection', 'Collection " + std::to_string(c) +
                     "')"));
  for (int k = 0; k < 300; ++k)
    CHECK_OK(
        db.Exec("INSERT INTO AgLibraryKeyword(id_local, id_global, name, lc_name, parent) VALUES(" +
                std::to_string(5200000 + k) + ", 'K-" + std::to_string(k) + "', 'keyword " +
                std::to_string(k) + "', 'keyword " + std::to_string(k) + "', 20)"));
  auto file = db.Prepare(
      "INSERT INTO AgLibraryFile(id_local, id_global, baseName, extension, folder, idx_filename, "
      "lc_idx_filename, originalFilename) VALUES(?1, ?2, ?3, 'jpg', ?4, ?3, ?3, ?3)");
  auto image = db.Prepare(
      "INSERT INTO Adobe_images(id_local, id_global, rootFile, captureTime, orientation, rating, "
      "pick, colorLabels, fileFormat) VALUES(?1, ?2, ?3, ?4, 'AB', ?5, ?6, ?7, 'JPG')");
  auto exif = db.Prepare(
      "INSERT INTO AgHarvestedExifMetadata(id_local, image, hasGPS, gpsLatitude, gpsLongitude) "
      "VALUES(?1, ?2, 1, ?3, ?4)");
  auto iptc = db.Prepare("INSERT INTO AgLibraryIPTC(id_local, image, caption) VALUES(?1, ?2, ?3)");
  auto col = db.Prepare(
      "INSERT INTO AgLibraryCollectionImage(id_local, collection, image) VALUES(?1, ?2, ?3)");
  auto kw =
      db.Prepare("INSERT INTO AgLibraryKeywordImage(id_local, image, tag) VALUES(?1, ?2, ?3)");
  int64_t next = 6000000;
  for (int i = 0; i < n; ++i) {
    const int64_t file_id = next++, image_id = next++;
    const std::string name = "IMG_" + std::to_string(i);
    CHECK_OK(file->Bind(1, file_id)
                 .Bind(2, "FILE-" + std::to_string(i))
                 .Bind(3, name)
                 .Bind(4, int64_t{5000001 + i % 100})
                 .Run());
    file->Reset();
    char when[32];
    std::snprintf(when, sizeof when, "2019-%02d-%02dT%02d:%02d:00.00", 1 + i % 12, 1 + i % 28,
                  i % 24, i % 60);
    image->Bind(1, image_id)
        .Bind(2, Uuid(i))
        .Bind(3, file_id)
        .Bind(4, when)
        .Bind(5, int64_t{i % 6});
    image->Bind(6, double{i % 10 == 0 ? 1.0 : 0.0}).Bind(7, i % 9 == 0 ? "Red" : "");
    CHECK_OK(image->Run());
    image->Reset();
    CHECK_OK(exif->Bind(1, next++)
                 .Bind(2, image_id)
                 .Bind(3, 60.0 + i % 100 / 100.0)
                 .Bind(4, 24.0 + i % 50 / 100.0)
                 .Run());
    exif->Reset();
    CHECK_OK(iptc->Bind(1, next++).Bind(2, image_id).Bind(3, i % 10 == 0 ? "A caption" : "").Run());
    iptc->Reset();
    CHECK_OK(col->Bind(1, next++).Bind(2, int64_t{5100000 + i % 1000}).Bind(3, image_id).Run());
    col->Reset();
    if (i % 3 != 0) {
      CHECK_OK(kw->Bind(1, next++).Bind(2, image_id).Bind(3, int64_t{5200000 + i % 300}).Run());
      kw->Reset();
    }
    Link(jpeg, photos / ("2019/day-" + std::to_string(i % 100)) / (name + ".jpg"));
  }
  CHECK_OK(db.Exec("COMMIT"));
  return catalog;
}

// Registers every asset's file in the catalog as the crawl would (one asset each).
void SeedCatalog(Catalog* cat, const LibraryScan& scan) {
  auto source = cat->EnsureSource(scan.kind, scan.root, 1);
  CHECK_OK(source.status());
  Transaction tx = cat->NewTransaction();
  CHECK_OK(tx.Begin());
  int64_t i = 0;
  for (const auto& a : scan.assets) {
    AssetRecord asset;
    char hash[33];
    std::snprintf(hash, sizeof hash, "%032llx", static_cast<unsigned long long>(++i));
    asset.hash = hash;
    asset.size = 1000;
    asset.format = "jpeg";
    auto id = cat->InsertAsset(asset, 1);
    CHECK_OK(id.status());
    struct stat st {};
    ::stat(a.path.c_str(), &st);
    FileRecord f;
    f.source_id = *source;
    f.path = a.path;
    f.size = st.st_size;
    f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    f.asset_id = *id;
    f.last_seen = 1;
    CHECK_OK(cat->UpsertFile(f));
  }
  CHECK_OK(tx.Commit());
}

template <typename ReadFn>
void Measure(const char* label, const fs::path& dir, ReadFn read, int n) {
  auto t = std::chrono::steady_clock::now();
  Result<LibraryScan> scan = read();
  CHECK_OK(scan.status());
  const double read_s = Since(t);
  if (static_cast<int>(scan->assets.size()) != n) {
    std::fprintf(stderr, "%s: %zu assets read, %d expected (%zu problems)\n", label,
                 scan->assets.size(), n, scan->problems.size());
    std::exit(1);
  }
  auto cat = Catalog::Open(dir / (std::string(label) + ".db"), true);
  CHECK_OK(cat.status());
  SeedCatalog(cat->get(), *scan);
  LibraryImportReport report;
  CHECK_OK(WriteLibraryFacts(cat->get(), *scan, 2, &report));
  // The whole import again over the unchanged library: nothing to decode.
  t = std::chrono::steady_clock::now();
  auto again = read();
  CHECK_OK(again.status());
  ThumbnailCache thumbs(dir / "thumbs");
  IndexOptions opt;
  opt.show_progress = false;
  auto imported = ImportLibrary(cat->get(), *again, thumbs, opt, 3);
  CHECK_OK(imported.status());
  const double reimport_s = Since(t);
  if (imported->index.added != 0 || imported->index.unchanged != n) {
    std::fprintf(stderr, "%s: re-import decoded something (added %lld, unchanged %lld)\n", label,
                 static_cast<long long>(imported->index.added),
                 static_cast<long long>(imported->index.unchanged));
    std::exit(1);
  }
  std::printf(
      "{\"library\": \"%s\", \"assets\": %d, \"read_s\": %.2f, \"facts_s\": %.2f, "
      "\"read_plus_facts_s\": %.2f, "
      "\"reimport_s\": %.2f, \"albums\": %lld, \"keywords\": %lld}\n",
      label, n, read_s, report.write_seconds, read_s + report.write_seconds, reimport_s,
      static_cast<long long>(report.albums), static_cast<long long>(report.keywords));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const fs::path corpus =
      argc > 2 ? fs::path(argv[2]) : fs::path(SHOEBOX_SOURCE_DIR "/../shared/corpus");
  const fs::path dir =
      fs::temp_directory_path() / ("shoebox-import-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path jpeg = dir / "photo.jpg";
  fs::copy_file(SHOEBOX_SOURCE_DIR "/tests/data/fixtures/1x1_iphone_xr.jpg", jpeg);
  auto t = std::chrono::steady_clock::now();
  const fs::path bundle = BuildPhotos(dir, corpus, jpeg, n);
  const fs::path catalog = BuildLightroom(dir, corpus, jpeg, n);
  std::fprintf(stderr, "built both libraries of %d assets in %.1f s\n", n, Since(t));
  Measure(
      "apple-photos", dir, [&] { return apple_photos::ReadPhotosLibrary(bundle.string()); }, n);
  Measure(
      "lightroom", dir,
      [&] {
        return lightroom::ReadLightroomLibrary(catalog.string(), false,
                                               (dir / "previews").string());
      },
      n);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
