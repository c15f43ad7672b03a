// Query arithmetic: "beach +sunset -people", "cat 2:dog".
//
// A query is a sum of terms. The first term starts at the beginning; a word starting with
// '+' or '-' starts a new term added or subtracted; a word "W:" prefix (a number and a colon,
// e.g. "2:dog", "0.5:snow") starts a new term with that weight (combinable: "-0.5:rain").
// The query vector is the normalised weighted sum of the terms' normalised embeddings.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox::search {

struct QueryTerm {
  std::string text;
  float weight = 1.0f;  // negative for '-' terms
};

// Errors: an empty query, an empty term ("beach +"), a malformed weight.
Result<std::vector<QueryTerm>> ParseQuery(const std::string& query);

// out = normalise(sum_i weight_i * vectors_i); vectors_i already normalised, each dim long.
// Fails when the sum is (near) zero, e.g. "cat -cat".
Result<std::vector<float>> CombineTerms(const std::vector<std::vector<float>>& vectors,
                                        const std::vector<float>& weights);

}  // namespace shoebox::search
