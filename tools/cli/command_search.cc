#include <algorithm>
#include <cstdio>

#include "search/query.h"
#include "search/text_search.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

void RegisterSearch(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string query, model, like, sort = "score", mode = "hybrid";
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
  cmd->add_option("--mode", args->mode,
                  "hybrid: the photos whose words say it first, then those that look like it; "
                  "text: words only (OCR, titles, keywords, albums, names); semantic: meaning only")
      ->check(CLI::IsMember({"hybrid", "text", "semantic"}))
      ->capture_default_str();
  cmd->callback([&g, &exit_code, args] {
    auto fail = [&](const Status& s) { exit_code = Fail(s); };
    auto mode = search::ParseSearchMode(args->mode);
    if (!mode.ok()) return fail(mode.status());
    // A malformed query fails before anything is opened or loaded.
    if (*mode == search::SearchMode::kText) {
      if (auto q = search::ParseTextQuery(args->query); !q.ok()) return fail(q.status());
    } else if (auto terms = search::ParseQuery(args->query); !terms.ok()) {
      return fail(terms.status());
    }
    if (!args->like.empty() && *mode == search::SearchMode::kText)
      return fail(InvalidArgument("--like needs a model: use --mode hybrid or semantic"));
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) return fail(cat.status());
    args->options.sort_by_date = args->sort == "date";

    // The semantic half, when a model answers; hybrid without one searches the words alone and
    // says so once.
    std::shared_ptr<EmbeddingModel> model;
    std::unique_ptr<search::Searcher> searcher;
    std::optional<std::vector<float>> query;
    if (*mode != search::SearchMode::kText) {
      auto loaded = [&]() -> Status {
        auto record = QueryModel(cat->get(), args->model);
        if (!record.ok()) return record.status();
        auto options = ModelOptions(g, ModelUse::kLibrary);
        if (!options.ok()) return options.status();
        auto m = search::LoadQueryNetwork(*record, args->model, *options);
        if (!m.ok()) return m.status();
        auto s = search::Searcher::Open(cat->get(), *record);
        if (!s.ok()) return s.status();
        std::vector<std::vector<float>> like;  // "more like this photo, and ..."
        if (!args->like.empty()) {
          auto photo = ResolvePhoto(cat->get(), args->like);
          if (!photo.ok()) return photo.status();
          auto v = (*s)->VectorOf(photo->asset.id);
          if (!v) return NotFound(args->like + " has no vector for " + record->label);
          like.push_back(std::move(*v));
        }
        auto q = search::TextQueryVector(
            args->query, [&](const std::vector<std::string>& t) { return (*m)->EmbedTexts(t); },
            like);
        if (!q.ok()) return q.status();
        model = std::move(*m);
        searcher = std::move(*s);
        query = std::move(*q);
        return Status::Ok();
      }();
      if (!loaded.ok()) {
        const bool can_fall_back =
            *mode == search::SearchMode::kHybrid && args->like.empty() && args->model.empty() &&
            (loaded.code() == StatusCode::kNotFound || loaded.code() == StatusCode::kCorrupt);
        if (!can_fall_back) return fail(loaded);
        if (!g.quiet)
          std::fprintf(stderr,
                       "shoebox: searching the words in your photos only (no model to search by "
                       "meaning: %s)\n",
                       loaded.message().c_str());
      }
    }
    search::SemanticSearch semantic;
    if (searcher)
      semantic = [&](const search::SearchOptions& o) -> Result<std::vector<search::SearchHit>> {
        auto hits = searcher->Search(*query, o);
        if (hits.ok()) search::AddProbabilities(*model, &*hits);
        return hits;
      };
    auto hits = search::RunSearch(**cat, args->query, *mode, args->options, semantic);
    if (!hits.ok()) return fail(hits.status());
    if (args->json) {
      std::printf("%s\n", Dump(HitsJson(*hits)).c_str());
      return;
    }
    for (const auto& h : *hits) {
      std::string why;
      for (const auto& m : h.match) why += (why.empty() ? "" : "+") + m;
      std::printf("%s  %6lld  %-13s %s\n",
                  h.scored() ? std::to_string(h.score).substr(0, 6).c_str() : "     -",
                  static_cast<long long>(h.id), why.c_str(), h.path.c_str());
    }
    if (hits->empty() && !g.quiet) std::fprintf(stderr, "no matches\n");
  });
}

}  // namespace shoebox::cli
