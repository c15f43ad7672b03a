#include <cstdio>

#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

void RegisterSimilar(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string photo, file, model, sort = "score";
    search::SearchOptions options;
    bool json = false;
    std::optional<double> at;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "similar", "Photos that look like a photo of the library, or like any image file");
  cmd->add_option("photo", args->photo, "A catalog id or the path of a cataloged photo");
  cmd->add_option("--file", args->file,
                  "An image outside the library (embedded in memory, never stored)");
  cmd->add_option("--model", args->model,
                  "Model whose vectors to search (default: the catalog's latest)");
  cmd->add_option("--at", args->at,
                  "For a video or animation: like its frame at this many seconds (default: "
                  "its poster or first frame)");
  AddSearchOptions(cmd, &args->options, &args->sort);
  cmd->add_flag("--json", args->json, "Print a JSON array");
  cmd->callback([&g, &exit_code, args] {
    auto fail = [&](const Status& s) { exit_code = Fail(s); };
    if (args->photo.empty() == args->file.empty())
      return fail(InvalidArgument("give either a photo of the library or --file IMAGE"));
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) return fail(cat.status());
    auto record = QueryModel(cat->get(), args->model);
    if (!record.ok()) return fail(record.status());
    auto searcher = search::Searcher::Open(cat->get(), *record);
    if (!searcher.ok()) return fail(searcher.status());
    std::vector<float> query;
    if (!args->photo.empty()) {
      auto photo = ResolvePhoto(cat->get(), args->photo);
      if (!photo.ok()) return fail(photo.status());
      auto v = args->at ? (*searcher)->VectorAt(photo->asset.id, *args->at,
                                                photo->asset.poster_at.value_or(0))
                        : (*searcher)->VectorOf(photo->asset.id);
      if (!v)
        return fail(NotFound(args->photo + " has no vector for " + record->label +
                             " (see `shoebox errors`)"));
      query = std::move(*v);
      args->options.exclude = photo->asset.id;
    } else {
      auto options = ModelOptions(g, ModelUse::kLibrary);
      if (!options.ok()) return fail(options.status());
      auto model = search::LoadQueryNetwork(*record, args->model, *options);
      if (!model.ok()) return fail(model.status());
      auto v = (*model)->EmbedImage(args->file);
      if (!v.ok()) return fail(v.status());
      query = std::move(*v);
    }
    args->options.sort_by_date = args->sort == "date";
    auto hits = (*searcher)->Search(query, args->options);
    if (!hits.ok()) return fail(hits.status());
    if (args->json) {
      std::printf("%s\n", Dump(HitsJson(*hits)).c_str());
      return;
    }
    for (const auto& h : *hits)
      std::printf("%.4f  %6lld  %s\n", h.score, static_cast<long long>(h.id), h.path.c_str());
  });
}

}  // namespace shoebox::cli
