// `shoebox lrprev extract FILE.lrprev|DIR --out DIR [--level largest|N] [--catalog CATALOG.lrcat]`
// (library/lightroom/preview_export.h).
#include <cstdio>

#include "library/lightroom/preview_export.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {
namespace {

struct LrprevArgs {
  std::string input, out, level = "largest", catalog;
  bool force_read = false, json = false;
};

int RunExtract(const LrprevArgs& a) {
  lightroom::PreviewExportOptions o{a.input, a.out, std::nullopt, a.catalog, a.force_read};
  if (a.level != "largest") {
    if (a.level.empty() || a.level.size() > 2 ||
        a.level.find_first_not_of("0123456789") != std::string::npos || std::stoi(a.level) < 1)
      return Fail(InvalidArgument("--level must be 'largest' or a level number (1, 2, ...)"));
    o.level = std::stoi(a.level);
  }
  auto report = lightroom::ExportPreviews(o, [&](const lightroom::ExportedPreview& e) {
    if (!e.extracted.ok()) {
      std::fprintf(stderr, "shoebox: %s\n", e.extracted.status().message().c_str());
      return;
    }
    if (!a.json) return;
    const lightroom::CatalogImage* im = e.image;
    nlohmann::json j = {{"file", e.file},
                        {"out", e.out},
                        {"level", e.extracted->level},
                        {"width", e.extracted->width},
                        {"height", e.extracted->height},
                        {"uuid", e.extracted->uuid}};
    j["original"] = im ? nlohmann::json(im->path) : nlohmann::json(nullptr);
    j["capture_time"] =
        im && im->capture_time ? nlohmann::json(*im->capture_time) : nlohmann::json(nullptr);
    std::printf("%s\n", Dump(j).c_str());
  });
  if (!report.ok()) return Fail(report.status());
  std::fprintf(stderr, "extracted %d of %d previews into %s%s\n", report->done, report->files,
               report->out.c_str(), report->failed ? " (the others are named above)" : "");
  return report->failed ? 1 : 0;
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
