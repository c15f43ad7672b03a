// Shared by the commands that embed or query: which model, and the filter options.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "catalog/embedding_store.h"
#include "embedding/embedding_model.h"
#include "engine/hub/model_store.h"
#include "search/query_service.h"
#include "search/searcher.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

using shoebox::kDefaultModel;  // the model `index` embeds with when --model is not given

// The catalog's model for a query (search/query_service.h): the one --model names (loaded
// once to learn its fingerprint), else the latest with vectors.
Result<ModelRecord> QueryModel(Catalog* cat, const std::string& model_arg);

// How the vector index is, in words for people (`status`, `index`): the search module keeps
// these states as enums.
std::string DescribeAnn(const vectors::GraphReport& ann);
std::string DescribeIndexHealth(const vectors::IndexHealth& health);
std::string IndexKind(const vectors::IndexHealth& health);  // "exact", "hnsw" or "invalid"

// --after/--before/--folder/--camera/--format/--has-gps/--source, --min-score, --auto-cutoff,
// --sort, -n on a subcommand, filled into `options`.
void AddSearchOptions(CLI::App* cmd, search::SearchOptions* options, std::string* sort);
nlohmann::json HitsJson(const std::vector<search::SearchHit>& hits);

}  // namespace shoebox::cli
