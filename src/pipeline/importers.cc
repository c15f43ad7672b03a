#include "pipeline/importers.h"

#include <filesystem>

#include "base/file_io.h"
#include "base/xdg_dirs.h"
#include "library/apple_photos/photos_library.h"
#include "library/archive/archive_reader.h"
#include "library/capture_one/capture_one_catalog.h"
#include "library/lightroom/lightroom_catalog.h"
#include "pipeline/takeout_import.h"

namespace shoebox {
namespace {

// Where a Lightroom catalog's previews of offline originals are extracted: shoebox's cache,
// one folder per catalog.
std::string LightroomPreviewDir(const std::string& catalog) {
  const std::string hash =
      ContentHashHex(reinterpret_cast<const uint8_t*>(catalog.data()), catalog.size());
  return (CacheDir() / "lightroom-previews" / hash.substr(0, 16)).string();
}

bool IsLrcat(const std::string& p) { return std::filesystem::path(p).extension() == ".lrcat"; }

std::vector<Importer> MakeImporters() {
  std::vector<Importer> all;
  // A Takeout download (.zip / .tgz) is read in place; an extracted one is a folder.
  all.push_back(
      {"takeout", "Google Photos Takeout (folders, or .zip / .tgz downloads read in place)",
       "a Takeout export", false,
       [](const std::string& p) { return IsArchiveName(p) || takeout::LooksLikeTakeout(p); },
       [](const std::string&) { return true; }, nullptr});
  all.push_back({"lightroom", "Lightroom Classic catalog (.lrcat), read-only",
                 "a Lightroom catalog (.lrcat file)", true, IsLrcat, IsLrcat,
                 [](const std::string& root, const ImportOptions& o) {
                   return lightroom::ReadLightroomLibrary(root, o.force_read,
                                                          LightroomPreviewDir(root));
                 }});
  all.push_back({"apple-photos", "Apple Photos library (.photoslibrary), read-only",
                 "an Apple Photos library (no database/Photos.sqlite inside)", false,
                 apple_photos::LooksLikePhotosLibrary, apple_photos::LooksLikePhotosLibrary,
                 [](const std::string& root, const ImportOptions&) {
                   return apple_photos::ReadPhotosLibrary(root);
                 }});
  all.push_back({"capture-one", "Capture One catalog (.cocatalog), read-only",
                 "a Capture One catalog (a .cocatalog folder with a .cocatalogdb inside)", true,
                 capture_one::LooksLikeCaptureOneCatalog, capture_one::LooksLikeCaptureOneCatalog,
                 [](const std::string& root, const ImportOptions& o) {
                   return capture_one::ReadCaptureOneCatalog(root, o.force_read);
                 }});
  const auto any = [](const std::string&) { return true; };
  all.push_back({"folder", "A folder of photos", "a folder", false, any, any, nullptr});
  return all;
}

}  // namespace

const std::vector<Importer>& Importers() {
  static const std::vector<Importer> all = MakeImporters();
  return all;
}

const Importer* FindImporter(std::string_view kind) {
  for (const Importer& i : Importers())
    if (i.kind == kind) return &i;
  return nullptr;
}

const Importer& DetectImporter(const std::string& path) {
  for (const Importer& i : Importers())
    if (i.looks_like(path)) return i;
  return Importers().back();
}

bool IsLibraryFile(const std::string& path) { return IsLrcat(path) || IsArchiveName(path); }

}  // namespace shoebox
