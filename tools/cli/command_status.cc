#include <cstdio>

#include "catalog/embedding_store.h"
#include "catalog/photo_json.h"
#include "ocr/text_reader.h"
#include "search/searcher.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

void RegisterStatus(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("status", "Counts of files, photos, errors; catalog location");
  cmd->add_flag("--json", *json, "Print as JSON");
  cmd->callback([&g, &exit_code, json] {
    auto cat = OpenCatalog(g, false);
    if (!cat.ok()) {
      exit_code = Fail(cat.status());
      return;
    }
    auto s = (*cat)->Stats();
    if (!s.ok()) {
      exit_code = Fail(s.status());
      return;
    }
    // Per model: how much of the library has vectors (index health for queries).
    EmbeddingStore store = (*cat)->Embeddings();
    auto models = store.Models();
    if (!models.ok()) {
      exit_code = Fail(models.status());
      return;
    }
    nlohmann::json embeddings = nlohmann::json::array();
    for (const auto& m : *models) {
      auto c = store.Coverage(m.id);
      if (!c.ok()) {
        exit_code = Fail(c.status());
        return;
      }
      auto health = vectors::CheckIndexHealth(cat->get(), m);
      if (!health.ok()) {
        exit_code = Fail(health.status());
        return;
      }
      embeddings.push_back(
          {{"model", m.label},
           {"location", m.location},
           {"family", m.family},
           {"dim", m.dim},
           {"embedded", c->embedded},
           {"failed", c->failed},
           {"pending", c->pending},
           {"index_recipe", health->recipe},
           {"index", IndexKind(*health)},
           {"index_state", DescribeIndexHealth(*health)},
           {"index_damaged",
            !health->damage.empty() && health->graph != vectors::GraphHealth::kInvalidRecipe}});
    }
    auto text = (*cat)->TextCoverageOf(ocr::kOcrVersion);
    if (!text.ok()) {
      exit_code = Fail(text.status());
      return;
    }
    if (*json) {
      nlohmann::json j = {{"embeddings", embeddings},
                          {"text", TextCoverageJson(*text)},
                          {"files", s->files},
                          {"assets", s->assets},
                          {"missing", s->missing},
                          {"errors", s->errors},
                          {"warnings", s->warnings},
                          {"thumbnails", s->thumbnails},
                          {"not_images", s->not_images},
                          {"formats", s->by_format},
                          {"catalog", (*cat)->path().string()},
                          {"catalog_bytes", s->catalog_bytes}};
      std::printf("%s\n", Dump(j).c_str());
      return;
    }
    std::printf("catalog     %s (%.1f MiB)\n", (*cat)->path().c_str(),
                static_cast<double>(s->catalog_bytes) / (1 << 20));
    std::printf("files       %lld present, %lld missing\n", static_cast<long long>(s->files),
                static_cast<long long>(s->missing));
    std::printf("photos      %lld unique (%lld with thumbnails)\n",
                static_cast<long long>(s->assets), static_cast<long long>(s->thumbnails));
    std::printf("errors      %lld not indexed, %lld indexed with damage%s\n",
                static_cast<long long>(s->errors), static_cast<long long>(s->warnings),
                s->errors + s->warnings ? "  (shoebox errors)" : "");
    for (const auto& [fmt, n] : s->by_format)
      std::printf("  %-9s %lld\n", fmt.c_str(), static_cast<long long>(n));
    for (const auto& e : embeddings) {
      std::printf("embeddings  %s: %lld embedded, %lld could not be decoded, %lld to do%s\n",
                  e["model"].get<std::string>().c_str(),
                  static_cast<long long>(e["embedded"].get<int64_t>()),
                  static_cast<long long>(e["failed"].get<int64_t>()),
                  static_cast<long long>(e["pending"].get<int64_t>()),
                  e["pending"].get<int64_t>() > 0 ? "  (shoebox embed-missing)" : "");
      std::printf("  index     %s, recipe %s\n", e["index_state"].get<std::string>().c_str(),
                  e["index_recipe"].get<std::string>().c_str());
    }
    if (embeddings.empty()) std::printf("embeddings  none yet (shoebox index --model NAME)\n");
    const int64_t todo = text->pending + text->outdated;
    std::printf(
        "text        %lld of %lld photos read by OCR (%lld with words), %lld skipped as "
        "text-free, %lld failed, %lld to do%s\n",
        static_cast<long long>(text->read), static_cast<long long>(text->photos),
        static_cast<long long>(text->with_text), static_cast<long long>(text->skipped),
        static_cast<long long>(text->failed), static_cast<long long>(todo),
        todo > 0 ? "  (shoebox ocr-missing)" : "");
  });
}

}  // namespace shoebox::cli
