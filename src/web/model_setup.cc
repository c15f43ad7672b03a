#include "web/model_setup.h"

#include <chrono>

#include "catalog/catalog.h"
#include "engine/hub/model_store.h"
#include "pipeline/index_job.h"

namespace shoebox::web {
namespace {

const KnownModel* FindKnown(const std::string& name) {
  for (const auto& m : KnownModels())
    if (name == m.name) return &m;
  return nullptr;
}

}  // namespace

ModelSetup::ModelSetup(std::filesystem::path catalog, ModelLoadOptions load)
    : catalog_(std::move(catalog)), load_(load) {}

ModelSetup::~ModelSetup() {
  stop_ = true;
  if (worker_.joinable()) worker_.join();
}

Result<nlohmann::json> ModelSetup::Start(const std::string& model) {
  const KnownModel* known = FindKnown(model);
  if (!known) {
    std::string names;
    for (const auto& m : KnownModels()) names += std::string(names.empty() ? "" : ", ") + m.name;
    return InvalidArgument("unknown model '" + model + "'; the page can get " + names +
                           " (any other Hub repo: `shoebox models pull REPO` in a terminal)");
  }
  {
    std::lock_guard lock(mu_);
    const bool running = state_ == "downloading" || state_ == "embedding";
    if (running && model_ != model)
      return Busy("the page is already getting " + model_ + "; wait for it to finish");
    if (!running) {
      if (worker_.joinable()) worker_.join();  // finished: nothing to wait for
      state_ = "downloading";
      model_ = model;
      repo_ = known->repo;
      error_.clear();
      done_ = total_ = 0;
      worker_ = std::thread(&ModelSetup::Run, this, model_, repo_);
    }
  }
  return Snapshot();
}

void ModelSetup::Set(const char* state, const std::string& error) {
  std::lock_guard lock(mu_);
  state_ = state;
  error_ = error;
}

void ModelSetup::Run(std::string model, std::string repo) {
  if (!IsDownloaded(repo)) {
    PullOptions pull;
    pull.show_progress = false;
    pull.on_progress = [this](uint64_t done, uint64_t total) {
      std::lock_guard lock(mu_);
      done_ = done;
      total_ = total;
      return !stop_.load();
    };
    auto dir = PullModel(repo, pull);
    if (!dir.ok()) return Set("failed", dir.status().message());
  }
  Set("embedding");
  auto loaded = LoadIndexModel(model, load_);
  if (!loaded.ok()) return Set("failed", loaded.status().message());
  // An index or watcher beside us holds the lock for a batch at a time: wait for a turn.
  std::unique_ptr<WriterLock> lock;
  while (!lock) {
    if (stop_) return Set("failed", "the server stopped; start the download again");
    auto l = WriterLock::Acquire(catalog_, false);
    if (l.ok())
      lock = std::move(*l);
    else if (l.status().code() != StatusCode::kBusy)
      return Set("failed", l.status().message());
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  auto cat = Catalog::Open(catalog_, false);
  if (!cat.ok()) return Set("failed", cat.status().message());
  auto embedded = EmbedAndKeepIndexCurrent(cat->get(), loaded->model.get(), loaded->location, false,
                                           nullptr, &stop_);
  if (!embedded.ok()) return Set("failed", embedded.status().message());
  Set("done");
}

nlohmann::json ModelSetup::Snapshot() const {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : KnownModels())
    models.push_back({{"name", m.name},
                      {"repo", m.repo},
                      {"note", m.note},
                      {"downloaded", IsDownloaded(m.repo)}});
  std::lock_guard lock(mu_);
  nlohmann::json j = {{"state", state_}, {"models", models}};
  if (!model_.empty()) {
    j["model"] = model_;
    j["repo"] = repo_;
    j["done"] = done_;
    j["total"] = total_;
  }
  if (!error_.empty()) j["error"] = error_;
  return j;
}

}  // namespace shoebox::web
