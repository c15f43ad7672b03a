// A catalogued photo's own file, read for showing it (the web app's /original, the desktop
// app's viewer): only while it is still the file the catalog knows. A loose file must have the
// size and time recorded and be a regular file, and for a folder source lie inside the indexed
// folder (a link put in its place must not leak another file: base/file_io.h OpenUnchanged);
// a member of a Takeout archive ("<archive>/<member>") is read out of its archive and must
// have the recorded size. Anything else is kChanged or kNotFound naming the file and the next
// command.
#pragma once

#include <memory>
#include <vector>

#include "base/file_io.h"
#include "base/status.h"
#include "catalog/catalog.h"

namespace shoebox {

struct OriginalFile {
  std::shared_ptr<OpenedFile> opened;  // a loose file, open (streamed as it is)
  std::vector<uint8_t> bytes;          // or an archive member's bytes
  bool in_archive = false;
  // The whole file in memory (reads an opened file; at most 2 GB).
  Result<std::vector<uint8_t>> ReadAll();
};

Result<OriginalFile> OpenOriginal(Catalog& catalog, const PhotoRow& row);

}  // namespace shoebox
