// Read-only access to the user's files, and atomic writes to our own.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
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

// A user's file opened for reading, with the facts checked on the open descriptor.
class OpenedFile {
 public:
  explicit OpenedFile(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~OpenedFile();
  OpenedFile(const OpenedFile&) = delete;
  OpenedFile& operator=(const OpenedFile&) = delete;
  int fd() const { return fd_; }
  uint64_t size() const { return size_; }
  // Up to n bytes from offset (short only at the end of the file); -1 on error.
  ssize_t ReadAt(uint64_t offset, void* out, size_t n) const;
  Result<std::vector<uint8_t>> ReadAll(uint64_t max_bytes) const;

 private:
  int fd_;
  uint64_t size_;
};

// Opens one of our own files (a thumbnail) for reading: a regular file, or kNotFound.
Result<std::shared_ptr<OpenedFile>> OpenRegularFile(const std::filesystem::path& path);

// Opens a catalogued file only if it is still the file the catalog recorded: a regular file
// (links followed, as the crawl follows them) of the recorded size and modification time
// (nanoseconds), and, when inside is not empty, whose resolved path lies inside that folder
// (resolved too) or is the catalogued name itself (a folder link the crawl followed may
// lead elsewhere; a link put in place of the file may not). Otherwise kChanged saying what differs,
// or kNotFound. The checks run on the descriptor that is then read, so the file cannot be swapped
// between check and read.
Result<std::shared_ptr<OpenedFile>> OpenUnchanged(const std::filesystem::path& path, uint64_t size,
                                                  int64_t mtime_ns,
                                                  const std::filesystem::path& inside);

// Writes data to path via a temporary file in the same folder + rename, so a crash never
// leaves a half-written file under the final name. Creates parent folders.
Status WriteFileAtomic(const std::filesystem::path& path, const void* data, size_t size);

// The 128-bit XXH3 of data as 32 lowercase hex digits.
std::string ContentHashHex(const uint8_t* data, size_t size);
// The same hash of a whole opened file, read in pieces (a video need not fit in memory).
Result<std::string> ContentHashHexOfFile(const OpenedFile& file);

// errno as text, for messages.
std::string ErrnoText(int err);

}  // namespace shoebox
