// Shared by the commands that embed or query: which model, and the filter options.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "catalog/embedding_store.h"
#include "embedding/model.h"
#include "search/searcher.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

// The model `index` embeds with when --model is not given.
inline constexpr const char* kDefaultModel = "siglip-b16-256-i18n";

// --model's value as stored (folders made absolute, so queries can load them from anywhere).
std::string ModelLocation(const std::string& arg);

// Runs the embedding stage and prints its summary (unless quiet). Returns the report's JSON.
// The embedding stage: vectors for every photo still without one. while_crawling: how many the
// crawl already embedded (InlineEmbedder), and its seconds in the network, for the report.
Result<nlohmann::json> RunEmbedStage(Catalog* cat, Model* model, const std::string& location,
                                     bool quiet, int64_t while_crawling = 0,
                                     double while_crawling_seconds = 0);

// The catalog's model for a query: the one --model names (it must have vectors here), else
// the most recently used model with vectors.
Result<ModelRecord> QueryModel(Catalog* cat, const std::string& model_arg);
// Loads the network of a catalog model (for text queries and outside images).
Result<std::unique_ptr<Model>> LoadNetwork(const ModelRecord& record, const std::string& model_arg);

// How the vector index is, in words for people (`status`, `index`): the search module keeps
// these states as enums.
std::string DescribeAnn(const search::Searcher::AnnReport& ann);
std::string DescribeIndexHealth(const search::IndexHealth& health);
std::string IndexKind(const search::IndexHealth& health);  // "exact", "hnsw" or "invalid"

// --after/--before/--folder/--camera/--format/--has-gps/--source, --min-score, --auto-cutoff,
// --sort, -n on a subcommand, filled into `options`.
void AddSearchOptions(CLI::App* cmd, search::SearchOptions* options, std::string* sort);
nlohmann::json HitsJson(const std::vector<search::SearchHit>& hits,
                        const std::optional<float>& logit_scale,
                        const std::optional<float>& logit_bias);

}  // namespace shoebox::cli
