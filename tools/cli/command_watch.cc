// `shoebox watch [PATH...]`: keeps the catalog current as the folders change, without a
// screen (a NAS, a server); `serve --watch` runs the same watcher beside the web app.
// Prints one line per run that changed something, and every change of a root's state.
#include <signal.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <thread>

#include "search/query_service.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/index_command.h"
#include "tools/cli/index_report.h"
#include "tools/cli/watch_command.h"
#include "watch/library_watcher.h"

namespace shoebox::cli {
namespace {

volatile std::sig_atomic_t g_watch_stop = 0;

std::string Clock() {
  const std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", std::localtime(&t));
  return buf;
}

}  // namespace

void PrintingWatchListener::StateChanged(const watch::WatchStatus& s) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& r : s.roots) {
    const std::string line = r.present ? r.note : r.note.empty() ? "gone" : r.note;
    auto& shown = notes_[r.path];
    if (shown == line) continue;
    shown = line;
    if (!line.empty())
      std::fprintf(stderr, "%s  %s: %s\n", Clock().c_str(), r.path.c_str(), line.c_str());
  }
  if (s.state != state_ &&
      (s.state == watch::WatchState::kWaitingForLock || s.state == watch::WatchState::kPaused))
    std::fprintf(stderr, "%s  %s\n", Clock().c_str(), watch::WatchStateName(s.state));
  state_ = s.state;
}

void PrintingWatchListener::RunFinished(const std::vector<std::string>& roots,
                                        const Result<IndexJobReport>& report) {
  std::lock_guard<std::mutex> lock(mu_);
  if (json_) {
    nlohmann::json j = {{"roots", roots}};
    if (report.ok())
      j["report"] = IndexJson(*report);
    else
      j["error"] = report.status().ToString();
    std::printf("%s\n", Dump(j).c_str());
    std::fflush(stdout);
    return;
  }
  if (!report.ok()) {
    if (report.status().code() != StatusCode::kCancelled)
      std::fprintf(stderr, "%s  index failed: %s\n", Clock().c_str(),
                   report.status().ToString().c_str());
    return;
  }
  const IndexReport& c = report->crawl;
  const int64_t embedded =
      report->embedding ? report->embedding->while_indexing + report->embedding->after.embedded : 0;
  const int64_t words = report->text ? report->text->found : 0;
  if (!first_ && c.added + c.linked + c.missing + c.errors + embedded == 0) return;
  first_ = false;
  std::fprintf(stderr,
               "%s  %s: %lld new, %lld moved or copied, %lld missing, %lld errors, %lld embedded, "
               "%lld with words (%.1f s)\n",
               Clock().c_str(), roots.size() == 1 ? roots[0].c_str() : "roots",
               static_cast<long long>(c.added), static_cast<long long>(c.linked),
               static_cast<long long>(c.missing), static_cast<long long>(c.errors),
               static_cast<long long>(embedded), static_cast<long long>(c.text_found + words),
               c.seconds);
}

Result<std::vector<std::string>> WatchRoots(const GlobalOptions& g,
                                            const std::vector<std::string>& named) {
  if (!named.empty()) return ResolveRoots(named);
  auto roots = watch::IndexedRoots(CatalogPath(g));
  if (!roots.ok() && roots.status().code() != StatusCode::kNotFound) return roots.status();
  if (!roots.ok() || roots->empty())
    return NotFound("nothing to watch yet in " + CatalogPath(g).string() +
                    ": name a folder (shoebox watch ~/Pictures)");
  return *roots;
}

Result<WatchingJob> StartWatcher(const GlobalOptions& g, IndexArgs args,
                                 watch::WatchListener* listener, unsigned poll_seconds) {
  auto roots = WatchRoots(g, args.roots);
  if (!roots.ok()) return roots.status();
  args.roots = {};  // checked above; a root that vanishes later is the watcher's to report
  // New photos join the vectors queries use: the catalog's model unless one is named.
  if (args.model.empty() && !std::getenv("SHOEBOX_MODEL"))
    args.model = search::CatalogModelLocation(CatalogPath(g));
  auto job = PrepareIndexJob(g, args);
  if (!job.ok()) return job.status();
  WatchingJob out;
  out.job = std::make_unique<PreparedJob>(std::move(*job));
  watch::WatchOptions w;
  w.job = out.job->options;
  w.job.roots = *roots;
  w.job.index.show_progress = false;  // one line per run instead
  if (poll_seconds > 0) {
    w.poll_every = std::chrono::seconds(poll_seconds);
    w.notifications = false;
  }
  auto watcher = watch::LibraryWatcher::Start(CatalogPath(g), std::move(w), listener);
  if (!watcher.ok()) return watcher.status();
  out.watcher = std::move(*watcher);
  return out;
}

void RegisterWatch(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    IndexArgs index;
    unsigned poll = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "watch", "Keep the catalog current: index folders and libraries again as their files change");
  cmd->add_option("paths", args->index.roots,
                  "Folders or libraries to watch (default: every one the catalog has indexed)");
  AddIndexOptions(cmd, &args->index);
  cmd->add_option("--poll", args->poll,
                  "Rescan every this many seconds instead of listening for changes (network "
                  "drives)");
  cmd->callback([&g, &exit_code, args] {
    OnStopSignals([](int) { g_watch_stop = 1; });
    PrintingWatchListener listener(args->index.json);
    auto w = StartWatcher(g, args->index, &listener, args->poll);
    if (!w.ok()) {
      exit_code = Fail(w.status());
      return;
    }
    if (!g.quiet) {
      const auto s = w->watcher->status();
      std::fprintf(stderr, "shoebox: watching %zu folder(s) and libraries into %s; Ctrl-C stops\n",
                   s.roots.size(), CatalogPath(g).c_str());
    }
    while (!g_watch_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    w->watcher->Stop();
    if (!g.quiet) std::fprintf(stderr, "shoebox: stopped watching\n");
  });
}

}  // namespace shoebox::cli
