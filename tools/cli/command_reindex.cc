#include <cstdio>

#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"
#include "vectors/model_index.h"

namespace shoebox::cli {

void RegisterReindex(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto model = std::make_shared<std::string>();
  auto recipe = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "reindex", "Rebuild a model's vector index, or choose how its vectors are searched");
  cmd->add_option("--model", *model,
                  "Model whose index to rebuild (default: the catalog's latest)");
  cmd->add_option(
      "--recipe", *recipe,
      "How to search this model's vectors from now on: auto[,threshold=N] (exact below N, default "
      "100000, HNSW above), flat (always exact), hnsw[,M=32][,efc=200][,ef=128]; stored in the "
      "catalog");
  cmd->callback([&g, &exit_code, model, recipe] {
    auto fail = [&](const Status& s) { exit_code = Fail(s); };
    // The writer lock: `index` updates the same graph files, and the recipe is a catalog write.
    auto writable = OpenCatalogForWriting(g, false);
    if (!writable.ok()) return fail(writable.status());
    std::unique_ptr<Catalog>* cat = &writable->catalog;
    auto record = QueryModel(cat->get(), *model);
    if (!record.ok()) return fail(record.status());
    auto r = vectors::Reindex(cat->get(), *record, *recipe);
    if (!r.ok()) return fail(r.status());
    if (g.quiet) return;
    if (r->rebuilt)
      std::fprintf(stderr, "rebuilt the HNSW index of %lld vectors (recipe %s)\n",
                   static_cast<long long>(r->vectors), r->recipe.c_str());
    else
      std::fprintf(stderr, "%lld vectors, recipe %s: exact search, no approximate index needed\n",
                   static_cast<long long>(r->vectors), r->recipe.c_str());
  });
}

}  // namespace shoebox::cli
