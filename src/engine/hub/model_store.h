// Models on disk and their download from the Hugging Face Hub.
//
// Layout: $XDG_CACHE_HOME/shoebox/models/<org>--<name>/ holds a repo's files exactly as the
// Hub serves them. A pull downloads into "<dir>.partial/" (each file as "<file>.part",
// resumable with HTTP Range), verifies every file's size and hash against what the Hub's API
// reports (sha256 for LFS files, the git blob sha1 for the rest), then renames the folder
// into place, so a model folder is either complete or absent.
//
// Endpoint: $SHOEBOX_HF_ENDPOINT, default https://huggingface.co. Token (gated repos):
// $HF_TOKEN. Thread-safety: none needed; one pull at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace shoebox {

struct KnownModel {
  const char* name;  // short name: "clip-vit-b32"
  const char* repo;  // Hub repo id: "openai/clip-vit-base-patch32"
  const char* note;
};
const std::vector<KnownModel>& KnownModels();
constexpr const char* kDefaultModel = "siglip-b16-256-i18n";

// A short name's repo, or the argument itself (a repo id) when it is not a short name.
std::string ResolveRepo(const std::string& name_or_repo);
// Where a repo lives in the cache, downloaded or not.
std::filesystem::path ModelDir(const std::string& repo);
bool IsDownloaded(const std::string& repo);

struct HubFile {
  std::string name;
  uint64_t size = 0;
  std::optional<std::string> sha256;    // LFS files
  std::optional<std::string> git_sha1;  // the blob id, for small files
};

struct PullOptions {
  std::string endpoint;  // empty: $SHOEBOX_HF_ENDPOINT or https://huggingface.co
  std::string token;     // empty: $HF_TOKEN
  bool show_progress = true;
  int retries = 3;  // per file, each resuming where the last attempt stopped
  // Told the bytes done of the total a few times a second (a progress bar in the desktop app);
  // returning false stops the download with kCancelled, and the next pull resumes from there.
  std::function<bool(uint64_t done, uint64_t total)> on_progress;
};

// The model files' total size in bytes (what a pull would download, before it starts).
Result<uint64_t> ModelDownloadSize(const std::string& repo, const PullOptions& options);

// The files of the repo's main revision (GET /api/models/<repo>/revision/main?blobs=true).
Result<std::vector<HubFile>> ListHubFiles(const std::string& repo, const PullOptions& options);
// The ones a model needs: configs, tokenizer, and one weights format (safetensors, then
// sharded safetensors, then pytorch_model.bin).
Result<std::vector<HubFile>> SelectModelFiles(const std::vector<HubFile>& files,
                                              const std::string& repo);
// Downloads repo into ModelDir(repo). Returns that folder.
Result<std::filesystem::path> PullModel(const std::string& repo, const PullOptions& options);

}  // namespace shoebox
