// `shoebox import takeout DIR`: a Google Photos Takeout export (extracted folders) read into
// the catalog. The photos are crawled like any folder (source kind "takeout": content hashes,
// thumbnails, one asset for the same photo in a year folder and in album folders); then each
// folder's JSON sidecars are paired with its files (sidecar_match.h) and their facts stored
// per file: original name, description, favorite, trashed, the UTC capture instant and the
// place; folders with an album metadata.json make album memberships. A photo without EXIF
// date or GPS takes them from its sidecar. Sidecars whose photo is not in the export are
// reported in `errors`. Nothing in DIR is ever written.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"

namespace shoebox::takeout {

struct TakeoutReport {
  int64_t media = 0;            // files of the export that are in the catalog (photos)
  int64_t with_sidecar = 0;
  int64_t orphan_sidecars = 0;  // recorded in errors
  int64_t bad_sidecars = 0;     // unreadable or malformed, recorded in errors
  int64_t albums = 0;
  int64_t album_memberships = 0;
};

// Applies the export's metadata to the files already crawled under root (an absolute path).
Result<TakeoutReport> ApplyTakeoutMetadata(Catalog* catalog, const std::string& root, int64_t now);

// Whether a folder is (or contains) a Takeout export: named "Takeout", or holding one.
bool LooksLikeTakeout(const std::string& root);

}  // namespace shoebox::takeout
