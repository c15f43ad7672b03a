// `shoebox lrprev extract`: the JPEGs inside Lightroom's preview cache written out as plain
// files — named after their originals, with capture time and orientation, when the catalog maps
// them. For people whose originals are gone and whose previews are all that is left. Nothing
// is written inside the preview cache (nor inside the folder being read).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "library/lightroom/lightroom_catalog.h"

namespace shoebox::lightroom {

struct PreviewExportOptions {
  std::string input;         // an .lrprev file, or a folder of them
  std::string out;           // the folder to write into
  std::optional<int> level;  // nullopt: the largest
  std::string catalog;       // the .lrcat they belong to, or empty
  bool force_read = false;   // read the catalog even while Lightroom has it open
};

// One preview written (or why it could not be).
struct ExportedPreview {
  std::string file, out;  // the .lrprev and the JPEG written
  Result<ExtractedPreview> extracted = Status(Internal("not run"));
  const CatalogImage* image = nullptr;  // the catalog's image, when mapped
};

struct PreviewExportReport {
  int files = 0, done = 0, failed = 0;
  std::string out;  // the output folder, absolute
};

// Fails before writing anything when the input does not exist, the output is inside the
// previews, or the catalog cannot be read; kNotFound when there is no .lrprev file. Each
// preview is reported to each_preview as it is written.
Result<PreviewExportReport> ExportPreviews(
    const PreviewExportOptions& options,
    const std::function<void(const ExportedPreview&)>& each_preview);

}  // namespace shoebox::lightroom
