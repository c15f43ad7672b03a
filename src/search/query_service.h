// What every front end does before and after a search, in one place: which of the catalog's
// models answers, loading its network (checked to be the one its vectors were made with),
// turning a text query ("beach +sunset -people", query.h) into one vector, and each hit's
// probability where the model's family has one (SigLIP). The CLI and the web service only
// parse their input and format these results.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "embedding/embedding_model.h"
#include "search/searcher.h"

namespace shoebox::search {

// The catalog's model for a query: the one with this fingerprint (it must have vectors here;
// named_as is how the user named it, for the error), else the most recently used model with
// vectors. kNotFound with the command that fixes it otherwise.
Result<ModelRecord> ChooseQueryModel(Catalog* catalog,
                                     const std::optional<std::string>& fingerprint = std::nullopt,
                                     const std::string& named_as = "");

// The model new photos should be embedded with when none is named: the catalog's most recently
// used one (so a watcher keeps adding to the vectors queries use), when it is still on this
// machine (a folder that exists, or a downloaded Hub model); else "" (the default model).
std::string CatalogModelLocation(const std::filesystem::path& catalog);

// kCorrupt when model is not the one the record's vectors were made with (its files changed).
Status CheckMadeTheVectors(const EmbeddingModel& model, const ModelRecord& record);

// The network of a catalog model, from name_or_dir when given, else from where the record says
// it was loaded; checked by CheckMadeTheVectors. Shared with an index job or watcher of this
// process that loads the same model (EmbeddingModel::LoadShared).
Result<std::shared_ptr<EmbeddingModel>> LoadQueryNetwork(const ModelRecord& record,
                                                         const std::string& name_or_dir,
                                                         const ModelLoadOptions& options);

// A text query's vector: its terms embedded by embed_texts (one batch), plus extra vectors (a
// photo's, for "like this photo, and sunnier") at weight 1, combined and normalised (query.h).
Result<std::vector<float>> TextQueryVector(
    const std::string& query,
    const std::function<Result<std::vector<std::vector<float>>>(const std::vector<std::string>&)>&
        embed_texts,
    const std::vector<std::vector<float>>& extra = {});

// Sets each hit's probability from the model's family (left unset where it has none).
void AddProbabilities(const EmbeddingModel& model, std::vector<SearchHit>* hits);

}  // namespace shoebox::search
