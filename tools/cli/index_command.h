// What `index` and `import KIND` share: their options, and running the index job with them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/index_job.h"
#include "pipeline/text_recognition.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

// OCR's options, for `index`, `import` and `ocr-missing`.
struct TextArgs {
  bool off = false;           // --no-ocr
  std::string mode = "auto";  // --ocr auto|all
  std::string languages;      // --ocr-lang; default $SHOEBOX_OCR_LANG, else eng+spa
};
void AddTextOptions(CLI::App* cmd, TextArgs* args, bool can_turn_off);
// The OCR stage those options ask for (null with --no-ocr); kNotFound naming the Debian
// package when a language is not installed.
Result<std::unique_ptr<OcrStage>> MakeOcrStage(const TextArgs& args, unsigned threads,
                                               bool progress);

struct IndexArgs {
  std::vector<std::string> roots;
  std::vector<std::string> exclude;
  unsigned threads = 0;
  uint64_t max_megapixels = 200;
  int thumb_size = 256;
  bool wait = false;
  bool json = false;
  std::string model;
  bool no_embed = false;
  std::string kind;  // "" = by what the folder looks like
  bool force_read = false;
  TextArgs text;
};

void AddIndexOptions(CLI::App* cmd, IndexArgs* args);

// The index job those options ask for, with the OCR stage and model it points to (both may be
// null). Fails before any work on a root that is not there, a missing OCR language or a model
// named but not loadable; no model at all is fine (catalog and words only, said on stderr).
struct PreparedJob {
  IndexJobOptions options;
  std::unique_ptr<OcrStage> text;
  std::shared_ptr<EmbeddingModel> model;
};
Result<PreparedJob> PrepareIndexJob(const GlobalOptions& g, const IndexArgs& args);
void RunIndex(GlobalOptions& g, int& exit_code, const IndexArgs& args);

}  // namespace shoebox::cli
