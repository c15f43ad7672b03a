// Shared helpers for shoebox tests: temp dirs, fixture paths, running the CLI.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

#define ASSERT_OK(expr)                    \
  do {                                     \
    auto _s = (expr);                      \
    ASSERT_TRUE(_s.ok()) << _s.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                    \
  do {                                     \
    auto _s = (expr);                      \
    EXPECT_TRUE(_s.ok()) << _s.ToString(); \
  } while (0)

namespace shoebox::testing {

// A fresh directory under $TMPDIR, removed (made writable first) when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

// tests/e2e/mock_hub.py serving every folder below root as a Hub repo on 127.0.0.1: its pid
// (stop it with SIGTERM and waitpid) and "http://127.0.0.1:PORT" in endpoint; -1 when it did
// not start (python3 missing).
pid_t StartMockHub(const std::filesystem::path& root, std::string* endpoint);

// tests/data/<rel> in the source tree.
std::filesystem::path DataPath(const std::string& rel);

// $SHOEBOX_CORPUS or ../shared/corpus next to the source tree. Fails the test (not skips)
// when it is missing, so CI cannot silently lose the corpus tests.
std::filesystem::path CorpusPath();

// $SHOEBOX_GOLDEN or tests/data/golden (the reference model data, copied from ../shared/golden);
// fails the test when missing.
std::filesystem::path GoldenPath();

std::string ReadFile(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, const std::string& data);
void CopyFile(const std::filesystem::path& from, const std::filesystem::path& to);

// Every file under dir with its size, content hash and mtime: compare two snapshots to prove
// a library was not written, created in or touched.
std::map<std::string, std::string> SnapshotTree(const std::filesystem::path& dir);

// The test videos of tests/data/make_videos.sh (ffmpeg), made once per version of the script
// into $TMPDIR/shoebox-test-videos-UID-HASH and reused; fails the test when ffmpeg could not
// make them.
std::filesystem::path TestVideos();

// An animated GIF (written by libvips) whose frames are the given images, each cropped to a
// size x size square, shown delay_ms each.
std::string AnimatedGif(const std::vector<std::filesystem::path>& frames, int size, int delay_ms);

// One section of a Lightroom .lrprev file as Lightroom Classic writes it (docs/formats.md):
// the 32-byte big-endian header ("AgHg", header length 32, version 1, kind, data length,
// padding to 16 bytes, the name NUL-padded to 8 bytes), the data, the padding.
std::string LrprevSection(const std::string& name, const std::string& data);

}  // namespace shoebox::testing
