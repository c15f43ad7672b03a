#include <cstdio>
#include <filesystem>

#include "catalog/embedding_store.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"
#include "vectors/index_recipe.h"

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
    if (!recipe->empty()) {
      auto parsed = vectors::ParseIndexRecipe(*recipe);
      if (!parsed.ok()) return fail(parsed.status());
      EmbeddingStore store = (*cat)->Embeddings();
      Status st = store.SetIndexRecipe(record->id, parsed->ToString());
      if (!st.ok()) return fail(st);
      record->index_recipe = parsed->ToString();
    }
    auto searcher = search::Searcher::Open(cat->get(), *record, vectors::Storage::kFloat32,
                                           vectors::ModelIndex::Graph::kUseIfFresh);
    if (!searcher.ok()) return fail(searcher.status());
    const size_t n = (*searcher)->ids().size();
    if (!(*searcher)->vectors().recipe().UsesGraph(static_cast<int64_t>(n))) {
      if (!g.quiet)
        std::fprintf(stderr, "%zu vectors, recipe %s: exact search, no approximate index needed\n",
                     n, (*searcher)->vectors().recipe().ToString().c_str());
      return;
    }
    Status st = (*searcher)->vectors().RebuildGraph();
    if (!st.ok()) return fail(st);
    if (!g.quiet)
      std::fprintf(stderr, "rebuilt the HNSW index of %zu vectors (recipe %s)\n", n,
                   (*searcher)->vectors().recipe().ToString().c_str());
  });
}

}  // namespace shoebox::cli
