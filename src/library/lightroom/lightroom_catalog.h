// Lightroom Classic catalogs (`*.lrcat`, SQLite) and their preview caches, read-only.
//
// A catalog is read through a private copy (private_db_copy.h), and not at all while
// Lightroom holds it open (`<catalog>.lock` present) unless the caller forces it. An image's
// original is AgLibraryRootFolder.absolutePath + AgLibraryFolder.pathFromRoot +
// AgLibraryFile.baseName "." extension; when that is not there (the catalog and its photos
// moved together, or were copied from another machine) the root's relativePathFromCatalog is
// tried from the catalog's own folder. Per image: id_global (the external id), capture time
// (local, Lightroom keeps no zone), rating, pick flag, colour label, caption, GPS, keywords,
// plain collections (smart collections are rules, not memberships, and are not evaluated),
// orientation. Virtual copies are skipped; videos are catalogued like photos. An original that is
// offline is indexed through the best preview of `<catalog name> Previews.lrdata` (previews.db maps
// ImageCacheEntry.imageId = Adobe_images.id_local to the preview's uuid and digest), extracted
// into shoebox's cache with the catalog's orientation and capture time written as EXIF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "library/library_scan.h"

namespace shoebox::lightroom {

struct CatalogImage {
  int64_t id = 0;                           // Adobe_images.id_local
  std::string id_global;                    // Lightroom's UUID for the image
  std::string path;                         // the original, resolved (it may not exist: offline)
  bool present = false;                     // whether path exists now
  std::string file_name;                    // baseName.extension, as imported
  std::optional<std::string> capture_time;  // local, "2013-12-01T22:39:09"
  int orientation = 1;                      // EXIF value of the catalog's orientation
  std::optional<int> rating;
  int pick = 0;  // 1 picked, -1 rejected
  std::optional<std::string> color_label, caption;
  std::optional<double> lat, lon;
  std::vector<std::string> keywords, collections;
  // People: person keywords the user confirmed, with the face region they named when there is
  // one (AgLibraryFace corners, fractions of the photo as Lightroom shows it).
  std::vector<FaceRecord> people;
};

struct CatalogContents {
  std::string path;
  std::string version;  // Adobe_DBVersion, e.g. "0500006" (Lightroom 5)
  std::vector<CatalogImage> images;
  int64_t skipped = 0;  // virtual copies
};

// Lightroom's orientation code (two letters naming where the image's corners went: "AB"
// upright, "BC" turned 90° clockwise, "CD" 180°, "DA" 90° counter-clockwise, "BA", "DC", "AD",
// "CB" mirrored) as an EXIF orientation; 1 for anything else.
int ExifOrientation(const std::string& lightroom_code);

// Fails with kBusy when Lightroom has the catalog open (its .lock file exists) and
// force_read is false.
Result<CatalogContents> ReadCatalog(const std::string& catalog_path, bool force_read);

struct PreviewEntry {
  int64_t image_id = 0;
  std::string uuid, digest;
  std::string file;  // the .lrprev path (it may be missing: the cache is pruned)
};

// "<folder>/<name> Previews.lrdata" for "<folder>/<name>.lrcat".
std::string PreviewsFolderFor(const std::string& catalog_path);

// The entries of <lrdata>/previews.db (read through a private copy).
Result<std::vector<PreviewEntry>> ReadPreviewIndex(const std::string& lrdata_folder);

// Writes a preview's level (nullopt = the largest) from an .lrprev as a JPEG at out_path
// (written beside it and renamed, so a crash leaves no half file), with the stamp as EXIF.
struct ExtractedPreview {
  int level = 0, width = 0, height = 0;
  std::string uuid;
};
Result<ExtractedPreview> ExtractPreview(const std::string& lrprev_path, std::optional<int> level,
                                        std::optional<int> orientation,
                                        const std::optional<std::string>& capture_time,
                                        const std::string& out_path);

// The whole import's read step: the catalog's images as a LibraryScan; offline originals
// with a cached preview get it extracted into preview_dir (shoebox's cache, never the
// library) as their stand-in; offline ones without are problems.
Result<LibraryScan> ReadLightroomLibrary(const std::string& catalog_path, bool force_read,
                                         const std::string& preview_dir);

}  // namespace shoebox::lightroom
