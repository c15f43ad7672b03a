#include "vectors/index_recipe.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace shoebox::vectors {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string IndexRecipe::ToString() const {
  switch (kind) {
    case Kind::kFlat:
      return "flat";
    case Kind::kHnsw:
      return "hnsw,M=" + std::to_string(hnsw.m) + ",efc=" + std::to_string(hnsw.ef_construction) +
             ",ef=" + std::to_string(hnsw.ef_search);
    case Kind::kAuto:
      break;
  }
  return threshold == kDefaultAnnThreshold ? "auto" : "auto,threshold=" + std::to_string(threshold);
}

Result<IndexRecipe> ParseIndexRecipe(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    parts.push_back(Trim(text.substr(start, comma - start)));
    start = comma + 1;
  }
  const std::string quoted = "index recipe '" + std::string(text) + "'";
  IndexRecipe r;
  const std::string kind = Lower(parts[0]);
  if (kind == "auto")
    r.kind = IndexRecipe::Kind::kAuto;
  else if (kind == "flat")
    r.kind = IndexRecipe::Kind::kFlat;
  else if (kind == "hnsw")
    r.kind = IndexRecipe::Kind::kHnsw;
  else
    return InvalidArgument(quoted + ": starts with '" + parts[0] +
                           "', expected auto, flat or hnsw");
  for (size_t i = 1; i < parts.size(); ++i) {
    const size_t eq = parts[i].find('=');
    const std::string key =
        Lower(parts[i].substr(0, eq == std::string::npos ? parts[i].size() : eq));
    if (eq == std::string::npos)
      return InvalidArgument(quoted + ": '" + parts[i] + "' is not key=value");
    const std::string value = parts[i].substr(eq + 1);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || v <= 0)
      return InvalidArgument(quoted + ": " + key + " must be a positive whole number, not '" +
                             value + "'");
    const bool hnsw = r.kind == IndexRecipe::Kind::kHnsw;
    if (key == "threshold" && r.kind == IndexRecipe::Kind::kAuto)
      r.threshold = v;
    else if (key == "m" && hnsw && v >= 2 && v <= 256)
      r.hnsw.m = static_cast<int>(v);
    else if (key == "efc" && hnsw && v <= 100000)
      r.hnsw.ef_construction = static_cast<int>(v);
    else if (key == "ef" && hnsw && v <= 100000)
      r.hnsw.ef_search = static_cast<int>(v);
    else if (key == "m" && hnsw)
      return InvalidArgument(quoted + ": M must be between 2 and 256");
    else
      return InvalidArgument(quoted + ": '" + key + "' is not a setting of " + kind);
  }
  return r;
}

}  // namespace shoebox::vectors
