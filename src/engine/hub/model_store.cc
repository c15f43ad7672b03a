#include "engine/hub/model_store.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/progress.h"
#include "base/xdg_dirs.h"

namespace shoebox {
namespace {

std::string Endpoint(const PullOptions& o) {
  if (!o.endpoint.empty()) return o.endpoint;
  const char* e = std::getenv("SHOEBOX_HF_ENDPOINT");
  return e && *e ? e : "https://huggingface.co";
}

std::string Token(const PullOptions& o) {
  if (!o.token.empty()) return o.token;
  const char* t = std::getenv("HF_TOKEN");
  return t ? t : "";
}

void InitCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Response {
  long status = 0;
  std::string body;
  CURLcode code = CURLE_OK;
  std::string error;
};

size_t AppendBody(char* p, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(p, size * n);
  return size * n;
}

// A GET with what every request to the hub carries: redirects (the Hub sends files from a
// CDN), the token, a user agent, a connect timeout and an error buffer.
struct Request {
  CURL* c = nullptr;
  curl_slist* headers = nullptr;
  char err[CURL_ERROR_SIZE] = "";
  Request(const std::string& url, const PullOptions& o) {
    InitCurl();
    c = curl_easy_init();
    std::string token = Token(o);
    if (!token.empty())
      headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "shoebox/0.1");
  }
  ~Request() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
  }
  std::string Error(CURLcode code) const { return err[0] ? err : curl_easy_strerror(code); }
};

Response Get(const std::string& url, const PullOptions& o) {
  Response r;
  Request req(url, o);
  CURL* c = req.c;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  r.code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  r.error = req.Error(r.code);
  return r;
}

Status HttpFailure(const Response& r, const std::string& what, const std::string& repo) {
  if (r.code != CURLE_OK)
    return IoError("cannot reach the model hub for " + what + ": " + r.error +
                   ". Offline? Put the model's files (config.json, model.safetensors, "
                   "preprocessor_config.json, tokenizer files) in " +
                   ModelDir(repo).string());
  if (r.status == 401 || r.status == 403)
    return Status(StatusCode::kInvalidArgument,
                  repo + " is gated or private (HTTP " + std::to_string(r.status) +
                      "): accept its terms on the Hub and set HF_TOKEN to an access token");
  if (r.status == 404)
    return NotFound("no model " + repo + " on the hub (HTTP 404 for " + what + ")");
  return IoError("the hub answered HTTP " + std::to_string(r.status) + " for " + what);
}

// Hex digest of a file with the given OpenSSL digest; prefix is hashed first (git blobs).
std::string FileDigest(const std::filesystem::path& path, const EVP_MD* md,
                       const std::string& prefix) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, prefix.data(), prefix.size());
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, out, &n);
  EVP_MD_CTX_free(ctx);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return hex;
}

struct Download {
  FILE* out;
  Progress* progress;
  uint64_t base;
  const PullOptions* options;
};

size_t WriteFile(char* p, size_t size, size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  return std::fwrite(p, size, n, d->out) * size;
}

int OnProgress(void* user, curl_off_t, curl_off_t now, curl_off_t, curl_off_t) {
  auto* d = static_cast<Download*>(user);
  if (d->progress) d->progress->Update(d->base + static_cast<uint64_t>(now));
  if (d->options->on_progress && d->progress &&
      !d->options->on_progress(d->base + static_cast<uint64_t>(now), d->progress->total()))
    return 1;  // curl stops with CURLE_ABORTED_BY_CALLBACK
  return 0;
}

// One attempt: appends to part from its current size (HTTP Range).
Status FetchOnce(const std::string& repo, const std::string& url, const std::filesystem::path& part,
                 const HubFile& f, const PullOptions& o, Progress* progress, uint64_t done_before) {
  std::error_code ec;
  uint64_t have = std::filesystem::exists(part, ec) ? std::filesystem::file_size(part, ec) : 0;
  if (have > f.size) {
    std::filesystem::remove(part, ec);
    have = 0;
  }
  if (have == f.size && f.size > 0) return Status::Ok();
  FILE* out = std::fopen(part.c_str(), have ? "ab" : "wb");
  if (!out) return IoError("cannot write " + part.string());
  Download d{out, progress, done_before + have, &o};
  Request req(url, o);
  CURL* c = req.c;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteFile);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &d);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT,
                   1L);  // a stalled transfer is an error, then a resume
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  if (have) curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(have));
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  bool write_ok = std::fclose(out) == 0;
  if (!write_ok)
    return Status(StatusCode::kDiskFull,
                  "cannot finish writing " + part.string() + " (disk full?)");
  if (rc == CURLE_ABORTED_BY_CALLBACK)
    return Cancelled("the download of " + repo +
                     " was cancelled; pulling it again resumes where it stopped");
  if (rc != CURLE_OK) {
    Response r;
    r.code = status >= 400 ? CURLE_OK : rc;
    r.status = status;
    r.error = req.Error(rc);
    if (status >= 400) return HttpFailure(r, f.name, repo);
    return IoError("download of " + f.name + " interrupted: " + r.error);
  }
  return Status::Ok();
}

}  // namespace

