#include "pipeline/library_discovery.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace shoebox {
namespace {

namespace fs = std::filesystem;
using shoebox::testing::CorpusPath;
using shoebox::testing::TempDir;

// A home as a photographer's looks: Apple Photos in ~/Pictures, a Lightroom catalog two
// folders down, a Takeout download extracted in ~/Downloads, and ordinary photo folders.
fs::path MakeHome(const TempDir& dir) {
  const fs::path home = dir / "home";
  const fs::path lib = CorpusPath() / "libraries";
  fs::create_directories(home / "Pictures" / "Lightroom" / "2019");
  fs::create_directories(home / "Pictures" / "holidays");
  fs::create_directories(home / "Downloads");
  fs::copy(lib / "apple-photos" / "Test-Lock-10_15_1.photoslibrary",
           home / "Pictures" / "Photos Library.photoslibrary", fs::copy_options::recursive);
  fs::copy_file(lib / "lightroom" / "test_catalog_1" / "test_catalog_1.lrcat",
                home / "Pictures" / "Lightroom" / "2019" / "Catalog.lrcat");
  fs::copy(lib / "google-takeout" / "seb-test-set1" / "Takeout", home / "Downloads" / "Takeout",
           fs::copy_options::recursive);
  return home;
}

TEST(LibraryDiscovery, FindsTheLibrariesInTheirUsualPlacesWithTheirPhotoCounts) {
  TempDir dir;
  const fs::path home = MakeHome(dir);
  const auto before = shoebox::testing::SnapshotTree(home);
  auto found = FindLibraries(home);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].kind, "apple-photos");
  EXPECT_EQ(found[0].path, (home / "Pictures" / "Photos Library.photoslibrary").string());
  EXPECT_EQ(found[1].kind, "lightroom");
  EXPECT_EQ(found[1].path, (home / "Pictures" / "Lightroom" / "2019" / "Catalog.lrcat").string());
  EXPECT_EQ(found[2].kind, "takeout");
  // The counts the manifest states: 1 photo in the Photos library, 4 in the catalog, 4 in
  // the Takeout folder (3 JPEGs and a PNG; the sidecars are not photos).
  auto photos = CountLibraryPhotos(found[0]);
  ASSERT_OK(photos.status());
  EXPECT_EQ(*photos, 1);
  auto catalog = CountLibraryPhotos(found[1]);
  ASSERT_OK(catalog.status());
  EXPECT_EQ(*catalog, 4);
  auto takeout = CountLibraryPhotos(found[2]);
  ASSERT_OK(takeout.status());
  EXPECT_EQ(*takeout, 4);
  EXPECT_EQ(shoebox::testing::SnapshotTree(home), before) << "finding and counting wrote";
}

TEST(LibraryDiscovery, AHomeWithoutPicturesOrDownloadsFindsNothing) {
  TempDir dir;
  EXPECT_TRUE(FindLibraries(dir.path()).empty());
  EXPECT_TRUE(FindLibraries(dir / "no-such-home").empty());
}

}  // namespace
}  // namespace shoebox
