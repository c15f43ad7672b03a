// Live Photos kept as two files (Catalog::PairMotionParts): the short video beside a still of
// the same name becomes the still's motion part.
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace shoebox {
namespace {

constexpr double kMaxMotionSeconds = 6;  // Live Photos run ~3 s, Pixel motion ~1-3 s

// The names the still of a video at `path` may have, beside it.
std::vector<std::string> StillNames(const std::string& path) {
  std::vector<std::string> out;
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    std::string stem = path.substr(0, dot);
    // iCloud downloaders name a HEIC's movie IMG_1234_HEVC.MOV (icloudpd's default).
    if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, "_HEVC") == 0)
      stem.resize(stem.size() - 5);
    for (const char* ext : {".HEIC", ".heic", ".JPG", ".jpg", ".JPEG", ".jpeg", "-edited.jpg",
                            "-edited.JPG", "-edited.HEIC", "-edited.heic"})
      out.push_back(stem + ext);
  }
  for (const char* ext : {".jpg", ".JPG"}) out.push_back(path + ext);  // Takeout: PXL_1.MP.jpg
  return out;
}

}  // namespace

Result<int64_t> Catalog::PairMotionParts() {
  auto videos = db_.Prepare(
      "SELECT f.id, f.path, a.duration FROM files f JOIN assets a ON a.id = f.asset_id "
      "WHERE f.status = 0 AND a.format IN ('mov', 'mp4') AND a.duration > 0 AND a.duration <= ?1");
  if (!videos.ok()) return videos.status();
  videos->Bind(1, kMaxMotionSeconds);
  struct Video {
    int64_t file_id;
    std::string path;
    double duration;
  };
  std::vector<Video> found;
  Status st;
  while (videos->Step(&st)) found.push_back({videos->Int(0), videos->Text(1), videos->Double(2)});
  if (!st.ok()) return st;
  if (found.empty()) return int64_t{0};
  Transaction tx(&db_);
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  auto still = db_.Prepare(
      "SELECT f.asset_id FROM files f JOIN assets a ON a.id = f.asset_id WHERE f.path = ?1 AND "
      "f.status = 0 AND a.format IN ('jpeg', 'heic') AND a.duration IS NULL");
  auto link = db_.Prepare(
      "UPDATE assets SET motion_file_id = ?2, motion_duration = ?3, motion_offset = NULL, "
      "motion_length = NULL WHERE id = ?1");
  auto mark = db_.Prepare("UPDATE files SET status = 3 WHERE id = ?1");
  if (!still.ok()) return still.status();
  if (!link.ok()) return link.status();
  if (!mark.ok()) return mark.status();
  int64_t paired = 0;
  for (const Video& v : found) {
    bool any = false;
    for (const std::string& name : StillNames(v.path)) {
      still->Reset();
      still->Bind(1, name);
      std::vector<int64_t> assets;
      while (still->Step(&st)) assets.push_back(still->Int(0));
      if (!st.ok()) return st;
      for (int64_t asset : assets) {
        link->Reset();
        SHOEBOX_RETURN_IF_ERROR(link->Bind(1, asset).Bind(2, v.file_id).Bind(3, v.duration).Run());
        any = true;
      }
    }
    if (!any) continue;
    mark->Reset();
    SHOEBOX_RETURN_IF_ERROR(mark->Bind(1, v.file_id).Run());
    ++paired;
  }
  SHOEBOX_RETURN_IF_ERROR(tx.Commit());
  return paired;
}

}  // namespace shoebox
