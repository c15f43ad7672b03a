#include "library/takeout/sidecar.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace shoebox::takeout {
namespace {

using nlohmann::json;

// {"timestamp": "1696573800", ...}: nullopt when absent; an error when malformed.
Result<std::optional<int64_t>> Timestamp(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_object()) return Corrupt(std::string(key) + " is not an object");
  auto ts = it->find("timestamp");
  if (ts == it->end()) return std::optional<int64_t>();
  if (ts->is_number_integer()) return std::optional<int64_t>(ts->get<int64_t>());
  if (!ts->is_string()) return Corrupt(std::string(key) + ".timestamp is not a number");
  const std::string s = ts->get<std::string>();
  if (s.empty() || s.size() > 15 || s.find_first_not_of("-0123456789") != std::string::npos)
    return Corrupt(std::string(key) + ".timestamp is not a number: \"" + s + "\"");
  return std::optional<int64_t>(std::stoll(s));
}

bool Place(const json& j, const char* key, Sidecar* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return false;
  auto num = [&](const char* k) -> std::optional<double> {
    auto v = it->find(k);
    if (v == it->end() || !v->is_number()) return std::nullopt;
    return v->get<double>();
  };
  auto lat = num("latitude"), lon = num("longitude");
  if (!lat || !lon || (*lat == 0.0 && *lon == 0.0)) return false;
  if (*lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) return false;
  out->lat = lat;
  out->lon = lon;
  out->alt = num("altitude");
  return true;
}

// How deeply arrays and objects nest (strings skipped): Google's sidecars are 3 deep; a
// hostile one 100,000 deep is refused before a parser recurses into it.
int NestingDepth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

Result<json> Parse(const std::string& text) {
  constexpr int kMaxDepth = 64;
  if (const int d = NestingDepth(text); d > kMaxDepth)
    return Corrupt("nested " + std::to_string(d) + " levels deep, over the limit of " +
                   std::to_string(kMaxDepth) + " (a Takeout sidecar is 3): not read");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Corrupt("not JSON");
  if (!j.is_object()) return Corrupt("not a JSON object");
  return j;
}

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Flag(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

Result<Sidecar> ParseSidecar(const std::string& text) {
  auto j = Parse(text);
  if (!j.ok()) return j.status();
  Sidecar s;
  s.title = Text(*j, "title");
  s.description = Text(*j, "description");
  auto taken = Timestamp(*j, "photoTakenTime");
  if (!taken.ok()) return taken.status();
  s.taken_utc = *taken;
  auto created = Timestamp(*j, "creationTime");
  if (!created.ok()) return created.status();
  s.created_utc = *created;
  if (!Place(*j, "geoData", &s)) Place(*j, "geoDataExif", &s);
  s.favorited = Flag(*j, "favorited");
  s.trashed = Flag(*j, "trashed");
  s.archived = Flag(*j, "archived");
  // "people": [{"name": "..."}]: who Google Photos' face groups the user named are in it.
  if (auto people = j->find("people"); people != j->end() && people->is_array())
    for (const auto& p : *people)
      if (p.is_object() && s.people.size() < 1000)
        if (std::string name = Text(p, "name"); !name.empty()) s.people.push_back(name);
  return s;
}

Result<AlbumMetadata> ParseAlbumMetadata(const std::string& text) {
  auto j = Parse(text);
  if (!j.ok()) return j.status();
  // Older exports nest it: {"albumData": {"title": ...}}.
  const json& a =
      j->contains("albumData") && (*j)["albumData"].is_object() ? (*j)["albumData"] : *j;
  return AlbumMetadata{Text(a, "title"), Text(a, "description")};
}

}  // namespace shoebox::takeout
