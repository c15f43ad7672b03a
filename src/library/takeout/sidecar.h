// The contents of a Google Photos Takeout JSON sidecar and of an album's metadata.json.
// Timestamps are UTC seconds (Takeout writes them as decimal strings); a location of exactly
// (0, 0) means "none" in Takeout and is dropped; geoData (the place as edited in Google
// Photos) wins over geoDataExif (what the camera wrote).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "library/library_time.h"

namespace shoebox::takeout {

struct Sidecar {
  std::string title;  // the media's original file name
  std::string description;
  std::optional<int64_t> taken_utc;    // photoTakenTime
  std::optional<int64_t> created_utc;  // creationTime (upload)
  std::optional<double> lat, lon, alt;
  bool favorited = false, trashed = false, archived = false;
  std::vector<std::string> people;  // named people in it (no boxes in Takeout)
};

struct AlbumMetadata {
  std::string title, description;
};

// Errors name what is wrong ("not JSON: ...", "photoTakenTime.timestamp is not a number");
// the caller adds the file name.
Result<Sidecar> ParseSidecar(const std::string& json_text);
Result<AlbumMetadata> ParseAlbumMetadata(const std::string& json_text);

}  // namespace shoebox::takeout
