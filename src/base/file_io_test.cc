#include "base/file_io.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace shoebox
