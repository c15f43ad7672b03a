#include "pipeline/indexer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <map>

#include "catalog_test_access.h"
#include "imaging/reduced_decode.h"
#include "test_util.h"

namespace shoebox {
namespace {

using testing::CopyFile;
using testing::DataPath;
using testing::TempDir;

class IndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (tmp_ / "library").string();
    CopyFile(DataPath("fixtures/Canon_40D.jpg"), tmp_ / "library/2008/Canon_40D.jpg");
    CopyFile(DataPath("fixtures/landscape_6.jpg"), tmp_ / "library/with space/paisaje ñ.jpg");
    CopyFile(DataPath("fixtures/palette_color.png"), tmp_ / "library/palette.png");
    CopyFile(DataPath("fixtures/truncated.jpg"), tmp_ / "library/broken.jpg");
    auto cat = Catalog::Open(tmp_ / "catalog.db", true);
    ASSERT_OK(cat.status());
    cat_ = std::move(*cat);
    opt_.show_progress = false;
    opt_.threads = 2;
  }

  IndexReport Index() {
    auto r = IndexFolders(cat_.get(), {root_}, thumbs_, opt_);
    EXPECT_OK(r.status());
    return r.ok() ? *r : IndexReport{};
  }

  std::optional<PhotoRow> Row(const std::string& rel) {
    auto r = cat_->FindByPath(root_ + "/" + rel);
    EXPECT_OK(r.status());
    return r.ok() ? *r : std::nullopt;
  }

  TempDir tmp_;
  std::string root_;
  std::unique_ptr<Catalog> cat_;
  ThumbnailCache thumbs_{tmp_ / "thumbs"};
  IndexOptions opt_;
};

TEST_F(IndexerTest, FirstRunCataloguesPhotosAndRecordsBadOnes) {
  IndexReport r = Index();
  EXPECT_EQ(r.seen, 4);
  EXPECT_EQ(r.added, 4);
  EXPECT_EQ(r.errors, 1);
  auto row = Row("with space/paisaje ñ.jpg");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->asset.orientation, 6);
  EXPECT_TRUE(row->asset.has_thumbnail);
  EXPECT_TRUE(thumbs_.Has(row->asset.hash));
  auto errors = cat_->Errors();
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ(errors->at(0).path, root_ + "/broken.jpg");
  EXPECT_NE(errors->at(0).reason.find("truncated"), std::string::npos);
}

TEST_F(IndexerTest, UnchangedFilesAreSkippedWithoutReading) {
  Index();
  // Make one file unreadable: if the second run opened it, it would record an error.
  ::chmod((root_ + "/palette.png").c_str(), 0);
  IndexReport r = Index();
  ::chmod((root_ + "/palette.png").c_str(), 0644);
  EXPECT_EQ(r.unchanged, 4);
  EXPECT_EQ(r.added + r.linked + r.errors + r.missing, 0);
}

TEST_F(IndexerTest, TouchedFileIsRehashedButNotRedecoded) {
  Index();
  auto before = Row("palette.png");
  struct utimbuf t {
    1000000000, 1000000000
  };
  ASSERT_EQ(::utime((root_ + "/palette.png").c_str(), &t), 0);
  IndexReport r = Index();
  EXPECT_EQ(r.added, 0);
  EXPECT_EQ(r.linked, 1);
  EXPECT_EQ(Row("palette.png")->asset.id, before->asset.id);
  EXPECT_EQ(Row("palette.png")->file.mtime_ns, int64_t{1000000000} * 1000000000);
}

TEST_F(IndexerTest, EditedFileGetsNewContent) {
  Index();
  auto before = Row("2008/Canon_40D.jpg");
  CopyFile(DataPath("fixtures/basn6a16.png"),
           root_ + "/2008/Canon_40D.jpg");  // same name, new bytes
  IndexReport r = Index();
  EXPECT_EQ(r.added, 1);
  auto after = Row("2008/Canon_40D.jpg");
  EXPECT_NE(after->asset.id, before->asset.id);
  EXPECT_EQ(after->asset.format, "png");  // recognised by content, not by name
}

