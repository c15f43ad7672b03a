#include "watch/library_watcher.h"

#include <sys/resource.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <atomic>
#include <ctime>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "base/xdg_dirs.h"
#include "catalog/catalog.h"

namespace shoebox::watch {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* WatchStateName(WatchState state) {
  switch (state) {
    case WatchState::kCatchingUp:
      return "catching up";
    case WatchState::kWatching:
      return "watching";
    case WatchState::kIndexing:
      return "indexing";
    case WatchState::kWaitingForLock:
      return "waiting for lock";
    case WatchState::kPaused:
      return "paused";
    case WatchState::kStopped:
      return "stopped";
  }
  return "unknown";
}

namespace {

bool Under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

// The watcher's runs (and the pools they start) yield the CPU to what the user is doing.
// On Linux the nice value belongs to the thread, so only the watcher's own work is lowered.
void LowerThisThreadsPriority() {
#ifdef __linux__
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#else
  setpriority(PRIO_PROCESS, 0, 10);
#endif
}

}  // namespace

struct LibraryWatcher::Impl {
  fs::path catalog;
  WatchOptions opt;
  WatchListener* listener = nullptr;
  std::unique_ptr<ChangeFeed> feed;
  // Our own writes: the catalog file and its -wal, -shm and .lock beside it (matched by name,
  // so photos kept next to a catalog are still watched), and the cache folder.
  std::string catalog_prefix;
  std::vector<std::string> ignored;
  std::set<std::string> file_roots;  // library databases (watched by name), not folders

  mutable std::mutex mu;
  WatchStatus st;
  std::atomic<bool> stop_run{false}, paused{false}, stopping{false}, rescan{false};
  std::thread thread;

  // The watcher thread's own state.
  std::set<std::string> dirty;
  std::unordered_map<std::string, Clock::time_point> writing;
  Clock::time_point first_change{}, last_change{}, next_poll{}, next_rescan{}, retry_after{};
  bool first_run = true;
  WatchState shown = WatchState::kCatchingUp;

  RootStatus* Root(const std::string& path) {
    for (auto& r : st.roots)
      if (r.path == path) return &r;
    return nullptr;
  }

  // The root a changed path belongs to ("" for none): below a folder root, or a library
  // file's own name with a suffix (its -wal).
  std::string RootOf(const std::string& path) {
    std::string best;  // the innermost: a library inside a watched folder is its own root
    for (const auto& r : st.roots)
      if ((Under(path, r.path) ||
           (file_roots.count(r.path) && path.compare(0, r.path.size(), r.path) == 0)) &&
          r.path.size() > best.size())
        best = r.path;
    return best;
  }

  void Publish(WatchState state) {
    WatchStatus copy;
    shown = state;
    {
      std::lock_guard<std::mutex> lock(mu);
      st.state = state;
      st.dirty.assign(dirty.begin(), dirty.end());
      copy = st;
    }
    if (listener) listener->StateChanged(copy);
  }

  WatchState Idle() const { return paused ? WatchState::kPaused : WatchState::kWatching; }

  void MarkDirty(const std::string& root) {
    const auto now = Clock::now();
    if (dirty.empty()) first_change = now;
    last_change = now;
    dirty.insert(root);
  }

  void MarkAllDirty() {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& r : st.roots)
      if (r.present) {
        if (dirty.empty()) first_change = Clock::now();
        dirty.insert(r.path);
      }
  }

  void StartWatching(RootStatus* r) {
    if (!opt.notifications) {
      r->how = RootHow::kRescanned;
      r->note = "rescanned every " + std::to_string(opt.poll_every.count()) + " s";
      return;
    }
    Status added = feed->Add(r->path);
    r->how = added.ok() ? RootHow::kNotified : RootHow::kRescanned;
    r->note = added.ok() ? ""
                         : added.message() + "; rescanned every " +
                               std::to_string(opt.poll_every.count()) + " s instead";
  }

  // The root is gone: its photos become missing (kept, not returned by searches) until it
  // is back. Needs the writer lock; while another index holds it this is tried again later.
  void RootGone(const std::string& root) {
    {
      std::lock_guard<std::mutex> lock(mu);
      RootStatus* r = Root(root);
      if (!r || !r->present) return;
      r->present = false;
      // A folder's photos were in it; a library's originals may still be where they were.
      r->note = file_roots.count(root)
                    ? "gone (deleted, moved or unmounted): its photos stay in the catalog; read "
                      "again when it is back (a library moved for good: add its new place)"
                    : "gone (deleted, moved or unmounted): its photos are kept and shown as "
                      "missing; indexed again when it is back";
    }
    feed->Remove(root);
    dirty.erase(root);
    MarkFilesMissing(root);
    Publish(Idle());
  }

  void MarkFilesMissing(const std::string& root) {
    auto lock = WriterLock::Acquire(catalog, false);
    if (!lock.ok()) return;  // the next poll tries again (the rescan would do it too)
    auto cat = Catalog::Open(catalog, false);
    if (!cat.ok()) return;
    auto files = (*cat)->LoadFilesUnder(root);
    if (!files.ok()) return;
    Transaction tx = (*cat)->NewTransaction();
    if (!tx.Begin().ok()) return;
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    for (const auto& [path, k] : *files)
      if (k.status == FileStatus::kPresent && !(*cat)->MarkMissing(k.id, now).ok()) return;
    (void)tx.Commit();
  }

