#include <cstdio>

#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterLs(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    ListFilter filter;
    std::string folder, format, after, before;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("ls", "List catalogued photos, oldest first");
  cmd->add_option("--folder", args->folder, "Only photos in this folder (and below)");
  cmd->add_option("--format", args->format, "Only this format (jpeg, png, heic, raw...)");
  cmd->add_option("--after", args->after, "Taken on or after this date (YYYY-MM-DD)");
  cmd->add_option("--before", args->before, "Taken before this date (YYYY-MM-DD)");
  cmd->add_option("--person", args->filter.person,
                  "Only photos of this person (named in a library or XMP; see `shoebox people`)");
  cmd->add_option("-n,--limit", args->filter.limit, "At most this many");
  cmd->add_flag("--json", args->json, "Print as a JSON array");
  cmd->callback([&g, &exit_code, args] {
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) {
      exit_code = Fail(cat.status());
      return;
    }
    ListFilter f = args->filter;
    if (!args->folder.empty()) {
      std::error_code ec;
      f.folder =
          std::filesystem::weakly_canonical(std::filesystem::absolute(args->folder), ec).string();
    }
    if (!args->format.empty()) f.format = args->format;
    if (!args->after.empty()) f.after = args->after;
    if (!args->before.empty()) f.before = args->before;
    auto rows = (*cat)->List(f);
    if (!rows.ok()) {
      exit_code = Fail(rows.status());
      return;
    }
    if (args->json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& r : *rows) j.push_back(PhotoJson(r));
      std::printf("%s\n", Dump(j).c_str());
      return;
    }
    for (const auto& r : *rows) {
      std::printf("%8lld  %-25s %-5s %s\n", static_cast<long long>(r.asset.id),
                  r.asset.taken_at.value_or("-").c_str(), r.asset.format.c_str(),
                  r.file.path.c_str());
    }
  });
}

}  // namespace shoebox::cli
