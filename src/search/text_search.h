// Searching by words, and one ranked list from words and meaning (`search --mode`).
//
// A query is read two ways. The full-text index (catalog/text_store.h) looks for its words
// in the photos' OCR text, library titles, keywords, albums and names: every word must be
// there (each may begin a longer word: "unse" finds "UNSEE"), "quoted phrases" in order, and
// "-word" excluded; accents and case never matter. The semantic side embeds the query as
// query.h says. Hybrid ranks both lists together by reciprocal-rank fusion (score = sum of
// weight / (60 + rank)) with a text match of every word weighing twice a semantic rank, so
// that the photo whose words say the query comes first and the photos that look like it
// follow; when no word matches in full, photos with some of the words rank at a quarter of
// that. Each hit says why it was found (SearchHit::match, SearchHit::words).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "search/searcher.h"

namespace shoebox::search {

enum class SearchMode { kHybrid, kText, kSemantic };
// "hybrid", "text", "semantic"; kInvalidArgument otherwise.
Result<SearchMode> ParseSearchMode(std::string_view name);
const char* SearchModeName(SearchMode mode);

// The query as the full-text index reads it: quoted phrases whole, each other word a term
// that may begin a longer word, '-' words and phrases excluded; '+' and weights ("2:dog")
// ignored. kInvalidArgument when nothing is left to look for ("-people", "\"\"").
Result<TextQuery> ParseTextQuery(const std::string& query);

// Photos whose words match, best first (match = {"text"}, words = the query's words found,
// score 0): every word, else (two words or more) any of them. Filters as for SearchOptions;
// min_score and auto_cutoff are semantic and ignored here; sort_by_date applies.
Result<std::vector<SearchHit>> SearchByText(Catalog& catalog, const std::string& query,
                                            const SearchOptions& options);

// The semantic half of a hybrid query: ranks the catalog's photos by the query's meaning with
// these options (their n already raised for fusion).
using SemanticSearch = std::function<Result<std::vector<SearchHit>>(const SearchOptions&)>;

// The query by the mode: text alone, semantic alone (semantic must be set), or both fused
// (semantic null: text alone; the caller says why to the user). Hits are at most options.n;
// sort_by_date applies to the fused list.
Result<std::vector<SearchHit>> RunSearch(Catalog& catalog, const std::string& query,
                                         SearchMode mode, const SearchOptions& options,
                                         const SemanticSearch& semantic);

}  // namespace shoebox::search
