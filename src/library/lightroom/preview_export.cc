#include "library/lightroom/preview_export.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace shoebox::lightroom {
namespace {

namespace fs = std::filesystem;

// The .lrdata folder a path is in (or is), if any.
std::optional<fs::path> EnclosingLrdata(fs::path p) {
  for (; !p.empty() && p != p.root_path(); p = p.parent_path())
    if (p.extension() == ".lrdata") return p;
  return std::nullopt;
}

bool Inside(const fs::path& child, const fs::path& parent) {
  auto c = child.lexically_normal().string(), p = parent.lexically_normal().string();
  return c == p || c.rfind(p + "/", 0) == 0;
}

}  // namespace

Result<PreviewExportReport> ExportPreviews(
    const PreviewExportOptions& a, const std::function<void(const ExportedPreview&)>& each) {
  std::error_code ec;
  const fs::path input = fs::weakly_canonical(a.input, ec);
  if (!fs::exists(input, ec)) return NotFound(a.input + ": no such file or folder");
  std::vector<fs::path> files;
  if (fs::is_directory(input, ec)) {
    for (fs::recursive_directory_iterator
             it(input, fs::directory_options::skip_permission_denied, ec),
         end;
         !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec) && it->path().extension() == ".lrprev")
        files.push_back(it->path());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(input);
  }
  const fs::path out = fs::weakly_canonical(a.out, ec);
  // Never write inside the library's preview cache (nor the folder being read).
  auto lrdata = EnclosingLrdata(input);
  if ((lrdata && Inside(out, *lrdata)) || (fs::is_directory(input, ec) && Inside(out, input)))
    return InvalidArgument("--out " + a.out +
                           " is inside the previews being read; choose a folder outside it");

  // uuid -> the catalog's image, through previews.db.
  std::map<std::string, CatalogImage> by_uuid;
  if (!a.catalog.empty()) {
    auto catalog = ReadCatalog(a.catalog, a.force_read);
    if (!catalog.ok()) return catalog.status();
    std::map<int64_t, const CatalogImage*> by_id;
    for (const auto& im : catalog->images) by_id[im.id] = &im;
    fs::path index_dir = lrdata ? *lrdata : fs::path(PreviewsFolderFor(a.catalog));
    auto index = ReadPreviewIndex(index_dir.string());
    if (!index.ok()) return index.status();
    for (const auto& e : *index)
      if (auto it = by_id.find(e.image_id); it != by_id.end()) by_uuid[e.uuid] = *it->second;
  }

  PreviewExportReport report;
  report.files = static_cast<int>(files.size());
  report.out = out.string();
  std::set<std::string> used;
  for (const fs::path& f : files) {
    std::string uuid = f.stem().string().substr(0, 36);
    const CatalogImage* im = nullptr;
    if (auto it = by_uuid.find(uuid); it != by_uuid.end()) im = &it->second;
    std::string name = im ? fs::path(im->file_name).stem().string() : uuid;
    if (name.empty() || !used.insert(name).second) {  // two originals of the same name
      name += "-" + uuid.substr(0, 8);
      used.insert(name);
    }
    ExportedPreview e{f.string(), (out / (name + ".jpg")).string(), Status(Internal("not run")),
                      im};
    e.extracted =
        ExtractPreview(f.string(), a.level, im ? std::optional<int>(im->orientation) : std::nullopt,
                       im ? im->capture_time : std::nullopt, e.out);
    ++(e.extracted.ok() ? report.done : report.failed);
    if (each) each(e);
  }
  if (files.empty()) return NotFound("no .lrprev files in " + a.input);
  return report;
}

}  // namespace shoebox::lightroom
