// `shoebox lrprev extract FILE.lrprev|DIR --out DIR [--level largest|N] [--catalog CATALOG.lrcat]`:
// the JPEGs inside Lightroom's preview cache, written out as plain files — with the
// original's name, capture time and orientation when the catalog maps them. For people whose
// originals are gone and whose previews are all that is left.
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "library/lightroom/lightroom_catalog.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {
namespace {

namespace fs = std::filesystem;

struct LrprevArgs {
  std::string input, out, level = "largest", catalog;
  bool force_read = false, json = false;
};

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

int RunExtract(const LrprevArgs& a) {
  std::error_code ec;
  const fs::path input = fs::weakly_canonical(a.input, ec);
  if (!fs::exists(input, ec)) return Fail(NotFound(a.input + ": no such file or folder"));
  std::optional<int> level;
  if (a.level != "largest") {
    if (a.level.empty() || a.level.size() > 2 ||
        a.level.find_first_not_of("0123456789") != std::string::npos || std::stoi(a.level) < 1)
      return Fail(InvalidArgument("--level must be 'largest' or a level number (1, 2, ...)"));
    level = std::stoi(a.level);
  }
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
    return Fail(InvalidArgument("--out " + a.out +
                                " is inside the previews being read; choose a folder outside it"));

  // uuid -> the catalog's image, through previews.db.
  std::map<std::string, lightroom::CatalogImage> by_uuid;
  if (!a.catalog.empty()) {
    auto catalog = lightroom::ReadCatalog(a.catalog, a.force_read);
    if (!catalog.ok()) return Fail(catalog.status());
    std::map<int64_t, const lightroom::CatalogImage*> by_id;
    for (const auto& im : catalog->images) by_id[im.id] = &im;
    fs::path index_dir = lrdata ? *lrdata : fs::path(lightroom::PreviewsFolderFor(a.catalog));
    auto index = lightroom::ReadPreviewIndex(index_dir.string());
    if (!index.ok()) return Fail(index.status());
    for (const auto& e : *index)
      if (auto it = by_id.find(e.image_id); it != by_id.end()) by_uuid[e.uuid] = *it->second;
  }

  int done = 0, failed = 0;
  std::set<std::string> used;
  for (const fs::path& f : files) {
    std::string uuid = f.stem().string().substr(0, 36);
    const lightroom::CatalogImage* im = nullptr;
    if (auto it = by_uuid.find(uuid); it != by_uuid.end()) im = &it->second;
    std::string name = im ? fs::path(im->file_name).stem().string() : uuid;
    if (name.empty() || !used.insert(name).second) {  // two originals of the same name
      name += "-" + uuid.substr(0, 8);
      used.insert(name);
    }
    const fs::path target = out / (name + ".jpg");
    auto x = lightroom::ExtractPreview(f.string(), level,
                                       im ? std::optional<int>(im->orientation) : std::nullopt,
                                       im ? im->capture_time : std::nullopt, target.string());
    if (!x.ok()) {
      ++failed;
      std::fprintf(stderr, "shoebox: %s\n", x.status().message().c_str());
      continue;
    }
    ++done;
    if (a.json) {
      nlohmann::json j = {{"file", f.string()}, {"out", target.string()}, {"level", x->level},
                          {"width", x->width},  {"height", x->height},    {"uuid", x->uuid}};
      j["original"] = im ? nlohmann::json(im->path) : nlohmann::json(nullptr);
      j["capture_time"] =
          im && im->capture_time ? nlohmann::json(*im->capture_time) : nlohmann::json(nullptr);
      std::printf("%s\n", Dump(j).c_str());
    }
  }
  std::fprintf(stderr, "extracted %d of %zu previews into %s%s\n", done, files.size(),
               out.string().c_str(), failed ? " (the others are named above)" : "");
  if (files.empty()) return Fail(NotFound("no .lrprev files in " + a.input));
  return failed ? 1 : 0;
}

}  // namespace

void RegisterLrprev(CLI::App& app, GlobalOptions&, int& exit_code) {
  auto args = std::make_shared<LrprevArgs>();
  CLI::App* cmd = app.add_subcommand("lrprev", "Lightroom preview files (.lrprev)");
  cmd->require_subcommand(1);
  CLI::App* extract =
      cmd->add_subcommand("extract", "Write the JPEGs inside .lrprev files as plain files");
  extract
      ->add_option("input", args->input,
                   "An .lrprev file, or a folder of them (e.g. 'Catalog Previews.lrdata')")
      ->required();
  extract->add_option("--out", args->out, "Folder to write the JPEGs into")->required();
  extract->add_option("--level", args->level, "'largest' or a level number (1 = smallest)")
      ->capture_default_str();
  extract->add_option(
      "--catalog", args->catalog,
      "The .lrcat the previews belong to: names files after their originals, with capture time and "
      "orientation as EXIF");
  extract->add_flag("--force-read", args->force_read,
                    "Read the catalog even while Lightroom has it open");
  extract->add_flag("--json", args->json, "One JSON line per extracted preview");
  extract->callback([&exit_code, args] { exit_code = RunExtract(*args); });
}

}  // namespace shoebox::cli
