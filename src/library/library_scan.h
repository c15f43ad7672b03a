// What a library reader gives back: `shoebox import apple-photos|lightroom|capture-one` reads
// the library (read-only, never writing inside it) into a LibraryScan — which files to index and
// what the library knows about each. Readers stop there; pipeline/library_import.h catalogs a
// scan. (Takeout is a folder of files with JSON sidecars, crawled as a folder instead: see
// pipeline/takeout_import.h.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"

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
  // Who the library says is in it, with their face's box when it has one.
  std::vector<FaceRecord> people;
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
  int64_t skipped = 0;  // entries left out on purpose (virtual copies, kinds we do not read)
};

}  // namespace shoebox
