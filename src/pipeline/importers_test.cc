#include "pipeline/importers.h"

#include <gtest/gtest.h>

#include <set>

#include "test_util.h"

namespace shoebox {
namespace {

using testing::CorpusPath;

std::string KindOf(const std::filesystem::path& p) { return DetectImporter(p.string()).kind; }

TEST(Importers, IndexRecognisesEachLibraryOfTheCorpusByItsStructure) {
  const auto libs = CorpusPath() / "libraries";
  EXPECT_EQ(KindOf(libs / "apple-photos/Test-Empty-Library-Ventura-13-5.photoslibrary"),
            "apple-photos");
  EXPECT_EQ(KindOf(libs / "lightroom/test_catalog_1/test_catalog_1.lrcat"), "lightroom");
  EXPECT_EQ(KindOf(libs / "google-takeout/immich-go-gophers"), "takeout");  // holds Takeout/
  EXPECT_EQ(KindOf(libs / "google-takeout/immich-go-gophers/Takeout"), "takeout");
  EXPECT_EQ(KindOf("/downloads/takeout-20240101T000000Z-001.zip"), "takeout");  // read in place
  EXPECT_EQ(KindOf(CorpusPath() / "bad"), "folder");
}

TEST(Importers, EveryKindHasOneRowAndEveryLibraryKindAReaderOrACrawl) {
  std::set<std::string> kinds;
  for (const Importer& i : Importers()) {
    EXPECT_TRUE(kinds.insert(i.kind).second) << i.kind << " twice";
    EXPECT_TRUE(i.looks_like && i.accepts) << i.kind;
    EXPECT_FALSE(i.help.empty()) << i.kind;
    EXPECT_EQ(FindImporter(i.kind), &i);
  }
  EXPECT_EQ(Importers().back().kind, "folder");  // takes anything, so it is tried last
  EXPECT_TRUE(FindImporter("apple-photos")->read);
  EXPECT_TRUE(FindImporter("lightroom")->read);
  EXPECT_TRUE(FindImporter("capture-one")->read);
  EXPECT_FALSE(FindImporter("takeout")->read);  // crawled as a folder, sidecars after
  EXPECT_EQ(FindImporter("picasa"), nullptr);
}

TEST(Importers, ImportTakesAnyFolderAsTakeoutButOnlyLrcatFilesAsLightroom) {
  EXPECT_TRUE(FindImporter("takeout")->accepts("/home/me/my-export"));
  EXPECT_FALSE(FindImporter("lightroom")->accepts("/home/me/Pictures"));
  EXPECT_TRUE(FindImporter("lightroom")->accepts("/home/me/Lightroom/Catalog.lrcat"));
}

}  // namespace
}  // namespace shoebox
