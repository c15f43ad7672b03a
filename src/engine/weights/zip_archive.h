// Read-only view of a ZIP archive held in memory (PyTorch's checkpoint container), for
// stored (uncompressed) entries only, which is all torch.save writes. ZIP64 supported.
// Every offset and size is bounds-checked against the buffer; a damaged archive gives a
// Status naming the problem, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"

namespace shoebox {

struct ZipEntry {
  const uint8_t* data = nullptr;
  uint64_t size = 0;
  bool stored = true;  // false: compressed, which we refuse to read
};

// Parses the central directory. label names the archive in errors.
Result<std::map<std::string, ZipEntry>> ReadZipDirectory(const uint8_t* data, size_t size,
                                                         const std::string& label);

}  // namespace shoebox
