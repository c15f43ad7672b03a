// Keeps a catalog current while it runs: `shoebox watch`, `shoebox serve --watch` and the
// desktop app all use this one watcher.
//
// It starts with a run of the index job over every root (catching up on what changed while
// nothing watched; the job is incremental, so a quit or crash resumes exactly where it was),
// then listens to the change feed (change_feed.h). Changes under a root make that root dirty;
// once changes stop for `settle` (and no file is still being written), or at the latest after
// `longest_wait` while they keep coming, the index job runs on the dirty roots. Thousands of
// files arriving at once are therefore a few runs, never one per event. Roots the feed
// cannot watch (no inotify watches left, network drives) are rescanned every `poll_every`;
// every root is rescanned every `rescan_every` in case events were missed.
//
// A root that disappears (deleted, unmounted) is reported, its photos are marked missing (not
// forgotten: searches stop returning them, the catalog keeps them), and it is indexed again
// when it comes back. A catalog locked by another `index` is waited for (kWaitingForLock).
// Runs are at low CPU priority. Nothing is ever written inside the roots.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/index_job.h"
#include "watch/change_feed.h"

namespace shoebox::watch {

enum class WatchState {
  kCatchingUp,      // the first run over every root
  kWatching,        // idle, listening
  kIndexing,        // a run on the roots that changed
  kWaitingForLock,  // another process is indexing this catalog
  kPaused,          // changes are noted; nothing runs until Resume()
  kStopped,
};
const char* WatchStateName(WatchState state);  // "watching", "waiting for lock", ...

enum class RootHow {
  kNotified,  // the system reports changes as they happen
  kRescanned  // rescanned every poll_every (see note)
};

struct RootStatus {
  std::string path;
  RootHow how = RootHow::kNotified;
  bool present = true;  // false: deleted or unmounted; its photos are missing until it returns
  std::string note;     // why it is rescanned, or what happened to it
};

// How far the run in flight is: files read of those new or changed, and an estimate of the
// time left from the pace so far.
struct WatchProgress {
  int64_t done = 0, total = 0;
  double eta_seconds = 0;
};

struct WatchStatus {
  WatchState state = WatchState::kCatchingUp;
  std::vector<RootStatus> roots;
  int64_t runs = 0;                    // finished runs, the first included
  std::optional<IndexJobReport> last;  // the last run that finished
  Status problem;                      // why the last run failed (ok when it did not)
  std::vector<std::string> dirty;      // roots with changes not yet indexed
  WatchProgress progress;              // of the run in flight (zero between runs)
  std::vector<std::string> indexing;   // the roots of the run in flight
};

struct WatchOptions {
  IndexJobOptions job;  // the roots, the model, OCR and index options of every run
  std::chrono::milliseconds settle{300};
  std::chrono::milliseconds longest_wait{3000};
  // A file with a write in progress and no event for this long counts as written (a link
  // made in place never reports a close).
  std::chrono::milliseconds writing_quiet{2000};
  std::chrono::seconds poll_every{60};
  std::chrono::seconds rescan_every{3600};
  // After a run that failed (disk full, a damaged catalog) the next waits this long.
  std::chrono::milliseconds retry_failed{30000};
  bool low_priority = true;   // runs at nice 10
  bool notifications = true;  // false: rescans only (network drives; tests of the fallback)
};

// Told what the watcher does, on its own thread: keep the work short (post it elsewhere).
class WatchListener {
 public:
  virtual ~WatchListener() = default;
  virtual void StateChanged(const WatchStatus&) {}
  // After each run: its report, or why it failed (kCancelled when paused mid-run).
  virtual void RunFinished(const std::vector<std::string>& roots,
                           const Result<IndexJobReport>& report) {}
};

class LibraryWatcher {
 public:
  // Checks the roots (kNotFound naming one that is not there at the start) and starts the
  // watcher's thread. The listener, when given, must outlive the watcher.
  static Result<std::unique_ptr<LibraryWatcher>> Start(std::filesystem::path catalog,
                                                       WatchOptions options,
                                                       WatchListener* listener = nullptr);
  ~LibraryWatcher();  // Stop()

  // Stops the run in flight at its next file (what it did is kept) and starts no other until
  // Resume(); changes keep being noted meanwhile.
  void Pause();
  void Resume();
  // Every root rescanned now, as if all had changed.
  void RescanNow();
  // Ends the run in flight as Pause() does and joins the thread.
  void Stop();
  WatchStatus status() const;

  struct Impl;

 private:
  explicit LibraryWatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The roots this catalog has indexed (folders, archives, libraries), without folders inside
// another root (crawled with it): what `shoebox watch` and `serve --watch` keep current when
// given none. Empty for a new catalog.
Result<std::vector<std::string>> IndexedRoots(const std::filesystem::path& catalog);

}  // namespace shoebox::watch
