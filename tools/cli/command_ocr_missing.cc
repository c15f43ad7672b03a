// `shoebox ocr-missing`: reads the words in the catalogued photos OCR has not looked at yet
// (a catalog indexed before OCR, or with --no-ocr), or that an older OCR version read.
#include <cstdio>

#include "pipeline/text_recognition.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/index_command.h"
#include "tools/cli/index_report.h"

namespace shoebox::cli {

void RegisterOcrMissing(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    TextArgs text;
    unsigned threads = 0;
    bool wait = false;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "ocr-missing", "Read the words in the catalogued photos that OCR has not read yet");
  AddTextOptions(cmd, &args->text, false);
  cmd->add_option("--threads", args->threads, "Worker threads (default: one per core)");
  cmd->add_flag("--wait", args->wait, "Wait for a running index instead of refusing");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->callback([&g, &exit_code, args] {
    auto stage = MakeOcrStage(args->text, args->threads, !(g.quiet || args->json));
    if (!stage.ok()) {
      exit_code = Fail(stage.status());
      return;
    }
    auto writable = OpenCatalogForWriting(g, args->wait);
    if (!writable.ok()) {
      exit_code = Fail(writable.status());
      return;
    }
    auto report = ReadMissingText(writable->catalog.get(), stage->get());
    if (!report.ok()) {
      exit_code = Fail(report.status());
      return;
    }
    if (args->json)
      std::printf("%s\n", Dump(TextJson(*report)).c_str());
    else if (!g.quiet)
      PrintTextSummary(*report);
  });
}

}  // namespace shoebox::cli
