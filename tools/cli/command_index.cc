// `shoebox index PATH...`: the index job (pipeline/index_job.h) with options from the command
// line, its report printed (index_report.h).
#include <cstdio>
#include <cstdlib>

#include "pipeline/index_job.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/index_command.h"
#include "tools/cli/index_report.h"
#include "tools/cli/search_common.h"

namespace shoebox::cli {

// The options `index` and `import` share.
void AddIndexOptions(CLI::App* cmd, IndexArgs* args) {
  cmd->add_option("--exclude", args->exclude,
                  "Glob of names (or relative paths) to skip; repeatable");
  cmd->add_option("--threads", args->threads, "Worker threads (default: one per core)");
  cmd->add_option("--max-megapixels", args->max_megapixels,
                  "Refuse images larger than this (decompression bombs)")
      ->capture_default_str();
  cmd->add_option("--thumb-size", args->thumb_size, "Thumbnail long side in pixels")
      ->capture_default_str()
      ->check(CLI::Range(32, 2048));
  cmd->add_option("--model", args->model,
                  std::string("Model to embed with: short name, Hub repo or folder (default: "
                              "$SHOEBOX_MODEL, else ") +
                      kDefaultModel + ")");
  cmd->add_flag("--no-embed", args->no_embed, "Catalog only; `shoebox embed-missing` embeds later");
  cmd->add_flag("--wait", args->wait, "Wait for another running index instead of refusing");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  AddTextOptions(cmd, &args->text, true);
}

void AddTextOptions(CLI::App* cmd, TextArgs* args, bool can_turn_off) {
  if (can_turn_off)
    cmd->add_flag("--no-ocr", args->off,
                  "Do not read the words in photos (`shoebox ocr-missing` reads them later)");
  cmd->add_option("--ocr", args->mode,
                  "auto: read the photos that look like they hold words (memes, screenshots, "
                  "signs, documents); all: read every photo")
      ->check(CLI::IsMember({"auto", "all"}))
      ->capture_default_str();
  cmd->add_option("--ocr-lang", args->languages,
                  "Tesseract languages joined by '+' (default: $SHOEBOX_OCR_LANG, else eng+spa; "
                  "others: apt-get install tesseract-ocr-LANG)");
}

Result<std::unique_ptr<OcrStage>> MakeOcrStage(const TextArgs& args, unsigned threads,
                                               bool progress) {
  if (args.off) return std::unique_ptr<OcrStage>();
  TextOptions t;
  const char* env = std::getenv("SHOEBOX_OCR_LANG");
  t.reader.languages = !args.languages.empty() ? args.languages
                       : env && *env           ? env
                                               : t.reader.languages;
  t.read_all = args.mode == "all";
  t.threads = threads;
  t.progress = progress;
  return OcrStage::Create(t);
}

Result<PreparedJob> PrepareIndexJob(const GlobalOptions& g, const IndexArgs& args) {
  PreparedJob job;
  IndexJobOptions& o = job.options;
  o.roots = args.roots;
  o.kind = args.kind;
  o.import.force_read = args.force_read;
  o.index.exclude = args.exclude;
  o.index.threads = args.threads;
  o.index.analyze.max_pixels = args.max_megapixels * 1'000'000;
  o.index.analyze.thumbnail_size = args.thumb_size;
  o.index.show_progress = !g.quiet;
  o.wait_for_lock = args.wait;
  if (auto roots = ResolveRoots(args.roots); !roots.ok()) return roots.status();
  // OCR's languages and the model next: either wrong should fail before a long crawl.
  auto text = MakeOcrStage(args.text, args.threads, !g.quiet);
  if (!text.ok()) return text.status();
  job.text = std::move(*text);
  o.text = job.text.get();
  if (!args.no_embed) {
    const char* env = std::getenv("SHOEBOX_MODEL");
    auto options = ModelOptions(g, ModelUse::kLibrary);
    if (!options.ok()) return options.status();
    auto m = LoadIndexModel(!args.model.empty() ? args.model : env ? env : "", *options);
    if (!m.ok()) return m.status();
    if (!m->model && !g.quiet)
      std::fprintf(stderr,
                   "shoebox: cataloging without embeddings (search by meaning needs them; words "
                   "are searchable meanwhile): %s\n",
                   m->without.c_str());
    job.model = std::move(m->model);
    o.model = job.model.get();
    o.model_location = m->location;
  }
  return job;
}

void RunIndex(GlobalOptions& g, int& exit_code, const IndexArgs& args) {
  auto job = PrepareIndexJob(g, args);
  if (!job.ok()) {
    exit_code = Fail(job.status());
    return;
  }
  const IndexJobOptions& o = job->options;
  PrintingListener listener(g.quiet || args.json);
  auto report = RunIndexJob(CatalogPath(g), o, &listener);
  if (!report.ok()) {
    exit_code = Fail(report.status());
    return;
  }
  if (args.json)
    std::printf("%s\n", Dump(IndexJson(*report)).c_str());
  else if (!g.quiet)
    PrintIndexSummary(*report);
}

void RegisterIndex(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto args = std::make_shared<IndexArgs>();
  CLI::App* cmd = app.add_subcommand("index", "Find and catalog the photos in one or more folders");
  cmd->add_option("paths", args->roots,
                  "Folders to index (Apple Photos libraries, Lightroom and Capture One catalogs, "
                  "Takeout exports and downloads are recognised)")
      ->required();
  AddIndexOptions(cmd, args.get());
  cmd->add_flag(
      "--force-read", args->force_read,
      "Lightroom / Capture One catalogs: read even while their application has them open");
  cmd->callback([&g, &exit_code, args] { RunIndex(g, exit_code, *args); });
}

}  // namespace shoebox::cli
