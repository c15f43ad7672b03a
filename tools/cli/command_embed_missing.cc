#include <cstdio>
#include <cstdlib>

#include "pipeline/index_job.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/index_report.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

void RegisterEmbedMissing(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string model;
    bool wait = false;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "embed-missing", "Embed the cataloged photos that have no vector for a model yet");
  cmd->add_option("--model", args->model,
                  std::string("Short name, Hub repo or folder (default: $SHOEBOX_MODEL, else ") +
                      kDefaultModel + ")");
  cmd->add_flag("--wait", args->wait, "Wait for a running index instead of refusing");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->callback([&g, &exit_code, args] {
    const char* env = std::getenv("SHOEBOX_MODEL");
    const std::string name = !args->model.empty() ? args->model
                             : (env && *env)      ? env
                                                  : kDefaultModel;
    auto model = LoadModel(g, ModelUse::kLibrary, name);
    if (!model.ok()) {
      exit_code = Fail(model.status());
      return;
    }
    auto writable = OpenCatalogForWriting(g, args->wait);
    if (!writable.ok()) {
      exit_code = Fail(writable.status());
      return;
    }
    PrintingListener listener(g.quiet || args->json);
    auto e = EmbedAndKeepIndexCurrent(writable->catalog.get(), model->get(), ModelLocation(name),
                                      !(g.quiet || args->json), &listener);
    if (!e.ok()) {
      exit_code = Fail(e.status());
      return;
    }
    if (args->json)
      std::printf("%s\n", Dump(EmbedJson(*e)).c_str());
    else if (!g.quiet)
      PrintEmbedSummary(*e);
  });
}

}  // namespace shoebox::cli
