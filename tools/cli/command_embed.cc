#include <cstdio>

#include "embedding/embedding_model.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterEmbed(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string model;
    std::vector<std::string> images, texts;
    bool json = true;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "embed", "Print L2-normalised embeddings of photos or texts, one JSON line per input");
  cmd->add_option("--model", args->model,
                  "Model folder (a Hugging Face snapshot) or downloaded model name")
      ->required();
  auto* img = cmd->add_option("--image", args->images, "Photos to embed");
  auto* txt = cmd->add_option("--text", args->texts, "Texts to embed");
  img->excludes(txt);
  cmd->add_flag("--json", args->json, "Output JSON lines (the default; accepted for symmetry)");
  cmd->callback([&g, &exit_code, args] {
    if (args->images.empty() && args->texts.empty()) {
      exit_code = Fail(InvalidArgument("give --image FILE... or --text TEXT..."));
      return;
    }
    auto model = LoadModel(g, ModelUse::kPrintedVectors, args->model);
    if (!model.ok()) {
      exit_code = Fail(model.status());
      return;
    }
    auto print = [](const std::string& input, const std::vector<float>& v) {
      nlohmann::json j = {{"input", input}, {"embedding", v}};
      std::printf("%s\n", Dump(j).c_str());
    };
    if (!args->texts.empty()) {
      auto embs = (*model)->EmbedTexts(args->texts);
      if (!embs.ok()) {
        exit_code = Fail(embs.status());
        return;
      }
      for (size_t i = 0; i < args->texts.size(); ++i) print(args->texts[i], (*embs)[i]);
      return;
    }
    for (const auto& path : args->images) {
      auto e = (*model)->EmbedImage(path);
      if (e.ok()) {
        print(path, *e);
      } else {
        std::printf("%s\n", Dump({{"input", path}, {"error", e.status().message()}}).c_str());
        std::fprintf(stderr, "shoebox: %s\n", e.status().message().c_str());
        exit_code = 1;  // the others are still embedded
      }
    }
  });
}

}  // namespace shoebox::cli
