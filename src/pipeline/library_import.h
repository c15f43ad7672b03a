// Catalogs a LibraryScan (library/library_scan.h): the files are indexed like any folder's
// (content hashes, thumbnails, embeddings later), then the library's facts (ids, names, dates,
// flags, albums, keywords) are written per file. Re-importing the same library updates rows in
// place; files the library no longer lists become missing.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "library/library_scan.h"
#include "pipeline/indexer.h"

namespace shoebox {

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
