#include <cstdio>

#include "engine/hub/model_store.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterModels(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* models = app.add_subcommand("models", "List and download embedding models");
  models->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  CLI::App* list = models->add_subcommand("list", "Known models, and which are downloaded");
  list->add_flag("--json", *json, "Print as JSON");
  list->callback([json] {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : KnownModels()) {
      bool have = IsDownloaded(m.repo);
      out.push_back({{"name", m.name},
                     {"repo", m.repo},
                     {"downloaded", have},
                     {"default", std::string(m.name) == kDefaultModel},
                     {"path", ModelDir(m.repo).string()},
                     {"note", m.note}});
      if (!*json)
        std::printf(
            "%s %-20s %-45s %s\n", have ? "*" : " ", m.name, m.repo,
            (std::string(m.note) + (std::string(m.name) == kDefaultModel ? "" : "")).c_str());
    }
    if (*json)
      std::printf("%s\n", Dump(out).c_str());
    else
      std::printf("(* = downloaded; models live in %s)\n", ModelDir("x").parent_path().c_str());
  });
  auto name = std::make_shared<std::string>();
  CLI::App* pull = models->add_subcommand(
      "pull", "Download a model from the Hugging Face Hub (resumable, verified)");
  pull->add_option("model", *name, "Short name (see `models list`) or Hub repo id (org/name)")
      ->required();
  pull->callback([&g, &exit_code, name] {
    PullOptions o;
    o.show_progress = !g.quiet;
    std::string repo = ResolveRepo(*name);
    auto dir = PullModel(repo, o);
    if (!dir.ok()) {
      exit_code = Fail(dir.status());
      return;
    }
    std::printf("%s\n", dir->c_str());
  });
}

}  // namespace shoebox::cli