const std::vector<KnownModel>& KnownModels() {
  static const std::vector<KnownModel> kModels = {
      {"siglip-b16-256-i18n", "google/siglip-base-patch16-256-multilingual",
       "default; multilingual (Spanish, ...)"},
      {"siglip-b16-224", "google/siglip-base-patch16-224", "SigLIP base, English"},
      {"siglip-so400m", "google/siglip-so400m-patch14-384", "larger, slower, better"},
      {"clip-vit-b32", "openai/clip-vit-base-patch32", "the fast choice"},
      {"clip-vit-b16", "openai/clip-vit-base-patch16", "CLIP base, finer patches"},
      {"clip-vit-l14", "openai/clip-vit-large-patch14", "CLIP large"},
      {"clip-vit-b32-laion", "laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "LAION-2B trained ViT-B/32"},
  };
  return kModels;
}

std::string ResolveRepo(const std::string& name) {
  for (const auto& m : KnownModels())
    if (name == m.name) return m.repo;
  return name;
}

std::filesystem::path ModelDir(const std::string& repo) {
  std::string flat;
  for (char ch : repo) flat += ch == '/' ? std::string("--") : std::string(1, ch);
  return CacheDir() / "models" / flat;
}

bool IsDownloaded(const std::string& repo) {
  std::error_code ec;
  return std::filesystem::exists(ModelDir(repo) / "config.json", ec);
}

Result<std::vector<HubFile>> ListHubFiles(const std::string& repo, const PullOptions& o) {
  if (repo.empty() || repo.find("..") != std::string::npos || repo.front() == '/' ||
      repo.find_first_of(" ?#\\") != std::string::npos)
    return InvalidArgument("'" + repo + "' is not a model name or a Hub repo id (org/name)");
  Response r = Get(Endpoint(o) + "/api/models/" + repo + "/revision/main?blobs=true", o);
  if (r.code != CURLE_OK || r.status != 200) return HttpFailure(r, "the file list", repo);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.contains("siblings") || !j["siblings"].is_array())
    return Corrupt("the hub's file list for " + repo + " is not what the Hub API returns");
  std::vector<HubFile> files;
  for (const auto& s : j["siblings"]) {
    if (!s.is_object() || !s.contains("rfilename") || !s["rfilename"].is_string()) continue;
    HubFile f;
    f.name = s["rfilename"].get<std::string>();
    if (s.contains("size") && s["size"].is_number_unsigned()) f.size = s["size"].get<uint64_t>();
    if (s.contains("blobId") && s["blobId"].is_string())
      f.git_sha1 = s["blobId"].get<std::string>();
    if (s.contains("lfs") && s["lfs"].is_object()) {
      const auto& l = s["lfs"];
      if (l.contains("sha256") && l["sha256"].is_string())
        f.sha256 = l["sha256"].get<std::string>();
      if (l.contains("size") && l["size"].is_number_unsigned()) f.size = l["size"].get<uint64_t>();
    }
    files.push_back(f);
  }
  return files;
}

