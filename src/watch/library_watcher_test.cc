#include "watch/library_watcher.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>

#include "catalog/catalog.h"
#include "test_util.h"

namespace shoebox::watch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using shoebox::testing::TempDir;

// Collects what the watcher tells, so tests can wait for a run or a state.
class Recorder : public WatchListener {
 public:
  void StateChanged(const WatchStatus& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    states_.push_back(s.state);
    cv_.notify_all();
  }
  void RunFinished(const std::vector<std::string>&, const Result<IndexJobReport>& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++runs_;
    if (r.ok()) {
      added_ += r->crawl.added + r->crawl.linked;
      missing_ += r->crawl.missing;
    } else {
      failures_.push_back(r.status());
    }
    cv_.notify_all();
  }
  // Waits until pred holds (checked under the lock) or the time is up.
  template <typename Pred>
  bool WaitFor(std::chrono::milliseconds limit, Pred pred) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(*this); });
  }
  int runs() {
    std::lock_guard<std::mutex> lock(mu_);
    return runs_;
  }
  bool Saw(WatchState s) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::find(states_.begin(), states_.end(), s) != states_.end();
  }

  int runs_ = 0;
  int64_t added_ = 0, missing_ = 0;
  std::vector<Status> failures_;
  std::vector<WatchState> states_;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

// Polls pred every 20 ms until it holds or limit passes.
template <typename Pred>
bool QuietlyWaitFor(std::chrono::milliseconds limit, Pred pred) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

class LibraryWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root());
    setenv("XDG_CACHE_HOME", (dir_ / "cache").c_str(), 1);
    photo_ = shoebox::testing::DataPath("text-photos/meme-dieta.jpg");
    ASSERT_TRUE(fs::exists(photo_));
  }
  void TearDown() override { unsetenv("XDG_CACHE_HOME"); }

  fs::path root() const { return dir_ / "photos"; }

  // A copy of the corpus's Lightroom catalog (4 photos, every original offline) to watch.
  fs::path CopyLightroomCatalog() const {
    const fs::path lrcat = dir_ / "Lightroom" / "Catalog.lrcat";
    fs::create_directories(lrcat.parent_path());
    fs::copy_file(
        shoebox::testing::CorpusPath() / "libraries/lightroom/test_catalog_1/test_catalog_1.lrcat",
        lrcat);
    return lrcat;
  }
  fs::path catalog() const { return dir_ / "data" / "catalog.db"; }

  WatchOptions Options() const {
    WatchOptions o;
    o.job.roots = {root().string()};
    o.job.index.show_progress = false;
    o.job.index.threads = 2;
    o.low_priority = false;
    return o;
  }

  // The file's state in the catalog: "present", "missing" or "absent" (no row).
  std::string FileState(const fs::path& p) {
    auto cat = Catalog::Open(catalog(), false);
    if (!cat.ok()) return "no catalog";
    auto row = (*cat)->FindByPath(fs::weakly_canonical(p).string());
    if (!row.ok() || !*row) return "absent";
    return (*row)->file.status == FileStatus::kPresent ? "present" : "missing";
  }

  // Polls FileState until it is want or limit passes; returns how long it took.
  std::optional<std::chrono::milliseconds> WaitForState(const fs::path& p, const std::string& want,
                                                        std::chrono::milliseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit) {
      if (FileState(p) == want)
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
      std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
  }

  TempDir dir_;
  fs::path photo_;
};

TEST_F(LibraryWatcherTest, APhotoCopiedIntoAWatchedFolderIsCataloguedWithinFiveSeconds) {
  Recorder rec;
  auto w = LibraryWatcher::Start(catalog(), Options(), &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.runs_ >= 1; }));  // caught up
  fs::copy_file(photo_, root() / "new-photo.jpg");
  const auto before = shoebox::testing::SnapshotTree(root());
  auto took = WaitForState(root() / "new-photo.jpg", "present", 5s);
  ASSERT_TRUE(took) << "not catalogued within 5 s";
  std::printf("catalogued %lld ms after the copy\n", static_cast<long long>(took->count()));
  EXPECT_EQ((*w)->status().roots.at(0).how, RootHow::kNotified);
  EXPECT_EQ(shoebox::testing::SnapshotTree(root()), before) << "the watcher wrote in the folder";

  fs::remove(root() / "new-photo.jpg");
  EXPECT_TRUE(WaitForState(root() / "new-photo.jpg", "missing", 5s)) << "deletion not noticed";
}

