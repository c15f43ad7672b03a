#include <cstdio>

#include "search/query.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

void RegisterSearch(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string query, model, like, sort = "score";
    search::SearchOptions options;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "search",
      "Find photos by a description: \"beach +sunset -people\", \"cat 2:dog\" (terms add up)");
  cmd->add_option("query", args->query, "What to look for")->required();
  cmd->add_option("--model", args->model,
                  "Model whose vectors to search (default: the catalog's latest)");
  cmd->add_option("--like", args->like,
                  "Also like this photo (catalog id or path), added to the text");
  AddSearchOptions(cmd, &args->options, &args->sort);
  cmd->add_flag("--json", args->json, "Print a JSON array");
  cmd->callback([&g, &exit_code, args] {
    auto fail = [&](const Status& s) { exit_code = Fail(s); };
    // A malformed query fails before anything is opened or loaded.
    if (auto terms = search::ParseQuery(args->query); !terms.ok()) return fail(terms.status());
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) return fail(cat.status());
    auto record = QueryModel(cat->get(), args->model);
    if (!record.ok()) return fail(record.status());
    auto options = ModelOptions(g);
    if (!options.ok()) return fail(options.status());
    auto model = search::LoadQueryNetwork(*record, args->model, *options);
    if (!model.ok()) return fail(model.status());
    auto searcher = search::Searcher::Open(cat->get(), *record);
    if (!searcher.ok()) return fail(searcher.status());
    std::vector<std::vector<float>> like;  // "more like this photo, and ..."
    if (!args->like.empty()) {
      auto photo = ResolvePhoto(cat->get(), args->like);
      if (!photo.ok()) return fail(photo.status());
      auto v = (*searcher)->VectorOf(photo->asset.id);
      if (!v) return fail(NotFound(args->like + " has no vector for " + record->label));
      like.push_back(std::move(*v));
    }
    auto query = search::TextQueryVector(
        args->query, [&](const std::vector<std::string>& t) { return (*model)->EmbedTexts(t); },
        like);
    if (!query.ok()) return fail(query.status());
    args->options.sort_by_date = args->sort == "date";
    auto hits = (*searcher)->Search(*query, args->options);
    if (!hits.ok()) return fail(hits.status());
    search::AddProbabilities(**model, &*hits);
    if (args->json) {
      std::printf("%s\n", Dump(HitsJson(*hits)).c_str());
      return;
    }
    for (const auto& h : *hits)
      std::printf("%.4f  %6lld  %s\n", h.score, static_cast<long long>(h.id), h.path.c_str());
    if (hits->empty() && !g.quiet) std::fprintf(stderr, "no matches\n");
  });
}

}  // namespace shoebox::cli
