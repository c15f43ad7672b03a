#include "pipeline/xmp_sidecars.h"

#include <filesystem>
#include <map>
#include <unordered_map>

#include "base/file_io.h"
#include "imaging/xmp_sidecar.h"

namespace shoebox {
namespace {

constexpr uint64_t kMaxSidecarBytes = 16 << 20;  // Lightroom's with a long history: ~100 KB

// "dir/IMG_1234.CR2" -> "dir/IMG_1234" (the extension's dot must be in the name).
std::string WithoutExtension(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash + 2)) return path;
  return path.substr(0, dot);
}

// The sidecar each present photo takes: "<photo path>.xmp" or "<photo without extension>.xmp",
// the newer when both are there.
std::unordered_map<int64_t, const FolderEntry*> PairSidecars(const std::vector<FolderEntry>& files,
                                                             int64_t* sidecars, int64_t* orphans) {
  std::map<std::string, std::vector<const FolderEntry*>> by_base;  // sidecar path minus ".xmp"
  for (const FolderEntry& e : files)
    if (e.status == FileStatus::kNotImage && IsXmpSidecarName(e.path)) {
      by_base[e.path.substr(0, e.path.size() - 4)].push_back(&e);
      ++*sidecars;
    }
  std::unordered_map<int64_t, const FolderEntry*> out;
  std::map<const FolderEntry*, bool> used;
  for (const FolderEntry& photo : files) {
    if (photo.status != FileStatus::kPresent || !photo.asset_id) continue;
    const FolderEntry* best = nullptr;
    for (const std::string& base : {photo.path, WithoutExtension(photo.path)}) {
      auto it = by_base.find(base);
      if (it == by_base.end()) continue;
      for (const FolderEntry* s : it->second) {
        used[s] = true;
        if (!best || s->mtime_ns > best->mtime_ns) best = s;
      }
    }
    if (best) out[photo.file_id] = best;
  }
  for (const auto& [base, list] : by_base)
    for (const FolderEntry* s : list)
      if (!used.count(s)) ++*orphans;
  return out;
}

// The sidecar's capture time and place over the photo's own: an edited time wins, with the
// offset it gives (the photo's own when the time is the same and the sidecar names none).
TimeAndPlace Merged(const TimeAndPlace& own, const PhotoMetadata& side) {
  TimeAndPlace m = own;
  if (side.taken_at) {
    const bool same = own.taken_at && *own.taken_at == *side.taken_at;
    m.taken_at = side.taken_at;
    m.tz_offset = side.tz_offset ? side.tz_offset : (same ? own.tz_offset : std::nullopt);
  }
  if (side.gps_lat && side.gps_lon) {
    m.lat = side.gps_lat;
    m.lon = side.gps_lon;
    m.alt = side.gps_alt;
  }
  return m;
}

Status Apply(Catalog* cat, const FolderEntry& photo, const FolderEntry& sidecar,
             const XmpSidecar& facts, const AppliedSidecar* before) {
  const int64_t asset_id = *photo.asset_id;
  auto row = cat->FindByAssetId(asset_id);
  if (!row.ok()) return row.status();
  if (!*row) return Status::Ok();
  const AssetRecord& asset = (*row)->asset;
  AppliedSidecar applied;
  applied.file_id = photo.file_id;
  applied.path = sidecar.path;
  applied.size = sidecar.size;
  applied.mtime_ns = sidecar.mtime_ns;
  applied.asset_id = asset_id;
  if (before && before->asset_id == asset_id)
    applied.own = before->own;  // the asset's values are the sidecar's now
  else
    applied.own = {asset.taken_at, asset.tz_offset, asset.gps_lat, asset.gps_lon, asset.gps_alt};
  SHOEBOX_RETURN_IF_ERROR(cat->SetTimeAndPlace(asset_id, Merged(applied.own, facts.photo)));

  LibraryItemRecord item;
  item.file_id = photo.file_id;
  item.title = facts.title;
  item.description = facts.description;
  if (facts.photo.rating && *facts.photo.rating >= 0) item.rating = facts.photo.rating;
  if (facts.photo.rating && *facts.photo.rating < 0) item.pick = -1;  // Lightroom's "rejected"
  item.color_label = facts.label;
  item.metadata_path = sidecar.path;
  SHOEBOX_RETURN_IF_ERROR(cat->UpsertLibraryItem(item));
  SHOEBOX_RETURN_IF_ERROR(cat->ReplaceKeywords(photo.file_id, facts.keywords));
  std::vector<FaceRecord> faces;
  for (const FaceRegion& region : facts.photo.faces) {
    const FaceRegion r = UprightRegion(region, asset.orientation);
    faces.push_back({r.name, r.x, r.y, r.w, r.h});
  }
  SHOEBOX_RETURN_IF_ERROR(cat->ReplaceFaces(asset_id, photo.file_id, "sidecar", faces));
  SHOEBOX_RETURN_IF_ERROR(cat->RecordAppliedSidecar(applied));
  return cat->ClearError(sidecar.path);
}

