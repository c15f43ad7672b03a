#include "library/archive/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace shoebox {
namespace {

using testing::TempDir;

// A .tar.gz of members "m<i>" holding "data <i>", in that order.
void WriteTgz(const std::string& path, int n) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (int i = 0; i < n; ++i) {
    const std::string name = "dir/m" + std::to_string(i), data = "data " + std::to_string(i);
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::string Text(const Result<std::vector<uint8_t>>& r) {
  return r.ok() ? std::string(r->begin(), r->end()) : "error: " + r.status().message();
}

TEST(ArchiveCursor, ReadsBatchesForwardAndGoesBackWhenAsked) {
  TempDir d;
  const std::string tgz = (d / "t.tgz").string();
  WriteTgz(tgz, 50);
  ArchiveCursor cursor(tgz);
  auto first = cursor.Read({"dir/m3", "dir/m7"}, 1 << 20);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Text(first->at("dir/m3")), "data 3");
  EXPECT_EQ(Text(first->at("dir/m7")), "data 7");
  auto next = cursor.Read({"dir/m8", "dir/m40"}, 1 << 20);  // ahead of the cursor
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Text(next->at("dir/m40")), "data 40");
  auto back = cursor.Read({"dir/m1", "dir/m45"}, 1 << 20);  // one behind, one ahead
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Text(back->at("dir/m1")), "data 1");
  EXPECT_EQ(Text(back->at("dir/m45")), "data 45");
  auto missing = cursor.Read({"dir/nope", "dir/m2"}, 1 << 20);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->count("dir/nope"), 0u);
  EXPECT_EQ(Text(missing->at("dir/m2")), "data 2");
  auto big = cursor.Read({"dir/m10"}, 3);  // over the size limit: that member's error
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->at("dir/m10").ok());
}

TEST(ArchivePaths, SplitsOnlyAtARealArchive) {
  TempDir d;
  const std::string tgz = (d / "photos.tar.gz").string();
  WriteTgz(tgz, 1);
  auto split = SplitArchivePath(tgz + "/dir/m0");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->archive, tgz);
  EXPECT_EQ(split->member, "dir/m0");
  EXPECT_FALSE(SplitArchivePath((d / "photos.zip/x.jpg").string())) << "no such archive";
  EXPECT_FALSE(SplitArchivePath((d / "plain/x.jpg").string()));
  EXPECT_TRUE(IsArchiveName("Takeout-001.ZIP"));
  EXPECT_TRUE(IsArchiveName("a.tgz"));
  EXPECT_FALSE(IsArchiveName("a.zip.json"));
  auto bad = ArchiveReader::Open((d / "missing.zip").string());
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace shoebox
