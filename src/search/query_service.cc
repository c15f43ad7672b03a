#include "search/query_service.h"

#include "engine/hub/model_store.h"
#include "search/query.h"

namespace shoebox::search {

Result<ModelRecord> ChooseQueryModel(Catalog* catalog,
                                     const std::optional<std::string>& fingerprint,
                                     const std::string& named_as) {
  EmbeddingStore store = catalog->Embeddings();
  auto models = store.Models();  // most recently used first
  if (!models.ok()) return models.status();
  for (const auto& r : *models) {
    if (fingerprint && r.fingerprint != *fingerprint) continue;
    auto c = store.Coverage(r.id);
    if (!c.ok()) return c.status();
    if (c->embedded > 0) return r;
  }
  if (fingerprint) {
    const std::string name = named_as.empty() ? "that model" : named_as;
    return NotFound("the catalog has no vectors made with " + name +
                    ": run `shoebox index --model " + name +
                    " FOLDER` (or `shoebox embed-missing "
                    "--model " +
                    name + "`) first");
  }
  return NotFound(
      "the catalog has no embeddings yet: run `shoebox index --model NAME FOLDER` (see `shoebox "
      "models list`)");
}

Status CheckMadeTheVectors(const EmbeddingModel& model, const ModelRecord& record) {
  if (model.fingerprint() == record.fingerprint) return Status::Ok();
  return Corrupt("the model at " + record.location +
                 " has changed since the catalog's vectors were made with it; re-run `shoebox "
                 "index` to embed again");
}

Result<std::shared_ptr<EmbeddingModel>> LoadQueryNetwork(const ModelRecord& record,
                                                         const std::string& name_or_dir,
                                                         const ModelLoadOptions& options) {
  auto m = EmbeddingModel::LoadShared(name_or_dir.empty() ? record.location : name_or_dir, options);
  if (!m.ok()) return m.status();
  SHOEBOX_RETURN_IF_ERROR(CheckMadeTheVectors(**m, record));
  return m;
}

Result<std::vector<float>> TextQueryVector(
    const std::string& query,
    const std::function<Result<std::vector<std::vector<float>>>(const std::vector<std::string>&)>&
        embed_texts,
    const std::vector<std::vector<float>>& extra) {
  auto terms = ParseQuery(query);
  if (!terms.ok()) return terms.status();
  std::vector<std::string> texts;
  std::vector<float> weights;
  for (const auto& t : *terms) {
    texts.push_back(t.text);
    weights.push_back(t.weight);
  }
  auto embedded = embed_texts(texts);
  if (!embedded.ok()) return embedded.status();
  std::vector<std::vector<float>> vectors = std::move(*embedded);
  for (const auto& v : extra) {
    vectors.push_back(v);
    weights.push_back(1.0f);
  }
  return CombineTerms(vectors, weights);
}

void AddProbabilities(const EmbeddingModel& model, std::vector<SearchHit>* hits) {
  for (SearchHit& h : *hits) h.probability = model.MatchProbability(h.score);
}

std::string CatalogModelLocation(const std::filesystem::path& catalog) {
  auto cat = Catalog::Open(catalog, false);
  if (!cat.ok()) return {};
  auto rec = ChooseQueryModel(cat->get());
  if (!rec.ok() || rec->location.empty()) return {};
  std::error_code ec;
  if (std::filesystem::is_directory(rec->location, ec)) return rec->location;
  if (rec->location[0] != '/' && IsDownloaded(ResolveRepo(rec->location))) return rec->location;
  return {};
}

}  // namespace shoebox::search
