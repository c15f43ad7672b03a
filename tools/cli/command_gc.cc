#include <cstdio>
#include <ctime>

#include "catalog/catalog.h"
#include "pipeline/thumbnail_cache.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterGc(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    double days = 30;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "gc",
      "Forget files missing for longer than --older-than days, and photos left without files");
  cmd->add_option("--older-than", args->days, "Days a file must have been missing")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print as JSON");
  cmd->callback([&g, &exit_code, args] {
    auto writable = OpenCatalogForWriting(g, false);
    if (!writable.ok()) {
      exit_code = Fail(writable.status());
      return;
    }
    auto* cat = &writable->catalog;
    int64_t cutoff =
        static_cast<int64_t>(std::time(nullptr)) - static_cast<int64_t>(args->days * 86400);
    auto r = (*cat)->CollectGarbage(cutoff);
    if (!r.ok()) {
      exit_code = Fail(r.status());
      return;
    }
    ThumbnailCache thumbs;
    for (const auto& h : r->removed_hashes) thumbs.Remove(h);
    if (args->json) {
      std::printf("%s\n",
                  Dump({{"files_removed", r->files_removed}, {"assets_removed", r->assets_removed}})
                      .c_str());
    } else {
      std::printf("removed %lld missing files and %lld photos without files\n",
                  static_cast<long long>(r->files_removed),
                  static_cast<long long>(r->assets_removed));
    }
  });
}

}  // namespace shoebox::cli
