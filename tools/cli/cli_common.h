// Shared by the subcommands: global options, catalog opening, JSON rendering, exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/photo_json.h"
#include "embedding/embedding_model.h"

namespace shoebox::cli {

struct GlobalOptions {
  std::string db;  // --db, else $SHOEBOX_DB, else the XDG data dir
  bool quiet = false;
  std::string precision;  // --precision, else $SHOEBOX_PRECISION, else ModelUse's default
};

// What a command runs its model for. The library's commands (index, search, similar, serve,
// embed-missing, models info) default to precision auto, the fastest mode within cosine 0.999
// of float32, so that a library's vectors and its queries come from the same arithmetic;
// `embed`, which prints the vectors themselves, defaults to float32, the reference's numbers.
enum class ModelUse { kLibrary, kPrintedVectors };

// How models load for this run: --precision, else $SHOEBOX_PRECISION (an unknown value is an
// error naming it), else use's default.
Result<ModelLoadOptions> ModelOptions(const GlobalOptions& g, ModelUse use);
// EmbeddingModel::Load with those options.
Result<std::unique_ptr<EmbeddingModel>> LoadModel(const GlobalOptions& g, ModelUse use,
                                                  const std::string& name_or_dir);

// Exit codes: 0 success (individual bad photos included), 1 fatal error, 2 bad usage,
// 3 catalog busy (another index is running), 4 not found.
int ExitCodeFor(const Status& status);
// Prints "shoebox: <message>" to stderr and returns the exit code.
int Fail(const Status& status);

// Ctrl-C and SIGTERM call handler (which should only raise a flag that a loop turns into a
// clean stop). Masking the signals and sigwait-ing would miss threads started before main
// (OpenBLAS's).
void OnStopSignals(void (*handler)(int));

std::filesystem::path CatalogPath(const GlobalOptions& g);
Result<std::unique_ptr<Catalog>> OpenCatalog(const GlobalOptions& g, bool create);
// An existing catalog with the writer lock held (wait: queue behind a running writer).
struct WritableCatalog {
  std::unique_ptr<WriterLock> lock;
  std::unique_ptr<Catalog> catalog;
};
Result<WritableCatalog> OpenCatalogForWriting(const GlobalOptions& g, bool wait);

// JSON dump that never throws on file names that are not valid UTF-8.
inline std::string Dump(const nlohmann::json& j, int indent = -1) { return DumpJson(j, indent); }
using shoebox::PhotoJson;
// A photo named by a catalog id or a path (absolute or relative to the working folder).
Result<PhotoRow> ResolvePhoto(Catalog* cat, const std::string& what);

// Subcommand registration; each returns nothing and sets the callback that runs it.
void RegisterIndex(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterStatus(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterInfo(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterErrors(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterPeople(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterLs(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterThumb(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterGc(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterEmbed(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterBench(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterModels(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterEmbedMissing(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterOcrMissing(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterSearch(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterSimilar(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterDupes(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterReindex(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterServe(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterWatch(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterImport(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterLrprev(CLI::App& app, GlobalOptions& g, int& exit_code);
void RegisterBenchSearch(CLI::App* bench, GlobalOptions& g, int& exit_code);
void RegisterBenchLoad(CLI::App* bench, GlobalOptions& g, int& exit_code);

}  // namespace shoebox::cli
