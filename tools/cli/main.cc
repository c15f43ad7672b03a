// shoebox: one binary, one subcommand per file (command_<verb>.cc).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "base/allocator.h"
#include "tools/cli/cli_common.h"

#ifndef SHOEBOX_VERSION
#define SHOEBOX_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace shoebox::cli;
  shoebox::TuneAllocatorForBatchWork();
  CLI::App app{"shoebox: private, local semantic search for your photo library"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("shoebox ") + SHOEBOX_VERSION);
  GlobalOptions g;
  app.add_option("--db", g.db,
                 "Catalog file (default: $SHOEBOX_DB or ~/.local/share/shoebox/catalog.db)");
  app.add_flag("-q,--quiet", g.quiet, "No progress output");
  app.add_option("--precision", g.precision,
                 "Model arithmetic (or $SHOEBOX_PRECISION): auto (the default: the fastest of the "
                 "others within cosine 0.999 of float32, measured once per machine), float32 (the "
                 "default of `embed`), bf16 (CPUs with AVX-512 BF16 or AMX) or int8")
      ->check(CLI::IsMember({"auto", "float32", "fp32", "bf16", "int8"}));
  int exit_code = 0;
  RegisterIndex(app, g, exit_code);
  RegisterStatus(app, g, exit_code);
  RegisterInfo(app, g, exit_code);
  RegisterErrors(app, g, exit_code);
  RegisterLs(app, g, exit_code);
  RegisterPeople(app, g, exit_code);
  RegisterThumb(app, g, exit_code);
  RegisterGc(app, g, exit_code);
  RegisterEmbed(app, g, exit_code);
  RegisterBench(app, g, exit_code);
  RegisterModels(app, g, exit_code);
  RegisterEmbedMissing(app, g, exit_code);
  RegisterOcrMissing(app, g, exit_code);
  RegisterSearch(app, g, exit_code);
  RegisterSimilar(app, g, exit_code);
  RegisterDupes(app, g, exit_code);
  RegisterReindex(app, g, exit_code);
  RegisterServe(app, g, exit_code);
  RegisterWatch(app, g, exit_code);
  RegisterImport(app, g, exit_code);
  RegisterLrprev(app, g, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty()) {  // --version is handled by parse; anything else needs one
    std::fprintf(stderr, "A subcommand is required\nRun with --help for more information.\n");
    return 2;
  }
  return exit_code;
}
