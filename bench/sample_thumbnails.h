// Real thumbnails for synthetic libraries: a few of the sample photos' (tests/data), and each
// synthetic asset's thumbnail a hard link to one of them under the asset's hash, as the index
// job leaves them content-addressed. Shared by app_bench and serve_bench.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/status.h"
#include "imaging/photo_analyzer.h"
#include "pipeline/thumbnail_cache.h"

namespace shoebox::bench {

// The 256 px thumbnails of up to `max` sample JPEGs.
inline Result<std::vector<std::vector<uint8_t>>> SampleThumbnails(size_t max = 24) {
  namespace fs = std::filesystem;
  std::vector<std::vector<uint8_t>> jpegs;
  for (const auto& e :
       fs::recursive_directory_iterator(fs::path(SHOEBOX_SOURCE_DIR) / "tests/data")) {
    if (e.path().extension() != ".jpg" || jpegs.size() >= max) continue;
    auto bytes = ReadWholeFile(e.path(), 64 << 20);
    if (!bytes.ok()) continue;
    auto photo =
        AnalyzePhoto(bytes->data(), bytes->size(), e.path().filename().string(), AnalyzeOptions{});
    if (photo.ok() && !photo->thumbnail_jpeg.empty()) jpegs.push_back(photo->thumbnail_jpeg);
  }
  if (jpegs.empty()) return NotFound("no sample photos under tests/data");
  return jpegs;
}

// Asset i's thumbnail under `hash`: sample i % count, written once and hard-linked after.
// first: one hash per sample, empty until that sample is written (kept by the caller).
inline Status PutSampleThumbnail(ThumbnailCache& thumbs, const std::string& hash, int64_t i,
                                 const std::vector<std::vector<uint8_t>>& samples,
                                 std::vector<std::string>& first) {
  first.resize(samples.size());
  const size_t k = static_cast<size_t>(i) % samples.size();
  if (first[k].empty()) {
    SHOEBOX_RETURN_IF_ERROR(thumbs.Put(hash, samples[k]));
    first[k] = hash;
    return Status::Ok();
  }
  std::error_code ec;
  std::filesystem::create_directories(thumbs.PathFor(hash).parent_path(), ec);
  std::filesystem::create_hard_link(thumbs.PathFor(first[k]), thumbs.PathFor(hash), ec);
  if (ec && ec != std::errc::file_exists)
    return IoError("cannot link a thumbnail: " + ec.message());
  return Status::Ok();
}

}  // namespace shoebox::bench
