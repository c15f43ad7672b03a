#include "tools/cli/cli_common.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>

#include "base/xdg_dirs.h"

namespace shoebox::cli {

void OnStopSignals(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 2;
    case StatusCode::kBusy:
      return 3;
    case StatusCode::kNotFound:
      return 4;
    default:
      return 1;
  }
}

int Fail(const Status& s) {
  std::fprintf(stderr, "shoebox: %s\n", s.message().c_str());
  return ExitCodeFor(s);
}

std::filesystem::path CatalogPath(const GlobalOptions& g) {
  return g.db.empty() ? DefaultCatalogPath() : std::filesystem::path(g.db);
}

Result<WritableCatalog> OpenCatalogForWriting(const GlobalOptions& g, bool wait) {
  auto lock = WriterLock::Acquire(CatalogPath(g), wait);
  if (!lock.ok()) return lock.status();
  auto cat = OpenCatalog(g, false);
  if (!cat.ok()) return cat.status();
  return WritableCatalog{std::move(*lock), std::move(*cat)};
}

Result<std::unique_ptr<Catalog>> OpenCatalog(const GlobalOptions& g, bool create) {
  return Catalog::Open(CatalogPath(g), create);
}

}  // namespace shoebox::cli

namespace shoebox::cli {

Result<ModelLoadOptions> ModelOptions(const GlobalOptions& g, ModelUse use) {
  ModelLoadOptions o;
  const char* env = std::getenv("SHOEBOX_PRECISION");
  std::string p = !g.precision.empty() ? g.precision : (env && *env) ? env : "";
  if (p.empty()) p = use == ModelUse::kLibrary ? "auto" : "float32";
  if (p == "auto")
    o.auto_precision = true;
  else if (!ops::ParsePrecision(p, &o.precision))
    return InvalidArgument("SHOEBOX_PRECISION is '" + p + "': use auto, float32, bf16 or int8");
  return o;
}

Result<std::unique_ptr<EmbeddingModel>> LoadModel(const GlobalOptions& g, ModelUse use,
                                                  const std::string& name_or_dir) {
  auto options = ModelOptions(g, use);
  if (!options.ok()) return options.status();
  return EmbeddingModel::Load(name_or_dir, *options);
}

}  // namespace shoebox::cli