TEST_F(LibraryWatcherTest, PhotosInAFolderCreatedAfterTheStartAreFoundToo) {
  auto w = LibraryWatcher::Start(catalog(), Options());
  ASSERT_OK(w.status());
  std::this_thread::sleep_for(300ms);
  fs::create_directories(root() / "2026" / "trip");
  fs::copy_file(photo_, root() / "2026" / "trip" / "a.jpg");
  EXPECT_TRUE(WaitForState(root() / "2026" / "trip" / "a.jpg", "present", 5s));
  // and a second file into the new folder, which needed a watch of its own
  std::this_thread::sleep_for(500ms);
  fs::copy_file(photo_, root() / "2026" / "trip" / "b.jpg");
  EXPECT_TRUE(WaitForState(root() / "2026" / "trip" / "b.jpg", "present", 5s));
}

TEST_F(LibraryWatcherTest, HundredsOfFilesArrivingAtOnceAreAFewRunsNotOnePerFile) {
  Recorder rec;
  auto w = LibraryWatcher::Start(catalog(), Options(), &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.runs_ >= 1; }));
  const int before = rec.runs();
  for (int i = 0; i < 300; ++i)
    fs::copy_file(photo_, root() / ("burst-" + std::to_string(i) + ".jpg"));
  ASSERT_TRUE(WaitForState(root() / "burst-299.jpg", "present", 10s));
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.added_ >= 300; }));
  EXPECT_LE(rec.runs() - before, 5) << "one run per burst, not per file";
}

TEST_F(LibraryWatcherTest, APausedWatcherIndexesNothingUntilResumed) {
  Recorder rec;
  auto w = LibraryWatcher::Start(catalog(), Options(), &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.runs_ >= 1; }));
  (*w)->Pause();
  ASSERT_TRUE(rec.WaitFor(2s, [](Recorder& r) {
    return !r.states_.empty() && r.states_.back() == WatchState::kPaused;
  }));
  fs::copy_file(photo_, root() / "while-paused.jpg");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(FileState(root() / "while-paused.jpg"), "absent");
  EXPECT_EQ((*w)->status().state, WatchState::kPaused);
  EXPECT_EQ((*w)->status().dirty.size(), 1u) << "the change is remembered";
  (*w)->Resume();
  EXPECT_TRUE(WaitForState(root() / "while-paused.jpg", "present", 5s));
}

// Every write past the first 4 KB of a file fails (EFBIG, as ENOSPC would), for this
// process, while it lives.
class NoRoomToWrite {
 public:
  NoRoomToWrite() {
    ::getrlimit(RLIMIT_FSIZE, &before_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit tight = before_;
    tight.rlim_cur = 4096;
    ::setrlimit(RLIMIT_FSIZE, &tight);
  }
  ~NoRoomToWrite() {
    ::setrlimit(RLIMIT_FSIZE, &before_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit before_{};
  void (*old_handler_)(int) = nullptr;
};

TEST_F(LibraryWatcherTest, ADiskWithNoRoomFailsTheRunSaysWhyKeepsWhatWasIndexedAndRetries) {
  fs::copy_file(photo_, root() / "indexed-before.jpg");
  const fs::path staged = dir_ / "new-photo.jpg";
  fs::copy_file(photo_, staged);
  Recorder rec;
  WatchOptions o = Options();
  o.retry_failed = 1500ms;
  auto w = LibraryWatcher::Start(catalog(), o, &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.runs_ >= 1; }));
  ASSERT_EQ(FileState(root() / "indexed-before.jpg"), "present");
  {
    NoRoomToWrite full;
    fs::rename(staged, root() / "new-photo.jpg");  // a rename writes no data
    ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return !r.failures_.empty(); }))
        << "the run did not fail with no room to write";
    const Status problem = (*w)->status().problem;
    EXPECT_FALSE(problem.ok());
    EXPECT_NE(problem.message().find(catalog().string()), std::string::npos)
        << "the problem does not name the catalog: " << problem.ToString();
    EXPECT_NE(problem.message().find("disk"), std::string::npos) << problem.ToString();
    // Still watching (a retry may already be in flight under a slow build): never stopped.
    EXPECT_NE((*w)->status().state, WatchState::kStopped);
    std::printf("the problem shown: %s\n", problem.ToString().c_str());
  }
  EXPECT_EQ(FileState(root() / "indexed-before.jpg"), "present") << "lost what was indexed";
  EXPECT_TRUE(WaitForState(root() / "new-photo.jpg", "present", 10s))
      << "not indexed once there was room again";
  // The file is committed before its run ends; the problem clears when the run does.
  EXPECT_TRUE(QuietlyWaitFor(10s, [&] { return (*w)->status().problem.ok(); }))
      << (*w)->status().problem.ToString();
}