  void CheckRoots() {
    std::vector<std::string> gone, back;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (auto& r : st.roots) {
        std::error_code ec;
        const bool exists = fs::exists(r.path, ec);
        if (r.present && !exists) gone.push_back(r.path);
        if (!r.present && exists) back.push_back(r.path);
        if (r.present && exists && r.how == RootHow::kRescanned) {
          if (dirty.empty()) first_change = Clock::now();
          dirty.insert(r.path);
        }
      }
    }
    for (const auto& root : gone) RootGone(root);
    for (const auto& root : back) {
      {
        std::lock_guard<std::mutex> lock(mu);
        RootStatus* r = Root(root);
        r->present = true;
        StartWatching(r);
      }
      MarkDirty(root);
    }
    if (!gone.empty() || !back.empty()) Publish(Idle());
  }

  void Handle(const std::vector<FileChange>& changes) {
    const auto now = Clock::now();
    for (const FileChange& c : changes) {
      if (c.kind == ChangeKind::kLost && c.path.empty()) {
        MarkAllDirty();
        continue;
      }
      if (c.path.compare(0, catalog_prefix.size(), catalog_prefix) == 0 ||
          std::any_of(ignored.begin(), ignored.end(),
                      [&](const std::string& d) { return Under(c.path, d); }))
        continue;
      const std::string root = RootOf(c.path);
      if (root.empty()) continue;
      switch (c.kind) {
        case ChangeKind::kWriting:
          writing[c.path] = now;
          MarkDirty(root);
          break;
        case ChangeKind::kSettled:
          writing.erase(c.path);
          MarkDirty(root);
          break;
        case ChangeKind::kLost:
          // An unmount under the root drops its watches: the folder left behind is watched
          // again, and the rescan marks what the drive held missing.
          if (c.path == root && opt.notifications) (void)feed->Add(root);
          MarkDirty(root);
          break;
        case ChangeKind::kRootGone: {
          std::error_code ec;
          if (!fs::exists(root, ec)) RootGone(root);
          break;
        }
      }
    }
  }

  bool Due(Clock::time_point now) {
    if (dirty.empty() || paused || now < retry_after) return false;
    for (auto it = writing.begin(); it != writing.end();)
      it = now - it->second >= opt.writing_quiet ? writing.erase(it) : std::next(it);
    if (now - first_change >= opt.longest_wait) return true;
    return writing.empty() && now - last_change >= opt.settle;
  }

  std::chrono::milliseconds WaitFor(Clock::time_point now) const {
    Clock::time_point until = std::min(next_poll, next_rescan);
    if (!dirty.empty() && !paused) {
      // The next run; a retry's wait delays it, never the polls (a root gone or back).
      Clock::time_point run_at =
          std::min(last_change + opt.settle, first_change + opt.longest_wait);
      if (!writing.empty()) run_at = std::min(run_at, now + opt.writing_quiet);
      until = std::min(until, std::max(run_at, retry_after));
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    return std::clamp(ms, std::chrono::milliseconds(5), std::chrono::milliseconds(3'600'000));
  }

  void RunDirty() {
    std::vector<std::string> roots, gone;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& r : st.roots) {
        if (!dirty.count(r.path) || !r.present) continue;
        std::error_code ec;
        // Moved away or deleted since the change (a library file renamed, a drive pulled):
        // shown as gone, not a failed run retried every 30 s.
        if (!fs::exists(r.path, ec) && !ec)
          gone.push_back(r.path);
        else
          roots.push_back(r.path);
      }
    }
    dirty.clear();
    for (const auto& root : gone) RootGone(root);
    if (roots.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mu);
      st.indexing = roots;
    }
    Publish(first_run ? WatchState::kCatchingUp : WatchState::kIndexing);
    IndexJobOptions job = opt.job;
    job.roots = roots;
    job.wait_for_lock = false;  // waited for here, where a pause or stop can end the wait
    job.index.stop = &stop_run;
    const auto started = Clock::now();
    job.index.on_progress = [this, started](int64_t done, int64_t total) {
      {
        std::lock_guard<std::mutex> lock(mu);
        st.progress.done = done;
        st.progress.total = total;
        const double spent = std::chrono::duration<double>(Clock::now() - started).count();
        st.progress.eta_seconds =
            done > 0 ? spent / static_cast<double>(done) * static_cast<double>(total - done) : 0;
      }
      Publish(shown);
    };
    Result<IndexJobReport> report = Internal("not run yet");  // assigned by the first try
    for (;;) {
      report = RunIndexJob(catalog, job);
      if (report.ok() || report.status().code() != StatusCode::kBusy || stop_run) break;
      Publish(WatchState::kWaitingForLock);
      Handle(feed->Next(std::chrono::milliseconds(1000)));
      if (paused || stopping) break;
    }
    const bool cancelled = !report.ok() && (report.status().code() == StatusCode::kCancelled ||
                                            report.status().code() == StatusCode::kBusy);
    if (cancelled) {
      for (const auto& r : roots) MarkDirty(r);  // what it did not reach is done on resume
    } else if (!report.ok()) {
      for (const auto& r : roots) MarkDirty(r);
      retry_after = Clock::now() + opt.retry_failed;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      st.progress = WatchProgress{};
      st.indexing.clear();
      ++st.runs;
      if (report.ok()) {
        st.last = *report;
        st.problem = Status::Ok();
      } else if (!cancelled) {
        st.problem = report.status();
      }
    }
    if (report.ok() || !cancelled) first_run = false;
    if (listener) listener->RunFinished(roots, report);
    Publish(Idle());
  }

  void Loop() {
    if (opt.low_priority) LowerThisThreadsPriority();
    const auto now = Clock::now();
    next_poll = now + opt.poll_every;
    next_rescan = now + opt.rescan_every;
    MarkAllDirty();
    first_change = now - opt.longest_wait;  // the catch-up run starts at once
    while (!stopping) {
      auto t = Clock::now();
      if (t >= next_poll) {
        CheckRoots();
        next_poll = t + opt.poll_every;
      }
      if (t >= next_rescan) {
        MarkAllDirty();
        next_rescan = t + opt.rescan_every;
      }
      if (rescan.exchange(false)) {
        MarkAllDirty();
        first_change = t - opt.longest_wait;
      }
      if (shown != Idle() && (shown == WatchState::kWatching || shown == WatchState::kPaused))
        Publish(Idle());  // paused or resumed between runs
      if (Due(t)) {
        stop_run = false;
        RunDirty();
        continue;
      }
      Handle(feed->Next(WaitFor(t)));
      std::lock_guard<std::mutex> lock(mu);
      if (st.dirty.size() != dirty.size()) st.dirty.assign(dirty.begin(), dirty.end());
    }
    Publish(WatchState::kStopped);
  }
};

