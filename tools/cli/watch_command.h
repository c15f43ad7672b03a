// What `watch` and `serve --watch` share: the roots to watch, starting the watcher with the
// index options of `index`, and one line per run on stderr (or one JSON object per run).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tools/cli/index_command.h"
#include "watch/library_watcher.h"

namespace shoebox::cli {

class PrintingWatchListener : public watch::WatchListener {
 public:
  explicit PrintingWatchListener(bool json) : json_(json) {}
  void StateChanged(const watch::WatchStatus& status) override;
  void RunFinished(const std::vector<std::string>& roots,
                   const Result<IndexJobReport>& report) override;

 private:
  std::mutex mu_;
  bool json_;
  bool first_ = true;
  watch::WatchState state_ = watch::WatchState::kCatchingUp;
  std::map<std::string, std::string> notes_;  // per root, the last note printed
};

// The roots named (checked: kNotFound for one that is not there), else every root the
// catalog has indexed (kNotFound naming the command to run when it has none).
Result<std::vector<std::string>> WatchRoots(const GlobalOptions& g,
                                            const std::vector<std::string>& named);

// A running watcher and the model and OCR stage its runs use (the watcher is declared last,
// so it stops before they go).
struct WatchingJob {
  std::unique_ptr<PreparedJob> job;
  std::unique_ptr<watch::LibraryWatcher> watcher;
};
// poll_seconds > 0: rescans on that period instead of change notifications.
Result<WatchingJob> StartWatcher(const GlobalOptions& g, IndexArgs args,
                                 watch::WatchListener* listener, unsigned poll_seconds = 0);

}  // namespace shoebox::cli
