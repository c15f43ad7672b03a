// `shoebox import takeout DIR`: a Google Photos Takeout export (extracted folders) read into
// the catalog; also .zip / .tgz Takeout downloads, read in place. The photos are crawled like any
// folder (source kind "takeout": content hashes, thumbnails, one asset for the same photo in a year
// folder and in album folders); then each folder's JSON sidecars are paired with its files
// (sidecar_match.h) and their facts stored per file: original name, description, favorite, trashed,
// the UTC capture instant and the place; folders with an album metadata.json make album
// memberships. A photo without EXIF date or GPS takes them from its sidecar. Sidecars whose photo
// is not in the export are reported in `errors`. Nothing in DIR is ever written.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "pipeline/indexer.h"

namespace shoebox::takeout {

struct TakeoutReport {
  int64_t media = 0;  // files of the export that are in the catalog (photos)
  int64_t with_sidecar = 0;
  int64_t orphan_sidecars = 0;  // recorded in errors
  int64_t bad_sidecars = 0;     // unreadable or malformed, recorded in errors
  int64_t albums = 0;
  int64_t album_memberships = 0;
};

// Applies the export's metadata to the files already crawled under root (an absolute path).
Result<TakeoutReport> ApplyTakeoutMetadata(Catalog* catalog, const std::string& root, int64_t now);

// Collects an archive's folder listing and sidecar texts while IndexArchive reads it
// (.zip / .tgz downloads of Takeout, read in place), for ApplyTakeoutArchive.
class TakeoutArchiveCollector : public ArchiveListener {
 public:
  void OnMember(const std::string& path) override;
  bool WantsBytes(const std::string& path) override;
  void OnBytes(const std::string& path, Result<std::vector<uint8_t>> bytes) override;
  const std::map<std::string, std::vector<std::string>>& folders() const { return folders_; }
  const std::map<std::string, std::map<std::string, std::string>>& texts() const { return texts_; }

 private:
  std::map<std::string, std::vector<std::string>> folders_;          // "<archive>/dir" -> names
  std::map<std::string, std::map<std::string, std::string>> texts_;  // dir -> .json name -> text
};

// As ApplyTakeoutMetadata, for an archive indexed with IndexArchive(kind "takeout").
Result<TakeoutReport> ApplyTakeoutArchive(Catalog* catalog, const std::string& archive,
                                          const TakeoutArchiveCollector& collected, int64_t now);

// Whether a folder is (or contains) a Takeout export: named "Takeout", or holding one.
bool LooksLikeTakeout(const std::string& root);

}  // namespace shoebox::takeout
