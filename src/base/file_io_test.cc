#include "base/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.h"

namespace shoebox {
namespace {

using testing::TempDir;

TEST(FileIo, ContentHashIsXxh3_128Hex) {
  // Reference value from xxhsum -H2 of the empty input.
  EXPECT_EQ(ContentHashHex(nullptr, 0), "99aa06d3014798d86001c324468d497f");
  std::string a = "abc";
  EXPECT_EQ(ContentHashHex(reinterpret_cast<const uint8_t*>(a.data()), a.size()).size(), 32u);
}

TEST(FileIo, ReadsWholeFilesAndRefusesLargeOnes) {
  TempDir d;
  testing::WriteFile(d / "f", "hello");
  auto r = ReadWholeFile(d / "f", 100);
  ASSERT_OK(r.status());
  EXPECT_EQ(std::string(r->begin(), r->end()), "hello");
  EXPECT_EQ(ReadWholeFile(d / "f", 3).status().code(), StatusCode::kTooLarge);
  auto p = ReadFilePrefix(d / "f", 2);
  EXPECT_EQ(std::string(p->begin(), p->end()), "he");
  EXPECT_EQ(ReadWholeFile(d / "missing", 10).status().code(), StatusCode::kNotFound);
}

TEST(FileIo, RefusesFifosWithoutBlocking) {
  TempDir d;
  ASSERT_EQ(::mkfifo((d / "fifo.jpg").c_str(), 0644), 0);
  auto r = ReadWholeFile(d / "fifo.jpg", 100);
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
}

TEST(FileIo, AtomicWriteLeavesNoTemporaries) {
  TempDir d;
  ASSERT_OK(WriteFileAtomic(d / "a/b/c.jpg", "xyz", 3));
  EXPECT_EQ(testing::ReadFile(d / "a/b/c.jpg"), "xyz");
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(d / "a/b")) n += e.is_regular_file();
  EXPECT_EQ(n, 1);
}

int64_t MtimeNs(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

TEST(FileIo, OpenUnchangedOpensOnlyTheFileTheCatalogRecorded) {
  TempDir d;
  const auto root = d / "photos";
  testing::WriteFile(root / "a.jpg", "original bytes");
  const int64_t mtime = MtimeNs(root / "a.jpg");
  auto ok = OpenUnchanged(root / "a.jpg", 14, mtime, root);
  ASSERT_OK(ok.status());
  auto all = (*ok)->ReadAll(100);
  EXPECT_EQ(std::string(all->begin(), all->end()), "original bytes");

  // Another size, or another time: changed, and the message says what to run.
  EXPECT_EQ(OpenUnchanged(root / "a.jpg", 15, mtime, root).status().code(), StatusCode::kChanged);
  auto other_time = OpenUnchanged(root / "a.jpg", 14, mtime + 1, root);
  EXPECT_EQ(other_time.status().code(), StatusCode::kChanged);
  EXPECT_NE(other_time.status().message().find("shoebox index"), std::string::npos);

  // A link put in the photo's place, to a file outside with the same size and time.
  testing::WriteFile(d / "secret", "SECRET  bytes!");
  struct timespec times[2] = {{0, UTIME_OMIT}, {mtime / 1'000'000'000, mtime % 1'000'000'000}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (d / "secret").c_str(), times, 0), 0);
  std::filesystem::remove(root / "a.jpg");
  std::filesystem::create_symlink(d / "secret", root / "a.jpg");
  auto leak = OpenUnchanged(root / "a.jpg", 14, mtime, root);
  EXPECT_EQ(leak.status().code(), StatusCode::kChanged);
  EXPECT_NE(leak.status().message().find("outside the indexed folder"), std::string::npos)
      << leak.status().ToString();

  // A folder link the crawl followed may lead elsewhere: its files are served.
  std::filesystem::create_directory_symlink(d / "elsewhere", root / "linked");
  testing::WriteFile(d / "elsewhere/b.jpg", "b");
  EXPECT_OK(OpenUnchanged(root / "linked/b.jpg", 1, MtimeNs(d / "elsewhere/b.jpg"), root).status());

  // Gone, or not a regular file.
  EXPECT_EQ(OpenUnchanged(root / "nope.jpg", 1, 0, root).status().code(), StatusCode::kNotFound);
  std::filesystem::create_directory(root / "dir.jpg");
  EXPECT_EQ(OpenUnchanged(root / "dir.jpg", 1, 0, root).status().code(), StatusCode::kChanged);
}

}  // namespace
}  // namespace shoebox
