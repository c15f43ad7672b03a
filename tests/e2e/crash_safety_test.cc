// SIGKILL at random moments never corrupts the catalog; the next run finishes the job.
// Concurrent runs are refused; readers work while an index runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "catalog/catalog.h"
#include "catalog_test_access.h"
#include "cli_runner.h"
#include "test_util.h"

namespace shoebox::testing {
namespace {

// A library big enough that indexing takes a couple of seconds: the corpus photos.
std::filesystem::path MakeLibrary(const TempDir& tmp) {
  std::filesystem::path lib = tmp / "library";
  std::filesystem::copy(CorpusPath() / "photos", lib, std::filesystem::copy_options::recursive);
  return lib;
}

std::string Scalar(Catalog* cat, const std::string& sql) {
  auto q = CatalogDb(*cat).Prepare(sql);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  Status st;
  if (!q.ok() || !q->Step(&st)) return "";
  return q->Text(0);
}

TEST(CrashSafety, RandomSigkillsNeverCorruptAndTheNextRunCompletes) {
  TempDir tmp;
  std::filesystem::path lib = MakeLibrary(tmp);
  // The reference: one uninterrupted run in another home.
  Cli reference(tmp / "reference");
  ASSERT_EQ(reference.Run({"-q", "index", lib.string()}).exit_code, 0);
  nlohmann::json want = reference.Run({"status", "--json"}).Json();

  Cli cli(tmp / "home");
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> delay_ms(30, 1500);
  int killed_mid_run = 0;
  for (int round = 0; round < 6; ++round) {
    pid_t pid = cli.Start({"-q", "index", "--threads", "1", lib.string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    bool was_running = ::kill(pid, SIGKILL) == 0;
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (was_running && WIFSIGNALED(status)) ++killed_mid_run;
    if (!std::filesystem::exists(cli.catalog())) continue;
    auto cat = Catalog::Open(cli.catalog(), false);
    ASSERT_TRUE(cat.ok()) << cat.status().ToString();
    EXPECT_EQ(Scalar(cat->get(), "PRAGMA integrity_check"), "ok") << "round " << round;
    EXPECT_EQ(Scalar(cat->get(), "PRAGMA foreign_key_check"), "") << "round " << round;
  }
  EXPECT_GE(killed_mid_run, 3) << "the kills should land while indexing";
  CliResult final_run = cli.Run({"-q", "index", lib.string()});
  ASSERT_EQ(final_run.exit_code, 0) << final_run.err;
  nlohmann::json got = cli.Run({"status", "--json"}).Json();
  for (const char* key : {"files", "assets", "missing", "errors", "thumbnails"})
    EXPECT_EQ(got[key], want[key]) << key;
  auto cat = Catalog::Open(cli.catalog(), false);
  EXPECT_EQ(Scalar(cat->get(), "SELECT count(*) FROM files WHERE status = 0 AND asset_id IS NULL"),
            "0");
  EXPECT_EQ(Scalar(cat->get(), "SELECT count(*) - count(DISTINCT hash) FROM assets"), "0");
}

TEST(CrashSafety, SecondIndexIsRefusedAndReadersStillWork) {
  TempDir tmp;
  std::filesystem::path lib = MakeLibrary(tmp);
  Cli cli(tmp / "home");
  ASSERT_EQ(cli.Run({"-q", "index", (lib / "orientation").string()}).exit_code, 0);
  // Hold the writer lock the way a running `index` does.
  std::string lock_path = cli.catalog().string() + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  CliResult second = cli.Run({"-q", "index", lib.string()});
  EXPECT_EQ(second.exit_code, 3);
  EXPECT_NE(second.err.find("another `shoebox index` is already updating"), std::string::npos)
      << second.err;
  EXPECT_EQ(cli.Run({"status", "--json"}).exit_code, 0);
  EXPECT_EQ(cli.Run({"info", "--json", (lib / "orientation/landscape_3.jpg").string()}).exit_code,
            0);
  ::close(fd);
  EXPECT_EQ(cli.Run({"-q", "index", lib.string()}).exit_code, 0);
}

TEST(CrashSafety, StatusAndInfoWorkWhileAnIndexIsRunning) {
  TempDir tmp;
  std::filesystem::path lib = MakeLibrary(tmp);
  Cli cli(tmp / "home");
  ASSERT_EQ(cli.Run({"-q", "index", (lib / "orientation").string()}).exit_code, 0);
  pid_t pid = cli.Start({"-q", "index", "--threads", "1", lib.string()});
  int ok_reads = 0;
  for (int i = 0; i < 10; ++i) {
    CliResult s = cli.Run({"status", "--json"});
    CliResult info = cli.Run({"info", "--json", (lib / "orientation/landscape_3.jpg").string()});
    ok_reads += s.exit_code == 0 && info.exit_code == 0;
    EXPECT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(info.exit_code, 0) << info.err;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(ok_reads, 10);
}

}  // namespace
}  // namespace shoebox::testing