// The sidecar is gone: the photo's own facts come back.
Status Remove(Catalog* cat, const AppliedSidecar& a) {
  if (a.photo_asset_id && *a.photo_asset_id == a.asset_id)
    SHOEBOX_RETURN_IF_ERROR(cat->SetTimeAndPlace(a.asset_id, a.own));
  SHOEBOX_RETURN_IF_ERROR(cat->DeleteLibraryItem(a.file_id));
  SHOEBOX_RETURN_IF_ERROR(cat->ReplaceKeywords(a.file_id, {}));
  SHOEBOX_RETURN_IF_ERROR(cat->ReplaceFaces(a.asset_id, a.file_id, "sidecar", {}));
  return cat->ForgetAppliedSidecar(a.file_id);
}

}  // namespace

Result<SidecarReport> ApplyXmpSidecars(Catalog* cat, const std::string& kind,
                                       const std::string& root, int64_t now) {
  SidecarReport report;
  auto source = cat->EnsureSource(kind, root, now);
  if (!source.ok()) return source.status();
  auto files = cat->FilesBesideSidecars(*source);
  if (!files.ok()) return files.status();
  auto applied_list = cat->AppliedSidecars(*source);
  if (!applied_list.ok()) return applied_list.status();
  if (files->empty() && applied_list->empty()) return report;  // the usual folder: no sidecars
  std::unordered_map<int64_t, const AppliedSidecar*> applied;
  for (const AppliedSidecar& a : *applied_list) applied[a.file_id] = &a;
  const auto pairs = PairSidecars(*files, &report.sidecars, &report.orphans);

  Transaction tx = cat->NewTransaction();
  SHOEBOX_RETURN_IF_ERROR(tx.Begin());
  for (const FolderEntry& photo : *files) {
    auto pair = pairs.find(photo.file_id);
    if (pair == pairs.end()) continue;
    const FolderEntry& sidecar = *pair->second;
    auto it = applied.find(photo.file_id);
    const AppliedSidecar* before = it == applied.end() ? nullptr : it->second;
    if (before && before->path == sidecar.path && before->size == sidecar.size &&
        before->mtime_ns == sidecar.mtime_ns && before->asset_id == *photo.asset_id) {
      ++report.unchanged;
      continue;
    }
    auto bytes = ReadWholeFile(sidecar.path, kMaxSidecarBytes);
    std::string warning;
    XmpSidecar facts;
    if (bytes.ok())
      facts = ReadXmpSidecar(reinterpret_cast<const char*>(bytes->data()), bytes->size(), &warning);
    if (!bytes.ok() || !warning.empty()) {
      ++report.bad;
      const std::string why = bytes.ok() ? warning : bytes.status().message();
      SHOEBOX_RETURN_IF_ERROR(
          cat->RecordError(sidecar.path, "sidecar not applied: " + why, "warning", now));
      continue;
    }
    SHOEBOX_RETURN_IF_ERROR(Apply(cat, photo, sidecar, facts, before));
    ++report.applied;
  }
  // Sidecars that went away while their photo stayed.
  for (const AppliedSidecar& a : *applied_list)
    if (!pairs.count(a.file_id) && a.photo_status == FileStatus::kPresent) {
      SHOEBOX_RETURN_IF_ERROR(Remove(cat, a));
      ++report.removed;
    }
  if (report.removed > 0 || report.applied > 0) SHOEBOX_RETURN_IF_ERROR(cat->DropUnusedPeople());
  SHOEBOX_RETURN_IF_ERROR(tx.Commit());
  return report;
}

}  // namespace shoebox