TEST_F(IndexerTest, RenamedAndMovedFilesKeepTheirAsset) {
  Index();
  auto before = Row("with space/paisaje ñ.jpg");
  std::filesystem::create_directories(root_ + "/moved here");
  std::filesystem::rename(root_ + "/with space/paisaje ñ.jpg", root_ + "/moved here/renamed.JPG");
  std::filesystem::rename(root_ + "/palette.png", root_ + "/palette renamed.png");
  IndexReport r = Index();
  EXPECT_EQ(r.added, 0);
  EXPECT_EQ(r.linked, 2);
  EXPECT_EQ(r.missing, 2);
  auto moved = Row("moved here/renamed.JPG");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->asset.id, before->asset.id);
  EXPECT_EQ(moved->asset.orientation, 6);
  EXPECT_EQ(Row("with space/paisaje ñ.jpg")->file.status, FileStatus::kMissing);
  EXPECT_EQ(cat_->Stats()->assets, 4);
}

TEST_F(IndexerTest, DeletedFileIsMarkedMissingAndComesBack) {
  Index();
  std::string saved = testing::ReadFile(root_ + "/palette.png");
  struct stat st {};
  ::stat((root_ + "/palette.png").c_str(), &st);
  std::filesystem::remove(root_ + "/palette.png");
  IndexReport r = Index();
  EXPECT_EQ(r.missing, 1);
  EXPECT_EQ(Row("palette.png")->file.status, FileStatus::kMissing);
  EXPECT_EQ(cat_->Stats()->missing, 1);
  // Restored with its old mtime (a backup restore): present again, unread.
  testing::WriteFile(root_ + "/palette.png", saved);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, (root_ + "/palette.png").c_str(), times, 0);
  r = Index();
  EXPECT_EQ(r.added + r.linked, 0);
  EXPECT_EQ(Row("palette.png")->file.status, FileStatus::kPresent);
  EXPECT_EQ(cat_->Stats()->missing, 0);
}

TEST_F(IndexerTest, CopiesAreExactDuplicatesOfOneAsset) {
  Index();
  CopyFile(root_ + "/2008/Canon_40D.jpg", root_ + "/copy/IMG_0001 (copy).jpg");
  IndexReport r = Index();
  EXPECT_EQ(r.linked, 1);
  EXPECT_EQ(r.added, 0);
  EXPECT_EQ(Row("copy/IMG_0001 (copy).jpg")->asset.id, Row("2008/Canon_40D.jpg")->asset.id);
  EXPECT_EQ(cat_->Stats()->files, 5);
  EXPECT_EQ(cat_->Stats()->assets, 4);
}

TEST_F(IndexerTest, CopyOfABrokenFileIsAnErrorToo) {
  Index();
  CopyFile(root_ + "/broken.jpg", root_ + "/broken copy.jpg");
  IndexReport r = Index();
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(cat_->Errors()->size(), 2u);
}

TEST_F(IndexerTest, NonUtf8AndOddNamesAreIndexed) {
  CopyFile(DataPath("fixtures/Canon_40D.jpg"), root_ + "/bad_\xff\xfe.jpg");
  CopyFile(DataPath("fixtures/Canon_40D.jpg"), root_ + "/写真 'quoted' \"double\".jpg");
  CopyFile(DataPath("fixtures/Canon_40D.jpg"), root_ + "/UPPER.JPEG");
  CopyFile(DataPath("fixtures/palette_color.png"), root_ + "/no extension");
  Index();
  EXPECT_TRUE(Row("bad_\xff\xfe.jpg"));
  EXPECT_TRUE(Row("写真 'quoted' \"double\".jpg"));
  EXPECT_TRUE(Row("UPPER.JPEG"));
  ASSERT_TRUE(Row("no extension"));
  EXPECT_EQ(Row("no extension")->asset.format, "png");
}

TEST_F(IndexerTest, TextFileWithoutImageNameIsRememberedNotReported) {
  testing::WriteFile(root_ + "/notes", "shopping list");
  IndexReport r = Index();
  EXPECT_EQ(r.not_images, 1);
  EXPECT_EQ(r.errors, 1);           // only broken.jpg
  EXPECT_EQ(Index().unchanged, 5);  // and not sniffed again
}