LibraryWatcher::LibraryWatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LibraryWatcher::~LibraryWatcher() { Stop(); }

Result<std::unique_ptr<LibraryWatcher>> LibraryWatcher::Start(fs::path catalog,
                                                              WatchOptions options,
                                                              WatchListener* listener) {
  auto impl = std::make_unique<Impl>();
  impl->catalog = std::move(catalog);
  impl->listener = listener;
  impl->feed = options.notifications ? MakeChangeFeed() : MakePollingOnlyFeed();
  {
    std::error_code ec;
    const auto canon = fs::weakly_canonical(fs::absolute(impl->catalog, ec), ec);
    impl->catalog_prefix = ec ? impl->catalog.string() : canon.string();
  }
  impl->ignored = {CacheDir().string()};
  for (const auto& root : options.job.roots) {
    RootStatus r;
    std::error_code ec;
    auto canon = fs::weakly_canonical(fs::absolute(root, ec), ec);
    r.path = ec ? root : canon.string();
    if (fs::is_regular_file(r.path, ec)) impl->file_roots.insert(r.path);
    if (!fs::exists(r.path, ec)) {
      r.present = false;
      r.note = "not there (deleted, moved or unmounted): indexed when it is back";
    }
    impl->st.roots.push_back(std::move(r));
  }
  if (impl->st.roots.empty()) return InvalidArgument("nothing to watch: name a folder or library");
  impl->opt = std::move(options);
  for (auto& r : impl->st.roots)
    if (r.present) impl->StartWatching(&r);
  Impl* raw = impl.get();
  raw->thread = std::thread([raw] { raw->Loop(); });
  return std::unique_ptr<LibraryWatcher>(new LibraryWatcher(std::move(impl)));
}

void LibraryWatcher::Pause() {
  impl_->paused = true;
  impl_->stop_run = true;
  impl_->feed->Wake();
}

void LibraryWatcher::Resume() {
  impl_->paused = false;
  impl_->feed->Wake();
}

void LibraryWatcher::RescanNow() {
  impl_->rescan = true;
  impl_->feed->Wake();
}

void LibraryWatcher::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->stopping = true;
  impl_->stop_run = true;
  impl_->feed->Wake();
  impl_->thread.join();
}

WatchStatus LibraryWatcher::status() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WatchStatus copy = impl_->st;
  if (impl_->paused && copy.state == WatchState::kWatching) copy.state = WatchState::kPaused;
  return copy;
}

Result<std::vector<std::string>> IndexedRoots(const fs::path& catalog) {
  auto cat = Catalog::Open(catalog, false);
  if (!cat.ok()) return cat.status();
  auto sources = (*cat)->Sources();
  if (!sources.ok()) return sources.status();
  // A folder inside another root is crawled with it; a library or archive inside a folder is
  // not (the crawl leaves them to their importers), so it stays a root of its own.
  std::vector<std::string> out;
  for (const auto& s : *sources) {
    const bool covered =
        s.kind == "folder" && std::any_of(sources->begin(), sources->end(), [&](const auto& o) {
          return o.root != s.root && Under(s.root, o.root);
        });
    if (!covered && std::find(out.begin(), out.end(), s.root) == out.end()) out.push_back(s.root);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace shoebox::watch
