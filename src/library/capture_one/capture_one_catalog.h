// Capture One catalogs (`<name>.cocatalog` bundles holding `<name>.cocatalogdb`, a Core Data
// SQLite database), read-only through a private copy, and not while a `-journal` beside the
// database says Capture One is writing (or crashed) unless the caller forces it.
//
// Per image (ZIMAGE): ZIMAGEUUID (the external id), the file — ZIMAGELOCATION → ZPATHLOCATION:
// ZISRELATIVE 1 = the bundle + ZRELATIVEPATH (images stored inside the catalog), 0 = ZMACROOT
// (else ZWINROOT) + ZRELATIVEPATH; Windows backslashes become '/'; ZIMAGEFILENAME appended —,
// ZISTRASHED, GPS ("59,56.7543N": degrees, decimal minutes, hemisphere), and from the first
// variant's combined settings (ZVARIANT.ZCOMBINEDSETTINGS ← ZVARIANTMETADATA.ZLAYER, or via
// ZVARIANTLAYER.ZMETADATA in catalogs that link the other way): ZBASIC_RATING, ZCOLOR_TAG_INDEX
// (1 Red, 2 Orange, 3 Yellow, 4 Green, 5 Blue, 6 Pink, 7 Purple), ZCONTENT_KEYWORDS
// ("name||order" entries, comma-separated), ZSTATUS_TITLE, ZCONTENT_DESCRIPTION; user albums
// (ZCOLLECTION of entity AlbumCollection, members through ZVARIANTINCOLLECTION and
// ZIMAGEINCOLLECTION). Videos (classification 6) are skipped; originals that are not there
// are offline entries (Capture One's own previews are not read).
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "library/library_scan.h"

namespace shoebox::capture_one {

// A folder named *.cocatalog holding a *.cocatalogdb.
bool LooksLikeCaptureOneCatalog(const std::string& path);

Result<LibraryScan> ReadCaptureOneCatalog(const std::string& bundle, bool force_read);

// "59,56.7543N" → 59.945905; nullopt when malformed.
std::optional<double> ParseCaptureOneCoordinate(const std::string& text);

}  // namespace shoebox::capture_one