TEST_F(IndexerTest, FullDiskEndsTheRunWithAClearErrorAndKeepsWhatWasIndexed) {
  Index();
  std::string png = testing::ReadFile(DataPath("fixtures/basn6a16.png"));
  for (int i = 0; i < 40; ++i)  // distinct contents: a trailer after IEND
    testing::WriteFile(root_ + "/more/" + std::to_string(i) + ".png", png + std::to_string(i));
  // Cap the catalog at its current size: the next insert fails as on a full disk.
  auto pages = CatalogDb(*cat_).Prepare("PRAGMA page_count");
  Status st;
  ASSERT_TRUE(pages->Step(&st));
  ASSERT_OK(CatalogDb(*cat_).Exec("PRAGMA max_page_count=" + std::to_string(pages->Int(0))));
  auto r = IndexFolders(cat_.get(), {root_}, thumbs_, opt_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDiskFull);
  EXPECT_NE(r.status().message().find("disk full"), std::string::npos);
  ASSERT_OK(CatalogDb(*cat_).Exec("PRAGMA max_page_count=1073741823"));
  EXPECT_EQ(cat_->Stats()->assets, 4);  // the first run's work is intact
  IndexReport again = Index();
  EXPECT_EQ(again.added, 40);
}

// Keeps what the crawl hands over.
class RecordingEmbedder : public CrawlEmbedder {
 public:
  explicit RecordingEmbedder(PreprocessConfig c) : config_(c) {}
  const PreprocessConfig& input() const override { return config_; }
  Status Add(int64_t asset_id, std::vector<float> pixels, const std::string& source) override {
    got[asset_id] = {std::move(pixels), source};
    return Status::Ok();
  }
  Status Flush() override {
    ++flushes;
    return Status::Ok();
  }
  std::map<int64_t, std::pair<std::vector<float>, std::string>> got;
  int flushes = 0;

 private:
  PreprocessConfig config_;
};

TEST_F(IndexerTest, NewPhotosAreDecodedOnceForThumbnailAndModelInput) {
  std::filesystem::remove(tmp_ / "library/broken.jpg");
  CopyFile(testing::CorpusPath() / "photos/big/Oppo R7 Plus.jpg", tmp_ / "library/big/oppo.jpg");
  PreprocessConfig clip;  // openai/clip-vit-base-patch32's
  clip.shortest_edge = 224;
  clip.do_center_crop = true;
  RecordingEmbedder embedder(clip);
  opt_.embedder = &embedder;
  const uint64_t decodes = PhotoDecodeCount();
  IndexReport r = Index();
  EXPECT_EQ(r.added, 4);
  EXPECT_EQ(r.embedded, 4);
  EXPECT_EQ(PhotoDecodeCount() - decodes, 4u)
      << "one decode per photo for thumbnail and model input";
  EXPECT_GE(embedder.flushes, 1);
  ASSERT_EQ(embedder.got.size(), 4u);
  for (const char* rel :
       {"2008/Canon_40D.jpg", "with space/paisaje ñ.jpg", "palette.png", "big/oppo.jpg"}) {
    auto row = Row(rel);
    ASSERT_TRUE(row) << rel;
    EXPECT_TRUE(row->asset.has_thumbnail) << rel;
    ASSERT_TRUE(embedder.got.count(row->asset.id)) << rel;
    // Exactly what the embedding stage (and `shoebox embed`) would prepare from the file.
    std::string bytes = testing::ReadFile(root_ + "/" + rel);
    auto expected =
        DecodeForModel(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), clip, rel);
    ASSERT_OK(expected.status());
    EXPECT_EQ(embedder.got[row->asset.id].first, Preprocess(expected->rgb, clip)) << rel;
    EXPECT_EQ(embedder.got[row->asset.id].second, "photo");
  }
  auto big = Row("big/oppo.jpg");
  EXPECT_EQ(std::max(*big->asset.width, *big->asset.height),
            4160);  // stored size, not the reduced decode's
  // Nothing new: nothing decoded, nothing handed over.
  embedder.got.clear();
  const uint64_t again = PhotoDecodeCount();
  EXPECT_EQ(Index().unchanged, 4);
  EXPECT_EQ(PhotoDecodeCount(), again);
  EXPECT_TRUE(embedder.got.empty());
}

}  // namespace
}  // namespace shoebox
