// Apple Photos libraries (`~/Pictures/Photos Library.photoslibrary`), read-only.
//
// The bundle's database/Photos.sqlite is read through a private copy with its WAL (see
// private_db_copy.h). Two schema families are understood: Photos 5 (macOS 10.15, asset table
// ZGENERICASSET) and Photos 6+ (macOS 11 and later, ZASSET); the Core Data entity numbers that
// name the album and keyword join tables (Z_26ASSETS, Z_28ASSETS, Z_1KEYWORDS...) are looked up
// in Z_PRIMARYKEY rather than assumed. Per photo: UUID (the external id, so a re-import updates
// rather than duplicates), original file name, title, description, Core Data dates (seconds
// since 2001) with the time-zone offset Photos recorded, GPS, favorite / hidden / trashed,
// user albums, keywords. The indexed file is the original under originals/ when present, else
// the largest derivative under resources/derivatives (original only in iCloud; recorded as a
// "derivative" stand-in). Videos are skipped. Referenced (not copied) originals are indexed
// where Photos says they are when that is an absolute path.
#pragma once

#include <string>

#include "base/status.h"
#include "library/library_scan.h"

namespace shoebox::apple_photos {

// A folder with database/Photos.sqlite (the bundle's structure, whatever its name).
bool LooksLikePhotosLibrary(const std::string& path);

// bundle: absolute path of the .photoslibrary folder. Nothing inside it is written.
Result<LibraryScan> ReadPhotosLibrary(const std::string& bundle);

}  // namespace shoebox::apple_photos
