#include "tools/cli/search_common.h"

#include <cmath>
#include <cstdio>

namespace shoebox::cli {

std::string DescribeAnn(const vectors::GraphReport& a) {
  using S = vectors::GraphState;
  std::string text;
  switch (a.state) {
    case S::kNone:
      text = "none";
      break;
    case S::kFresh:
      text = "fresh";
      break;
    case S::kUpdated:
      text = "updated (+" + std::to_string(a.added) + " -" + std::to_string(a.removed) + ")";
      break;
    case S::kRebuilt:
      text = "rebuilt";
      break;
    case S::kStale:
      text = "stale";
      break;
  }
  if (!a.damage.empty()) text += " (the saved graph was damaged: " + a.damage + ")";
  return text;
}

std::string IndexKind(const vectors::IndexHealth& h) {
  using G = vectors::GraphHealth;
  switch (h.graph) {
    case G::kExact:
      return "exact";
    case G::kInvalidRecipe:
      return "invalid";
    default:
      return "hnsw";
  }
}

std::string DescribeIndexHealth(const vectors::IndexHealth& h) {
  using G = vectors::GraphHealth;
  std::string text;
  switch (h.graph) {
    case G::kExact:
      text = "exact";
      break;
    case G::kFresh:
      text = "hnsw (fresh)";
      break;
    case G::kStale:
      text =
          "hnsw (stale: updated by the next `index` or `shoebox reindex`; exact scans meanwhile)";
      break;
    case G::kNotBuilt:
      text =
          "hnsw (not built yet: the next `index` or `shoebox reindex` builds it; exact scans "
          "meanwhile)";
      break;
    case G::kDamaged:
      return "hnsw (damaged, not used: " + h.damage +
             "; `shoebox reindex` or the next `index` rebuilds it; exact scans meanwhile)";
    case G::kInvalidRecipe:
      return "invalid: " + h.damage + " (set another with `shoebox reindex --recipe`)";
  }
  if (!h.damage.empty())
    text += " (vector file damaged, not used: " + h.damage + "; the next `index` rewrites it)";
  return text;
}

Result<ModelRecord> QueryModel(Catalog* cat, const std::string& model_arg) {
  if (model_arg.empty()) return search::ChooseQueryModel(cat);
  auto m = EmbeddingModel::Load(model_arg);
  if (!m.ok()) return m.status();
  return search::ChooseQueryModel(cat, (*m)->fingerprint(), model_arg);
}

void AddSearchOptions(CLI::App* cmd, search::SearchOptions* o, std::string* sort) {
  cmd->add_option("-n,--limit", o->n, "Results to return")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--min-score", o->min_score, "Drop hits below this cosine similarity");
  cmd->add_flag("--auto-cutoff", o->auto_cutoff, "Keep only hits that stand out from the library");
  cmd->add_option("--sort", *sort, "Order of the hits kept: score or date")
      ->check(CLI::IsMember({"score", "date"}))
      ->capture_default_str();
  cmd->add_option("--after", o->filter.after, "Taken on or after this date (YYYY[-MM[-DD]])");
  cmd->add_option("--before", o->filter.before, "Taken before this date");
  cmd->add_option("--folder", o->filter.folder, "Only photos in this folder or below");
  cmd->add_option("--camera", o->filter.camera, "Camera make or model contains this");
  cmd->add_option("--format", o->filter.format, "File format (jpeg, png, heif, ...)");
  cmd->add_option("--source", o->filter.source, "Only photos of this indexed root");
  cmd->add_flag("--has-gps", o->filter.has_gps, "Only photos with a location");
  cmd->add_option("--album", o->filter.album,
                  "Only photos in this album or collection (library imports)");
  cmd->add_option("--keyword", o->filter.keyword, "Only photos with this keyword");
  cmd->add_option("--person", o->filter.person,
                  "Only photos of this person (named in a library or XMP; see `shoebox people`)");
  cmd->add_option("--min-rating", o->filter.min_rating, "Only photos rated at least this (0-5)")
      ->check(CLI::Range(0, 5));
  cmd->add_flag("--favorite", o->filter.favorite, "Only photos marked favourite in their library");
  cmd->add_flag("--include-trashed", o->filter.include_trashed, "Also photos in a library's trash");
  cmd->add_flag("--include-hidden", o->filter.include_hidden,
                "Also photos a library hides (Apple Photos' Hidden album)");
}

nlohmann::json HitsJson(const std::vector<search::SearchHit>& hits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hits) {
    nlohmann::json j = {
        {"id", h.id}, {"path", h.path}, {"score", h.scored() ? nlohmann::json(h.score) : nullptr}};
    if (h.taken_at) j["taken_at"] = *h.taken_at;
    if (h.at) j["at"] = *h.at;
    if (h.duration) j["duration"] = *h.duration;
    if (h.probability) j["probability"] = *h.probability;
    if (!h.match.empty()) j["match"] = h.match;
    if (!h.words.empty()) j["words"] = h.words;
    out.push_back(j);
  }
  return out;
}

}  // namespace shoebox::cli