Result<std::vector<HubFile>> SelectModelFiles(const std::vector<HubFile>& files,
                                              const std::string& repo) {
  auto has = [&](const std::string& n) {
    for (const auto& f : files)
      if (f.name == n) return true;
    return false;
  };
  std::vector<std::string> wanted = {"config.json",
                                     "preprocessor_config.json",
                                     "tokenizer_config.json",
                                     "special_tokens_map.json",
                                     "vocab.json",
                                     "merges.txt",
                                     "spiece.model",
                                     "tokenizer.model"};
  std::vector<HubFile> out;
  for (const auto& f : files) {
    bool take = std::find(wanted.begin(), wanted.end(), f.name) != wanted.end();
    if (has("model.safetensors"))
      take |= f.name == "model.safetensors";
    else if (has("model.safetensors.index.json"))
      take |= f.name == "model.safetensors.index.json" ||
              (f.name.rfind("model-", 0) == 0 && f.name.ends_with(".safetensors"));
    else
      take |= f.name == "pytorch_model.bin";
    // Only files at the repo's top level: a name never leaves the model folder.
    if (take && f.name.find('/') == std::string::npos && f.name.find("..") == std::string::npos)
      out.push_back(f);
  }
  if (!has("config.json")) return NotFound(repo + " has no config.json: not a transformers model");
  if (!has("model.safetensors") && !has("model.safetensors.index.json") &&
      !has("pytorch_model.bin"))
    return NotFound(repo +
                    " has no weights shoebox can read (model.safetensors or pytorch_model.bin)");
  return out;
}

Result<uint64_t> ModelDownloadSize(const std::string& repo, const PullOptions& o) {
  auto all = ListHubFiles(repo, o);
  if (!all.ok()) return all.status();
  auto files = SelectModelFiles(*all, repo);
  if (!files.ok()) return files.status();
  uint64_t total = 0;
  for (const auto& f : *files) total += f.size;
  return total;
}

Result<std::filesystem::path> PullModel(const std::string& repo, const PullOptions& o) {
  auto all = ListHubFiles(repo, o);
  if (!all.ok()) return all.status();
  auto files = SelectModelFiles(*all, repo);
  if (!files.ok()) return files.status();
  std::filesystem::path dir = ModelDir(repo);
  std::filesystem::path partial = dir;
  partial += ".partial";
  std::error_code ec;
  std::filesystem::create_directories(partial, ec);
  if (ec) return IoError("cannot create " + partial.string() + ": " + ec.message());
  uint64_t total = 0;
  for (const auto& f : *files) total += f.size;
  Progress progress("downloading " + repo, total, stderr, /*bytes=*/true);
  progress.set_enabled(o.show_progress);
  uint64_t done = 0;
  for (const auto& f : *files) {
    std::filesystem::path final_path = partial / f.name, part = partial / (f.name + ".part");
    if (!std::filesystem::exists(final_path, ec)) {
      std::string url = Endpoint(o) + "/" + repo + "/resolve/main/" + f.name;
      Status st;
      for (int attempt = 0; attempt <= o.retries; ++attempt) {
        st = FetchOnce(repo, url, part, f, o, &progress, done);
        if (st.ok() || st.code() != StatusCode::kIoError)
          break;  // only transfer errors are retried
      }
      if (!st.ok())
        return Status(st.code(), st.message().empty()
                                     ? "download failed"
                                     : st.message() + (st.code() == StatusCode::kIoError
                                                           ? " (run the pull again to resume)"
                                                           : ""));
      uint64_t got = std::filesystem::file_size(part, ec);
      if (got != f.size) {
        std::filesystem::remove(part, ec);
        return Corrupt(repo + "/" + f.name + ": downloaded " + std::to_string(got) +
                       " bytes, the hub says " + std::to_string(f.size) +
                       "; removed, run the pull again");
      }
      bool verified = true;
      std::string expected, actual;
      if (f.sha256) {
        expected = *f.sha256;
        actual = FileDigest(part, EVP_sha256(), "");
      } else if (f.git_sha1) {
        expected = *f.git_sha1;
        actual = FileDigest(part, EVP_sha1(), "blob " + std::to_string(got) + std::string(1, '\0'));
      }
      verified = expected == actual;
      if (!verified) {
        std::filesystem::remove(part, ec);
        return Corrupt(repo + "/" + f.name + ": checksum mismatch (expected " + expected +
                       ", got " + actual + "); the damaged file was removed, run the pull again");
      }
      std::filesystem::rename(part, final_path, ec);
      if (ec) return IoError("cannot rename " + part.string() + ": " + ec.message());
    }
    done += f.size;
    progress.Update(done);
  }
  progress.Finish();
  // Swap the complete folder into place.
  std::filesystem::path old = dir;
  old += ".old";
  std::filesystem::remove_all(old, ec);
  if (std::filesystem::exists(dir, ec)) std::filesystem::rename(dir, old, ec);
  std::filesystem::rename(partial, dir, ec);
  if (ec) return IoError("cannot move " + partial.string() + " into place: " + ec.message());
  std::filesystem::remove_all(old, ec);
  return dir;
}

}  // namespace shoebox
