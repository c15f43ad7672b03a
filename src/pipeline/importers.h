// The registry of what `index PATH` recognises and `import KIND PATH` names: one row per kind
// of library. To add an importer, write its reader in src/library/<kind>/ (a library in, a
// LibraryScan out) and add its row in importers.cc; the index job, both CLI commands and the
// web app's status pick it up from here.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "library/library_scan.h"

namespace shoebox {

struct ImportOptions {
  // Read a catalog even while its application has it open (Lightroom's .lock, Capture One's
  // journal): a snapshot of what is committed.
  bool force_read = false;
};

struct Importer {
  std::string kind;       // "apple-photos", "lightroom", "capture-one", "takeout", "folder"
  std::string help;       // for `shoebox import KIND --help`
  std::string not_one;    // "an Apple Photos library (no database/Photos.sqlite inside)"
  bool reads_while_open;  // whether ImportOptions::force_read means anything to it
  // Whether a path is one of these, by its structure (never by reading a database): how
  // `index PATH` recognises it.
  std::function<bool(const std::string& path)> looks_like;
  // Whether `import KIND PATH` takes the path (Takeout: any folder, whatever its name).
  std::function<bool(const std::string& path)> accepts;
  // The library's reader; empty for kinds crawled as folders (a folder; a Takeout export,
  // whose sidecars are applied after the crawl).
  std::function<Result<LibraryScan>(const std::string& root, const ImportOptions&)> read;
};

// Every kind, in the order `index` tries them on a path ("folder", which takes anything, last).
const std::vector<Importer>& Importers();
// The row of a kind; null when there is none.
const Importer* FindImporter(std::string_view kind);
// What a path is, by its structure: the first importer that recognises it.
const Importer& DetectImporter(const std::string& path);
// A library that is one file rather than a folder (a Lightroom catalog, a Takeout archive).
bool IsLibraryFile(const std::string& path);

}  // namespace shoebox
