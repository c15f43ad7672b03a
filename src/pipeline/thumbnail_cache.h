// Content-addressed thumbnail cache: <dir>/<first two hex digits>/<hash>.jpg.
// Files are written atomically, so a crash never leaves a half thumbnail. Each ends with a
// 16-byte trailer after the JPEG's end-of-image marker, "SBXTHMB1" + the XXH3-64 of the JPEG
// before it: JPEG readers (browsers, libjpeg) stop at the marker and never see it, and Read
// checks it, so a thumbnail damaged on disk is never shown or embedded as if it were whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox {

class ThumbnailCache {
 public:
  // dir defaults to CacheDir()/thumbs when empty.
  explicit ThumbnailCache(std::filesystem::path dir = {});
  std::filesystem::path PathFor(const std::string& hash) const;
  bool Has(const std::string& hash) const;
  Status Put(const std::string& hash, const std::vector<uint8_t>& jpeg) const;
  // The thumbnail's bytes (trailer included), once its checksum is checked; kNotFound when
  // there is none; kCorrupt when it is damaged, and then it is removed (it is only a cache),
  // so that the next `index` makes it again. A thumbnail from before the trailer is taken as
  // it is.
  Result<std::vector<uint8_t>> Read(const std::string& hash) const;
  void Remove(const std::string& hash) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace shoebox
