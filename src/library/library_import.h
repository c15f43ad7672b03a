// The one interface behind `shoebox import apple-photos|lightroom|capture-one`: an importer
// reads its library (read-only, never writing inside it) into a LibraryScan — which files to
// index and what the library knows about each — and ImportLibrary catalogs it: the files are
// indexed like any folder's (content hashes, thumbnails, embeddings later), then the library's
// facts (ids, names, dates, flags, albums, keywords) are written per file. Re-importing the
// same library updates rows in place; files the library no longer lists become missing.
// (Takeout is a folder of files with JSON sidecars, so it is crawled as a folder instead:
// see takeout/takeout_importer.h.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "pipeline/indexer.h"

namespace shoebox {

// One photo as a library describes it.
struct LibraryAsset {
  std::string path;  // absolute path of the file to index (the original, or a stand-in)
  // When path is not the original: "derivative" (Apple Photos, original only in iCloud) or
  // "preview" (Lightroom, original offline); original_path is where the original would be.
  std::optional<std::string> stand_in, original_path;
  std::string external_id;  // the library's own id: Photos UUID, Lightroom id_global
  std::optional<std::string> original_filename, title, description;
  std::optional<int> rating, pick;
  std::optional<int> orientation;  // EXIF value the library shows the photo with (Lightroom)
  std::optional<std::string> color_label;
  bool favorite = false, hidden = false, trashed = false;
  // The capture instant, when the library knows it in UTC (Apple Photos), with the offset of
  // the place it was taken; else the local time alone (Lightroom's captureTime).
  std::optional<int64_t> taken_utc;
  std::optional<std::string> taken_local;  // "2019-04-15T14:40:24"
  std::optional<std::string> tz_offset;    // "-07:00"
  std::optional<double> lat, lon, alt;
  std::vector<std::string> albums, keywords;
  // Neither the original nor a stand-in can be read now (drive unmounted, iCloud only): the
  // entry is kept as a missing file with its facts, and reported as a problem (the importer
  // adds the problem); a later import, with the drive back, indexes it.
  bool offline = false;
};

// A library entry that cannot be indexed, reported in `errors` under path.
struct LibraryProblem {
  std::string path;
  std::string reason;
};

struct LibraryScan {
  std::string kind;      // "apple-photos", "lightroom", "capture-one"
  std::string root;      // the library (bundle folder or catalog file), absolute
  std::string database;  // the database the facts were read from
  std::vector<LibraryAsset> assets;
  std::vector<LibraryProblem> problems;
  int64_t skipped = 0;  // entries that are not photos (videos), left out on purpose
};

struct LibraryImportReport {
  int64_t assets = 0;     // photos the library lists
  int64_t indexed = 0;    // of which a file was found and catalogued
  int64_t stand_ins = 0;  // of which through a derivative or preview
  int64_t offline = 0;    // of which nothing can be read now (recorded as missing files)
  int64_t problems = 0;   // recorded in errors
  int64_t albums = 0;
  int64_t keywords = 0;  // distinct
  int64_t skipped = 0;
  double read_seconds = 0;   // time spent reading the library's database (the importer's part)
  double write_seconds = 0;  // time spent writing the library's facts to the catalog
  IndexReport index;         // the crawl of its files
};

// Catalogs scan (see above). `now` in unix seconds.
Result<LibraryImportReport> ImportLibrary(Catalog* catalog, const LibraryScan& scan,
                                          const ThumbnailCache& thumbs, const IndexOptions& options,
                                          int64_t now);

// Writes one catalogued file's library facts (library_items) and fills what its photo lacks
// (capture time, offset, place: the camera's own values are kept). Album and keyword rows are
// the caller's. Shared by every importer, Takeout's sidecars included.
Status WriteLibraryItem(Catalog* catalog, const PhotoRow& row, const LibraryAsset& asset,
                        const std::string& metadata_path);

// Writes only the library's facts for files already catalogued (ImportLibrary's second half;
// also what the import speed benchmark times).
Status WriteLibraryFacts(Catalog* catalog, const LibraryScan& scan, int64_t now,
                         LibraryImportReport* report);

}  // namespace shoebox