TEST_F(LibraryWatcherTest, WithoutNotificationsTheFolderIsRescannedOnATimer) {
  WatchOptions o = Options();
  o.notifications = false;
  o.poll_every = 1s;
  auto w = LibraryWatcher::Start(catalog(), o);
  ASSERT_OK(w.status());
  EXPECT_EQ((*w)->status().roots.at(0).how, RootHow::kRescanned);
  EXPECT_NE((*w)->status().roots.at(0).note.find("rescanned every 1 s"), std::string::npos);
  std::this_thread::sleep_for(300ms);
  fs::copy_file(photo_, root() / "polled.jpg");
  EXPECT_TRUE(WaitForState(root() / "polled.jpg", "present", 5s));
}

TEST_F(LibraryWatcherTest, AFolderThatDisappearsKeepsItsPhotosAsMissingUntilItIsBack) {
  fs::copy_file(photo_, root() / "kept.jpg");
  WatchOptions o = Options();
  o.poll_every = 1s;  // how soon a returning folder is noticed
  Recorder rec;
  auto w = LibraryWatcher::Start(catalog(), o, &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(WaitForState(root() / "kept.jpg", "present", 10s));
  fs::rename(root(), dir_ / "elsewhere");  // as an unmount or a move looks from here
  EXPECT_TRUE(WaitForState(root() / "kept.jpg", "missing", 5s));
  const WatchStatus s = (*w)->status();
  EXPECT_FALSE(s.roots.at(0).present);
  EXPECT_NE(s.roots.at(0).note.find("gone"), std::string::npos) << s.roots.at(0).note;
  fs::rename(dir_ / "elsewhere", root());
  EXPECT_TRUE(WaitForState(root() / "kept.jpg", "present", 5s));
  EXPECT_TRUE((*w)->status().roots.at(0).present);
}

TEST_F(LibraryWatcherTest, ACatalogLockedByAnotherIndexIsWaitedFor) {
  fs::create_directories(catalog().parent_path());
  auto lock = WriterLock::Acquire(catalog(), false);
  ASSERT_OK(lock.status());
  Recorder rec;
  auto w = LibraryWatcher::Start(catalog(), Options(), &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(5s, [](Recorder& r) {
    return std::find(r.states_.begin(), r.states_.end(), WatchState::kWaitingForLock) !=
           r.states_.end();
  }));
  EXPECT_EQ(rec.runs(), 0);
  lock->reset();
  EXPECT_TRUE(rec.WaitFor(5s, [](Recorder& r) { return r.runs_ >= 1 && r.failures_.empty(); }));
}

TEST_F(LibraryWatcherTest, ACatalogKeptAmongThePhotosCausesNoRunsOfItsOwnAndHidesNoPhoto) {
  // A catalog kept inside the watched folder (SHOEBOX_DB=~/Pictures/shoebox.db) must not make
  // every commit a change, and the photos beside it are still watched.
  WatchOptions o = Options();
  Recorder rec;
  const fs::path inside = root() / "shoebox.db";
  auto w = LibraryWatcher::Start(inside, o, &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.runs_ >= 1; }));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(rec.runs(), 1) << "the watcher's own commits started more runs";

  fs::copy_file(photo_, root() / "beside-the-catalog.jpg");
  ASSERT_TRUE(rec.WaitFor(5s, [](Recorder& r) { return r.runs_ >= 2; }))
      << "a photo beside the catalog was not noticed";
  auto cat = Catalog::Open(inside, false);
  ASSERT_OK(cat.status());
  auto row = (*cat)->FindByPath(fs::weakly_canonical(root() / "beside-the-catalog.jpg").string());
  ASSERT_OK(row.status());
  EXPECT_TRUE(row->has_value());
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(rec.runs(), 2) << "the run's own commits started more runs";
}

