// Files inside .zip, .tar, .tgz / .tar.gz archives (a Google Takeout download), read in place
// through libarchive: nothing is extracted to disk. A catalogued file inside an archive has
// the path "<archive path>/<member path>", as if the archive were a folder, so folder
// filters, `info` and the web UI treat it like any file; SplitArchivePath recovers the parts.
// Members are read in the archive's order (a .tgz can only be read front to back); hostile
// archives (absolute or ".." member names, huge members) are refused per member, by name.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"

struct archive;

namespace shoebox {

// A member is read whole into memory (a .tgz cannot seek back), so one larger than this is
// refused by name instead: no photo is this large, a zip bomb is.
inline constexpr uint64_t kMaxArchiveMemberBytes = uint64_t{256} << 20;

// .zip, .tar, .tgz, .tar.gz (any case).
bool IsArchiveName(const std::string& name);

struct ArchivePath {
  std::string archive;  // a regular file with an archive name
  std::string member;   // "Takeout/Google Photos/x.jpg"
};
// For "<archive>/<member>" paths whose archive exists; nullopt for ordinary paths.
std::optional<ArchivePath> SplitArchivePath(const std::string& path);

struct ArchiveEntry {
  std::string member;  // normalised, relative, '/'-separated
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool regular = false;
  std::optional<std::string> problem;  // a name refused (absolute, "..", empty): skip it
};

class ArchiveReader {
 public:
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::string& archive);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // The next entry; false at the end. A damaged archive is an error naming it and the entry.
  Result<bool> Next(ArchiveEntry* entry);
  // The current entry's bytes; kTooLarge (nothing read) above max_bytes.
  Status Read(uint64_t max_bytes, std::vector<uint8_t>* out);

 private:
  ArchiveReader() = default;
  std::string path_;
  std::string current_;
  int64_t current_size_ = 0;
  struct archive* a_ = nullptr;
};

// Reads members batch after batch, continuing from where the previous batch stopped (members
// asked for in archive order cost one pass in all, not one per batch: a .tgz cannot seek);
// starts over from the beginning only for members not found ahead.
class ArchiveCursor {
 public:
  explicit ArchiveCursor(std::string archive) : archive_(std::move(archive)) {}
  Result<std::map<std::string, Result<std::vector<uint8_t>>>> Read(
      const std::set<std::string>& members, uint64_t max_bytes);

 private:
  std::string archive_;
  std::unique_ptr<ArchiveReader> reader_;  // positioned after the last member read
};

// Reads the named members in one pass over the archive. Members not found are absent from
// the result; members that could not be read carry their error.
Result<std::map<std::string, Result<std::vector<uint8_t>>>> ReadArchiveMembers(
    const std::string& archive, const std::set<std::string>& members, uint64_t max_bytes);

}  // namespace shoebox
