#include <cstdio>

#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

void RegisterReindex(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto model = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("reindex", "Rebuild the approximate vector index of a model (large libraries)");
  cmd->add_option("--model", *model, "Model whose index to rebuild (default: the catalog's latest)");
  cmd->callback([&g, &exit_code, model] {
    auto fail = [&](const Status& s) { exit_code = Fail(s); };
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) return fail(cat.status());
    auto record = QueryModel(cat->get(), *model);
    if (!record.ok()) return fail(record.status());
    auto searcher = search::Searcher::Open(cat->get(), *record);
    if (!searcher.ok()) return fail(searcher.status());
    if (!(*searcher)->uses_ann()) {
      if (!g.quiet)
        std::fprintf(stderr, "%zu vectors: exact search, no approximate index needed\n", (*searcher)->ids().size());
      return;
    }
    Status st = (*searcher)->RebuildAnn();
    if (!st.ok()) return fail(st);
    if (!g.quiet) std::fprintf(stderr, "rebuilt the HNSW index of %zu vectors\n", (*searcher)->ids().size());
  });
}

}  // namespace shoebox::cli
