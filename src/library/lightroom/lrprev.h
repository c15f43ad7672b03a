// Lightroom preview files (`<catalog> Previews.lrdata/<X>/<XXXX>/<uuid>-<digest>.lrprev`), the
// format described in docs/formats.md: a run of sections, each a 32-byte big-endian header
// ("AgHg", header length, version, kind, u64 data length, u64 padding length, NUL-padded
// name) followed by its data and padding. Section "header" holds a Lua table (`pyramid = {
// ... levels = {{height=, width=}, ...}, uuid = "..." }`); sections "level_1".."level_N" are
// JPEGs that double in size. Parsing never reads outside the buffer; every malformed section
// is an error naming its offset and what is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace shoebox::lightroom {

struct LrprevSection {
  std::string name;
  uint8_t version = 0, kind = 0;
  uint64_t offset = 0;  // of the section's data in the file
  uint64_t length = 0;
};

struct LrprevLevel {
  int number = 0;             // N of level_N
  int width = 0, height = 0;  // from the header's levels table (0 when it does not say)
  std::string_view jpeg;      // into the parsed buffer
};

struct Lrprev {
  std::string uuid;    // the preview's uuid from its header (empty when absent)
  std::string digest;  // the header's digest, when present
  int cropped_width = 0, cropped_height = 0;
  std::vector<LrprevSection> sections;
  std::vector<LrprevLevel> levels;  // level sections present, smallest first
  // The largest level, or level number n; nullptr when absent.
  const LrprevLevel* Largest() const { return levels.empty() ? nullptr : &levels.back(); }
  const LrprevLevel* Level(int n) const;
};

// data must outlive the result (levels point into it).
Result<Lrprev> ParseLrprev(std::string_view data);

}  // namespace shoebox::lightroom
