#include "pipeline/thumbnail_cache.h"

#include <xxhash.h>

#include <cstring>

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

namespace {
constexpr char kTrailerMagic[8] = {'S', 'B', 'X', 'T', 'H', 'M', 'B', '1'};
constexpr size_t kTrailer = 16;
}  // namespace

Status ThumbnailCache::Put(const std::string& hash, const std::vector<uint8_t>& jpeg) const {
  std::vector<uint8_t> out(jpeg);
  const uint64_t sum = XXH3_64bits(jpeg.data(), jpeg.size());
  out.insert(out.end(), kTrailerMagic, kTrailerMagic + 8);
  const auto* s = reinterpret_cast<const uint8_t*>(&sum);
  out.insert(out.end(), s, s + 8);
  return WriteFileAtomic(PathFor(hash), out.data(), out.size());
}

Result<std::vector<uint8_t>> ThumbnailCache::Read(const std::string& hash) const {
  const auto path = PathFor(hash);
  auto bytes = ReadWholeFile(path, uint64_t{16} << 20);
  if (!bytes.ok()) return bytes.status();
  const size_t n = bytes->size();
  const bool has_trailer =
      n >= kTrailer && std::memcmp(bytes->data() + n - kTrailer, kTrailerMagic, 8) == 0;
  bool whole = n > 0;
  if (has_trailer) {
    uint64_t sum;
    std::memcpy(&sum, bytes->data() + n - 8, 8);
    whole = XXH3_64bits(bytes->data(), n - kTrailer) == sum;
  }
  if (!whole) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return Corrupt(path.string() +
                   " was damaged in the thumbnail cache (removed; `shoebox index` makes it again)");
  }
  return bytes;
}

void ThumbnailCache::Remove(const std::string& hash) const {
  std::error_code ec;
  std::filesystem::remove(PathFor(hash), ec);
}

}  // namespace shoebox
