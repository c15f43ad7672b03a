// An XMP sidecar: the file photo tools (Lightroom, darktable, digiKam, Capture One, Bridge) keep
// beside a photo they must not write into, RAW files above all: IMG_1234.xmp (Lightroom,
// Bridge) or IMG_1234.CR2.xmp (darktable, digiKam). It holds what the user decided about the
// photo: rating and colour label, keywords (flat dc:subject and Lightroom's hierarchical
// "Places|Japan|Fuji"), title and description, named face regions, and corrected capture time
// and place. An XMP packet is RDF/XML; exiv2 parses it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "imaging/photo_metadata.h"

namespace shoebox {

struct XmpSidecar {
  // Capture time (exif:DateTimeOriginal, photoshop:DateCreated), place, camera, rating (0..5,
  // -1 = rejected) and faces, as ReadMetadataFromXmpPacket reads them.
  PhotoMetadata photo;
  std::optional<std::string> title, description;  // dc:title, dc:description (x-default)
  std::optional<std::string> label;               // xmp:Label: "Red", "Approved", ...
  // dc:subject, then every level of each lr:hierarchicalSubject path not already there
  // ("Places|Japan|Fuji" gives Places, Japan, Fuji), in order, without repeats (any case).
  std::vector<std::string> keywords;
};

// Whether a file name is a sidecar's (".xmp", any case).
bool IsXmpSidecarName(const std::string& name);

// Parses a sidecar's bytes. Anything unreadable is left out; *warning (when given) says why a
// packet could not be read at all ("XMP unreadable: ...").
XmpSidecar ReadXmpSidecar(const char* data, size_t size, std::string* warning);

}  // namespace shoebox