TEST_F(LibraryWatcherTest, ALibraryIsImportedAgainWhenItsDatabaseChanges) {
  const fs::path lrcat = CopyLightroomCatalog();
  WatchOptions o = Options();
  o.job.roots = {lrcat.string()};
  Recorder rec;
  auto w = LibraryWatcher::Start(catalog(), o, &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.runs_ >= 1; }));
  ASSERT_TRUE(rec.failures_.empty()) << rec.failures_.front().ToString();
  EXPECT_EQ((*w)->status().roots.at(0).how, RootHow::kNotified);
  // Lightroom writes its catalog in place (and a -journal beside it); a file beside it that is
  // not the catalog changes nothing.
  shoebox::testing::WriteFile(lrcat.parent_path() / "notes.txt", "unrelated");
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(rec.runs(), 1) << "a file beside the catalog started a run";
  shoebox::testing::WriteFile(lrcat.string() + "-journal", "a transaction");
  EXPECT_TRUE(rec.WaitFor(5s, [](Recorder& r) { return r.runs_ >= 2; }))
      << "the catalog's change was not noticed";
}

TEST_F(LibraryWatcherTest, ALibraryThatMovesAwayIsShownGoneKeepsItsPhotosAndIsReadWhenBack) {
  const fs::path lrcat = CopyLightroomCatalog();
  WatchOptions o = Options();
  o.job.roots = {lrcat.string()};
  o.poll_every = 1s;
  Recorder rec;
  auto w = LibraryWatcher::Start(catalog(), o, &rec);
  ASSERT_OK(w.status());
  ASSERT_TRUE(rec.WaitFor(10s, [](Recorder& r) { return r.runs_ >= 1; }));
  auto files = [&]() -> int64_t {  // the library's photos, originals present or not
    auto cat = Catalog::Open(catalog(), false);
    if (!cat.ok()) return -1;
    auto st = (*cat)->Stats();
    return st.ok() ? st->files + st->missing : -1;
  };
  const int64_t imported = files();
  ASSERT_GT(imported, 0);

  fs::rename(lrcat, dir_ / "Catalog-moved.lrcat");  // moved elsewhere by the user
  ASSERT_TRUE(QuietlyWaitFor(5s, [&] { return !(*w)->status().roots.at(0).present; }))
      << "the moved library is not shown as gone; state " << WatchStateName((*w)->status().state)
      << ", runs " << (*w)->status().runs << ", problem " << (*w)->status().problem.ToString()
      << ", note " << (*w)->status().roots.at(0).note;
  EXPECT_NE((*w)->status().roots.at(0).note.find("gone"), std::string::npos)
      << (*w)->status().roots.at(0).note;
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE((*w)->status().problem.ok()) << (*w)->status().problem.ToString();
  EXPECT_EQ(files(), imported) << "the library's photos were dropped from the catalog";

  fs::rename(dir_ / "Catalog-moved.lrcat", lrcat);
  const int before = rec.runs();
  EXPECT_TRUE(QuietlyWaitFor(5s, [&] { return (*w)->status().roots.at(0).present; }));
  EXPECT_TRUE(rec.WaitFor(5s, [&](Recorder& r) { return r.runs_ > before; }))
      << "not read again when back";
  EXPECT_TRUE(rec.failures_.empty()) << rec.failures_.front().ToString();
  EXPECT_EQ(files(), imported);
}

TEST(IndexedRoots, AreTheFoldersAndLibrariesTheCatalogHasIndexedWithoutNestedFolders) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "c.db", true);
  ASSERT_OK(cat.status());
  ASSERT_OK((*cat)->EnsureSource("folder", "/photos", 1).status());
  ASSERT_OK((*cat)->EnsureSource("takeout", "/photos/takeout.zip", 1).status());
  ASSERT_OK((*cat)->EnsureSource("folder", "/photos/2024", 1).status());
  ASSERT_OK((*cat)->EnsureSource("folder", "/photos 2", 1).status());
  ASSERT_OK((*cat)->EnsureSource("lightroom", "/lr/cat.lrcat", 1).status());
  cat->reset();
  auto roots = IndexedRoots(dir / "c.db");
  ASSERT_OK(roots.status());
  EXPECT_EQ(*roots, (std::vector<std::string>{"/lr/cat.lrcat", "/photos", "/photos 2",
                                              "/photos/takeout.zip"}));
}

}  // namespace
}  // namespace shoebox::watch
