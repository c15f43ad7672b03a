// Read-only access to the user's files, and atomic writes to our own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox {

// Reads a whole regular file. Opens with O_RDONLY|O_NONBLOCK so a FIFO or device that
// slipped past the crawler cannot block us; refuses non-regular files and files larger
// than max_bytes (kTooLarge) before allocating.
Result<std::vector<uint8_t>> ReadWholeFile(const std::filesystem::path& path, uint64_t max_bytes);

// As ReadWholeFile, into *out, reusing its capacity (a worker's buffer across photos).
Status ReadWholeFileInto(const std::filesystem::path& path, uint64_t max_bytes,
                         std::vector<uint8_t>* out);

// Reads at most n leading bytes of a regular file (same safety rules as ReadWholeFile).
Result<std::vector<uint8_t>> ReadFilePrefix(const std::filesystem::path& path, size_t n);

// Writes data to path via a temporary file in the same folder + rename, so a crash never
// leaves a half-written file under the final name. Creates parent folders.
Status WriteFileAtomic(const std::filesystem::path& path, const void* data, size_t size);

// The 128-bit XXH3 of data as 32 lowercase hex digits.
std::string ContentHashHex(const uint8_t* data, size_t size);

// errno as text, for messages.
std::string ErrnoText(int err);

}  // namespace shoebox
