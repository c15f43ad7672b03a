// Walks a folder tree and reports candidate photo files with their size and mtime, without
// reading them. Follows symbolic links to folders but never enters a folder twice (so link
// loops end), skips hidden/system folders and the user's exclude globs, and reports
// unreadable folders instead of failing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox {

struct WalkOptions {
  // fnmatch(3) globs; a pattern with '/' is matched against the path relative to the root,
  // one without against each file or folder name.
  std::vector<std::string> exclude;
  // Skip files whose extension says they are never photos (videos, sidecars) unopened.
  bool skip_known_non_images = true;
};

struct WalkEntry {
  std::string path;  // absolute, as bytes (names need not be UTF-8)
  int64_t size;
  int64_t mtime_ns;
};

struct WalkProblem {
  std::string path;
  std::string reason;
};

struct WalkResult {
  std::vector<WalkEntry> files;
  // XMP sidecars (*.xmp, imaging/xmp_sidecar.h): not photos, but what a photo tool says about
  // the photos beside them; listed apart, unopened.
  std::vector<WalkEntry> sidecars;
  std::vector<WalkProblem> problems;  // unreadable folders, broken links...
  std::vector<std::string> folders;   // every folder that was read
  // Photo libraries met on the way (Photos / Capture One bundles, Lightroom catalogs), not
  // crawled as loose files: `index` names them so the user can import them.
  std::vector<std::string> libraries;
};

// True for folders that hold system or application internals rather than the user's
// photos (.git, .Trash-1000, @eaDir, .thumbnails, *.photoslibrary, *.lrdata...).
bool IsSkippedFolderName(const std::string& name);
// *.photoslibrary and *.cocatalog: folders that are one application's library.
bool IsLibraryBundleName(const std::string& name);

// root must be an absolute, existing folder.
Result<WalkResult> WalkFolder(const std::string& root, const WalkOptions& options);

}  // namespace shoebox
