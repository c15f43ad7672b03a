// How `index`, `import` and `embed-missing` show the index job's report: lines on stderr for
// people, or one JSON object on stdout (--json).
#pragma once

#include <nlohmann/json.hpp>

#include "pipeline/index_job.h"

namespace shoebox::cli {

// Prints each library's summary as it finishes, and a note before a graph build.
class PrintingListener : public IndexJobListener {
 public:
  explicit PrintingListener(bool quiet) : quiet_(quiet) {}
  void LibraryDone(const LibraryOutcome& outcome) override;
  void BuildingGraph() override;

 private:
  bool quiet_;
};

void PrintIndexSummary(const IndexJobReport& report);
nlohmann::json IndexJson(const IndexJobReport& report);

void PrintEmbedSummary(const EmbedOutcome& embedding);
void PrintTextSummary(const TextReport& text);
nlohmann::json TextJson(const TextReport& text);
nlohmann::json EmbedJson(const EmbedOutcome& embedding);

}  // namespace shoebox::cli
