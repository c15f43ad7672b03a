#include <cstdio>

#include "search/duplicates.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

void RegisterDupes(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string model;
    search::DuplicateOptions options;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("dupes", "Report exact and near-duplicate photos (nothing is deleted)");
  cmd->add_option("--threshold", args->options.threshold,
                  "Cosine similarity for near-duplicate candidates")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--max-hash-distance", args->options.max_hash_distance,
                  "Differing dHash bits (of 64) still confirming a near duplicate")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  cmd->add_option("--model", args->model,
                  "Model whose vectors to compare (default: the catalog's latest)");
  cmd->add_flag("--json", args->json,
                "Print {\"exact\": [[paths]], \"near\": [{keep, others, score}]}");
  cmd->callback([&g, &exit_code, args] {
    auto fail = [&](const Status& s) { exit_code = Fail(s); };
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) return fail(cat.status());
    std::unique_ptr<search::Searcher> searcher;
    auto record = QueryModel(cat->get(), args->model);
    if (record.ok()) {
      auto s = search::Searcher::Open(cat->get(), *record);
      if (!s.ok()) return fail(s.status());
      searcher = std::move(*s);
    } else if (!args->model.empty()) {
      return fail(record.status());
    } else if (!g.quiet) {
      std::fprintf(stderr, "shoebox: exact duplicates only (%s)\n",
                   record.status().message().c_str());
    }
    ThumbnailCache thumbs;
    auto report = search::FindDuplicates(cat->get(), searcher.get(), thumbs, args->options);
    if (!report.ok()) return fail(report.status());
    if (args->json) {
      nlohmann::json near = nlohmann::json::array();
      for (const auto& c : report->near)
        near.push_back({{"keep", c.keep}, {"others", c.others}, {"score", c.score}});
      std::printf("%s\n", Dump({{"exact", report->exact}, {"near", near}}).c_str());
      return;
    }
    for (const auto& group : report->exact) {
      std::printf("exact duplicates:\n");
      for (const auto& p : group) std::printf("  %s\n", p.c_str());
    }
    for (const auto& c : report->near) {
      std::printf("near duplicates (cosine >= %.3f):\n  keep  %s\n", c.score, c.keep.c_str());
      for (const auto& p : c.others) std::printf("        %s\n", p.c_str());
    }
    if (report->exact.empty() && report->near.empty() && !g.quiet)
      std::fprintf(stderr, "no duplicates\n");
  });
}

}  // namespace shoebox::cli
