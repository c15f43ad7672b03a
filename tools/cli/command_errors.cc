#include <cstdio>

#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterErrors(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("errors", "Files and folders that could not be indexed, and why");
  cmd->add_flag("--json", *json, "Print as a JSON array of {path, reason}");
  cmd->callback([&g, &exit_code, json] {
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) {
      exit_code = Fail(cat.status());
      return;
    }
    auto errors = (*cat)->Errors();
    if (!errors.ok()) {
      exit_code = Fail(errors.status());
      return;
    }
    if (*json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& e : *errors)
        j.push_back({{"path", e.path}, {"reason", e.reason}, {"kind", e.kind}});
      std::printf("%s\n", Dump(j).c_str());
      return;
    }
    for (const auto& e : *errors)
      std::printf("%s%s\n    %s\n", e.path.c_str(), e.kind == "warning" ? "  (indexed)" : "",
                  e.reason.c_str());
    if (errors->empty()) std::printf("no errors\n");
  });
}

}  // namespace shoebox::cli
