#include "pipeline/library_discovery.h"

#include <algorithm>

#include "imaging/image_format.h"
#include "library/archive/archive_reader.h"
#include "library/folder/folder_walker.h"

namespace shoebox {
namespace {

namespace fs = std::filesystem;

bool HasExtension(const fs::path& p, const char* ext) { return p.extension() == ext; }

// Lightroom and Capture One catalogs may sit a few folders down (~/Pictures/Lightroom/...).
void FindCatalogs(const fs::path& dir, int depth, std::vector<FoundLibrary>* out) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code sec;
    const bool is_dir = it->is_directory(sec) && !it->is_symlink(sec);
    if (HasExtension(p, ".photoslibrary") && is_dir && depth == 0) {
      out->push_back({"apple-photos", p.string()});
    } else if (HasExtension(p, ".lrcat") && it->is_regular_file(sec)) {
      out->push_back({"lightroom", p.string()});
    } else if (HasExtension(p, ".cocatalog") && is_dir) {
      out->push_back({"capture-one", p.string()});
    } else if (is_dir && depth < 3 && !IsSkippedFolderName(p.filename().string()) &&
               !IsLibraryBundleName(p.filename().string())) {
      FindCatalogs(p, depth + 1, out);
    }
  }
}

void FindTakeouts(const fs::path& downloads, std::vector<FoundLibrary>* out) {
  std::error_code ec;
  for (fs::directory_iterator it(downloads, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::error_code sec;
    if (lower.rfind("takeout", 0) != 0) continue;
    if (it->is_regular_file(sec) && IsArchiveName(it->path().string()))
      out->push_back({"takeout", it->path().string()});
    else if (it->is_directory(sec))
      out->push_back({"takeout", it->path().string()});
  }
}

}  // namespace

std::vector<FoundLibrary> FindLibraries(const fs::path& home) {
  std::vector<FoundLibrary> out;
  FindCatalogs(home / "Pictures", 0, &out);
  FindTakeouts(home / "Downloads", &out);
  std::sort(out.begin(), out.end(), [](const FoundLibrary& a, const FoundLibrary& b) {
    return std::tie(a.kind, a.path) < std::tie(b.kind, b.path);
  });
  return out;
}

Result<int64_t> CountLibraryPhotos(const FoundLibrary& library, const ImportOptions& options) {
  const Importer* importer = FindImporter(library.kind);
  if (!importer) return InvalidArgument("no importer for " + library.kind);
  if (importer->read) {
    auto scan = importer->read(library.path, options);
    if (!scan.ok()) return scan.status();
    return static_cast<int64_t>(scan->assets.size());
  }
  if (IsArchiveName(library.path)) {
    auto reader = ArchiveReader::Open(library.path);
    if (!reader.ok()) return reader.status();
    int64_t n = 0;
    ArchiveEntry e;
    for (;;) {
      auto more = (*reader)->Next(&e);
      if (!more.ok()) return more.status();
      if (!*more) return n;
      if (e.regular && !e.problem && !IsKnownNonImageExtension(e.member)) ++n;
    }
  }
  auto walk = WalkFolder(library.path, WalkOptions{});
  if (!walk.ok()) return walk.status();
  return static_cast<int64_t>(walk->files.size());
}

}  // namespace shoebox
