// XMP sidecars beside the photos of a folder (imaging/xmp_sidecar.h), applied after each crawl:
// a photo's sidecar is IMG_1234.CR2.xmp (darktable, digiKam) or IMG_1234.xmp (Lightroom, Bridge;
// then every photo named IMG_1234.* takes it); with both, the newer one. What the user decided
// there wins over the file's own metadata: rating and colour label, title and description,
// keywords, named faces, and capture time and place (the photo's own are kept and put back if
// the sidecar goes). Only sidecars that changed (size, mtime), and photos whose content changed,
// are read again; the photo itself is never decoded for it. Folder sources only: a library's
// database (Lightroom, Capture One) is the truth for its own photos.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"

namespace shoebox {

struct SidecarReport {
  int64_t sidecars = 0;   // .xmp files in the source's folders
  int64_t applied = 0;    // read and applied to a photo in this run
  int64_t unchanged = 0;  // applied before, nothing new
  int64_t removed = 0;    // gone: the photo's own facts are back
  int64_t orphans = 0;    // beside no catalogued photo (a RAW shoebox cannot read, a deleted photo)
  int64_t bad = 0;        // unreadable: recorded in errors, the facts applied before kept
};

// Applies the sidecars of the source (kind, root) crawled just before.
Result<SidecarReport> ApplyXmpSidecars(Catalog* catalog, const std::string& kind,
                                       const std::string& root, int64_t now);

}  // namespace shoebox
