// `shoebox import KIND PATH...`: one subcommand per library kind of the importer registry
// (pipeline/importers.h), each the index job with that kind named.
#include "pipeline/importers.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/index_command.h"

namespace shoebox::cli {

// One subcommand per importer of the registry (pipeline/importers.h) that is not a folder.
void RegisterImport(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* import =
      app.add_subcommand("import", "Read a photo library export into the catalog (read-only)");
  import->require_subcommand(1);
  auto args = std::make_shared<IndexArgs>();
  for (const Importer& importer : Importers()) {
    if (importer.kind == "folder") continue;
    CLI::App* cmd = import->add_subcommand(importer.kind, importer.help);
    cmd->add_option("paths", args->roots, "Libraries to import")->required();
    if (importer.reads_while_open)
      cmd->add_flag("--force-read", args->force_read,
                    "Read the catalog even though its application has it open (a snapshot)");
    AddIndexOptions(cmd, args.get());
    cmd->callback([&g, &exit_code, args, &importer] {
      for (const auto& r : args->roots) {
        if (!importer.accepts(r)) {
          exit_code = Fail(InvalidArgument(r + " is not " + importer.not_one));
          return;
        }
      }
      args->kind = importer.kind;
      RunIndex(g, exit_code, *args);
    });
  }
}

}  // namespace shoebox::cli
