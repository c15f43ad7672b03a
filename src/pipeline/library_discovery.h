// The photo libraries a user already has, in the places their applications keep them: what
// the desktop app's first run offers to import, each with its photo count.
//
// Looked for (never read beyond their structure while finding):
//   ~/Pictures/*.photoslibrary (Apple Photos), Lightroom Classic catalogs (*.lrcat) and
//   Capture One catalogs (*.cocatalog) up to three folders below ~/Pictures, and Google
//   Takeout downloads in ~/Downloads (takeout-*.zip / .tgz archives and Takeout folders).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/importers.h"

namespace shoebox {

struct FoundLibrary {
  std::string kind;  // the importer's kind ("apple-photos", "lightroom", ...)
  std::string path;  // absolute
};

// In a stable order (by kind, then path). Unreadable folders are passed over silently.
std::vector<FoundLibrary> FindLibraries(const std::filesystem::path& home);

// How many photos the library holds, read the way the index job will read it (the library's
// database through a private copy, an archive's members, a folder's image files).
Result<int64_t> CountLibraryPhotos(const FoundLibrary& library, const ImportOptions& options = {});

}  // namespace shoebox
