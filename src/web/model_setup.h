// Getting a model from the page: a first-run user clicks "Download" and, without a terminal,
// ends with search by meaning. One job at a time, on its own thread:
//   1. "downloading": the model store's pull (engine/hub/model_store.h: resumable, verified,
//      the folder appears only when complete), with bytes done of the total;
//   2. "embedding": the model loaded (shared with the query service of this process) and every
//      catalogued photo without a vector embedded, as `shoebox embed-missing` does; the
//      catalog's writer lock is waited for, so an `index` or a watcher running beside it finishes
//      its batch first. The service's refresh finds the vectors and loads the model for queries;
//   3. "done", or "failed" with the reason (the next Start resumes a download where it stopped).
// Only the short names of KnownModels() are accepted: a page cannot make the server fetch an
// arbitrary repo. Destroying it cancels the job (what was committed stays) and joins it.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "base/status.h"
#include "embedding/embedding_model.h"

namespace shoebox::web {

class ModelSetup {
 public:
  ModelSetup(std::filesystem::path catalog, ModelLoadOptions load);
  ~ModelSetup();

  // Starts getting `model` (a short name). kInvalidArgument for an unknown name (the message
  // lists the known ones); kBusy while another model's job runs. Starting the model that is
  // already being fetched, or again after it failed, is fine. Returns Snapshot().
  Result<nlohmann::json> Start(const std::string& model);

  // {"state": "idle"|"downloading"|"embedding"|"done"|"failed", "model", "repo", "done",
  //  "total" (bytes), "error"}; and "models": [{"name", "repo", "note", "downloaded"}].
  nlohmann::json Snapshot() const;

 private:
  void Run(std::string model, std::string repo);
  void Set(const char* state, const std::string& error = "");

  const std::filesystem::path catalog_;
  const ModelLoadOptions load_;
  mutable std::mutex mu_;
  std::string state_ = "idle", model_, repo_, error_;
  uint64_t done_ = 0, total_ = 0;
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

}  // namespace shoebox::web
