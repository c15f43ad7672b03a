// Content-addressed thumbnail cache: <dir>/<first two hex digits>/<hash>.jpg.
// Files are written atomically, so a crash never leaves a half thumbnail.
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
  void Remove(const std::string& hash) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace shoebox
