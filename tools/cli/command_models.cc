#include <cstdio>

#include "base/xdg_dirs.h"
#include "engine/hub/model_store.h"
#include "engine/tensor/gemm.h"
#include "engine/tensor/onednn_linear.h"
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
  auto info_name = std::make_shared<std::string>(kDefaultModel);
  auto info_json = std::make_shared<bool>(false);
  CLI::App* info = models->add_subcommand(
      "info",
      "Load a model as indexing does and say how it runs here: precision, and which backend "
      "and instruction set run each tower's products");
  info->add_option("model", *info_name, "Short name, Hub repo id or folder")->capture_default_str();
  info->add_flag("--json", *info_json, "Print as JSON");
  info->callback([&g, &exit_code, info_name, info_json] {
    auto model = LoadModel(g, ModelUse::kLibrary, *info_name);
    if (!model.ok()) {
      exit_code = Fail(model.status());
      return;
    }
    const EmbeddingModel& m = **model;
    nlohmann::json out = {{"model", m.label()},
                          {"family", m.family()},
                          {"precision", m.precision()},
                          {"backends", m.backends()},
                          {"kernel", ops::ActiveKernel()},
                          {"onednn", ops::OnednnVersion() + " " + ops::OnednnIsa()},
                          {"tuning", (CacheDir() / "tuning.json").string()}};
    if (*info_json) {
      std::printf("%s\n", Dump(out).c_str());
      return;
    }
    std::printf("%s (%s), %s\n", m.label().c_str(), m.family().c_str(), m.precision().c_str());
    for (const auto& [tower, counts] : out["backends"].items())
      for (const auto& [backend, n] : counts.items())
        std::printf("  %-5s %3d products on %s\n", tower.c_str(), n.get<int>(), backend.c_str());
    std::printf("  our float32 kernel: %s; %s\n", ops::ActiveKernel().c_str(),
                out["onednn"].get<std::string>().c_str());
  });
}

}  // namespace shoebox::cli
