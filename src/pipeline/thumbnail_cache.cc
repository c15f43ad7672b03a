#include "pipeline/thumbnail_cache.h"

#include "base/file_io.h"
#include "base/xdg_dirs.h"

namespace shoebox {

ThumbnailCache::ThumbnailCache(std::filesystem::path dir)
    : dir_(dir.empty() ? CacheDir() / "thumbs" : std::move(dir)) {}

std::filesystem::path ThumbnailCache::PathFor(const std::string& hash) const {
  return dir_ / hash.substr(0, 2) / (hash + ".jpg");
}

bool ThumbnailCache::Has(const std::string& hash) const {
  std::error_code ec;
  return std::filesystem::exists(PathFor(hash), ec);
}

Status ThumbnailCache::Put(const std::string& hash, const std::vector<uint8_t>& jpeg) const {
  return WriteFileAtomic(PathFor(hash), jpeg.data(), jpeg.size());
}

void ThumbnailCache::Remove(const std::string& hash) const {
  std::error_code ec;
  std::filesystem::remove(PathFor(hash), ec);
}

}  // namespace shoebox
