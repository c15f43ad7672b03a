#include "search/query.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace shoebox::search {
namespace {

// "2:dog" -> weight 2, rest "dog". Returns false when the word has no weight prefix.
bool SplitWeight(const std::string& word, float* weight, std::string* rest, Status* error) {
  const size_t colon = word.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i)
    if (!std::isdigit(static_cast<unsigned char>(word[i])) && word[i] != '.') return false;
  char* end = nullptr;
  const std::string number = word.substr(0, colon);
  const double w = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(w)) {
    *error = InvalidArgument("bad weight '" + number + "' in query");
    return false;
  }
  *weight = static_cast<float>(w);
  *rest = word.substr(colon + 1);
  return true;
}

}  // namespace

Result<std::vector<QueryTerm>> ParseQuery(const std::string& query) {
  std::vector<QueryTerm> terms;
  std::istringstream in(query);
  std::string word;
  bool open = false;  // a term was started and may take more words
  while (in >> word) {
    float sign = 1.0f;
    bool starts = !open;
    if (word[0] == '+' || word[0] == '-') {
      sign = word[0] == '-' ? -1.0f : 1.0f;
      word = word.substr(1);
      starts = true;
    }
    float weight = 1.0f;
    std::string rest;
    Status error;
    if (SplitWeight(word, &weight, &rest, &error)) {
      word = rest;
      starts = true;
    } else if (!error.ok()) {
      return error;
    }
    if (starts) {
      if (open && terms.back().text.empty())
        return InvalidArgument("empty term in query '" + query + "'");
      terms.push_back({word, sign * weight});
      open = true;
    } else {
      terms.back().text += (terms.back().text.empty() ? "" : " ") + word;
    }
  }
  if (terms.empty()) return InvalidArgument("empty query");
  for (const auto& t : terms)
    if (t.text.empty()) return InvalidArgument("empty term in query '" + query + "'");
  return terms;
}

Result<std::vector<float>> CombineTerms(const std::vector<std::vector<float>>& vectors,
                                        const std::vector<float>& weights) {
  if (vectors.empty() || vectors.size() != weights.size())
    return InvalidArgument("no query vectors");
  std::vector<float> sum(vectors[0].size(), 0.0f);
  for (size_t t = 0; t < vectors.size(); ++t) {
    if (vectors[t].size() != sum.size())
      return InvalidArgument("query vectors of different lengths");
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += weights[t] * vectors[t][i];
  }
  double norm = 0;
  for (float v : sum) norm += double(v) * v;
  norm = std::sqrt(norm);
  if (norm < 1e-6) return InvalidArgument("the query's terms cancel out");
  for (float& v : sum) v = static_cast<float>(v / norm);
  return sum;
}

}  // namespace shoebox::search
