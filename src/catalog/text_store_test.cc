#include "catalog/text_store.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "catalog_test_access.h"
#include "test_util.h"

namespace shoebox {
namespace {

using testing::TempDir;

struct Library {
  TempDir dir;
  std::unique_ptr<Catalog> cat;
  int64_t source = 0;

  Library() {
    auto c = Catalog::Open(dir / "c.db", true);
    EXPECT_TRUE(c.ok());
    cat = std::move(*c);
    source = *cat->EnsureSource("folder", "/home/me/Pictures", 1);
  }
  // A photo at path (below the source) with OCR text; returns (asset id, file id).
  std::pair<int64_t, int64_t> Add(const std::string& hash, const std::string& path,
                                  const std::string& ocr, const std::string& taken = "2020-01-01") {
    AssetRecord a;
    a.hash = hash;
    a.size = 1;
    a.format = "jpeg";
    a.taken_at = taken;
    const int64_t id = *cat->InsertAsset(a, 1);
    FileRecord f;
    f.source_id = source;
    f.path = path;
    f.size = 1;
    f.mtime_ns = 1;
    f.asset_id = id;
    f.last_seen = 1;
    EXPECT_TRUE(cat->UpsertFile(f).ok());
    if (!ocr.empty()) {
      AssetTextRecord r;
      r.state = TextState::kRead;
      r.version = 1;
      r.text = ocr;
      r.read_at = 1;
      EXPECT_TRUE(cat->SetAssetText(id, r).ok());
    }
    return {id, cat->FindByPath(path)->value().file.id};
  }
  std::vector<int64_t> Find(std::vector<TextTerm> terms, PhotoFilter filter = {},
                            std::vector<TextTerm> excluded = {}) {
    EXPECT_TRUE(cat->RefreshTextIndex().ok());
    auto hits = cat->SearchText({terms, excluded, false}, filter, 20);
    EXPECT_TRUE(hits.ok()) << hits.status().message();
    std::vector<int64_t> ids;
    for (const auto& h : *hits) ids.push_back(h.asset_id);
    return ids;
  }
};

TEST(TextIndex, AccentsAndCaseDoNotMatterEitherWay) {
  Library lib;
  auto [meme, f1] = lib.Add("a1", "/home/me/Pictures/m1.jpg", "REUNIÓN A LAS OCHO\n");
  auto [pwd, f2] = lib.Add("a2", "/home/me/Pictures/m2.jpg", "la contrasena es corta\n");
  lib.Add("a3", "/home/me/Pictures/m3.jpg", "nothing here\n");
  EXPECT_EQ(lib.Find({{"reunion"}, {"ocho"}}), std::vector<int64_t>{meme});
  EXPECT_EQ(lib.Find({{"Reunión"}}), std::vector<int64_t>{meme});
  EXPECT_EQ(lib.Find({{"contraseña"}}), std::vector<int64_t>{pwd});
}

TEST(TextIndex, PrefixesAndPhrasesInOrder) {
  Library lib;
  auto [a, fa] = lib.Add("a1", "/home/me/Pictures/a.jpg", "WHEN YOU SEE IT\nYOU CANNOT UNSEE IT\n");
  auto [b, fb] = lib.Add("b1", "/home/me/Pictures/b.jpg", "see it when you can\n");
  EXPECT_EQ(lib.Find({{"when you see it"}}), std::vector<int64_t>{a});
  EXPECT_EQ(lib.Find({{"unse", true}}), std::vector<int64_t>{a});
  EXPECT_TRUE(lib.Find({{"unse"}}).empty());
  EXPECT_EQ(lib.Find({{"see"}}, {}, {{"cannot"}}), std::vector<int64_t>{b});
}

TEST(TextIndex, LibraryWordsAndFileAndFolderNamesAreSearchableAndFollowChanges) {
  Library lib;
  auto [id, file] = lib.Add("a1", "/home/me/Pictures/Viaje a Córdoba/IMG_0042.jpg", "");
  EXPECT_EQ(lib.Find({{"cordoba"}}), std::vector<int64_t>{id});
  EXPECT_EQ(lib.Find({{"img_0042"}}), std::vector<int64_t>{id});
  EXPECT_EQ(lib.Find({{"pictures"}}), std::vector<int64_t>{id});  // the root's own name
  EXPECT_TRUE(lib.Find({{"home"}}).empty());                      // not the folders above it

  LibraryItemRecord item;
  item.file_id = file;
  item.title = "Cumpleaños de la abuela";
  item.metadata_path = "/x.json";
  ASSERT_OK(lib.cat->UpsertLibraryItem(item));
  const int64_t album = *lib.cat->EnsureAlbum(lib.source, "Familia");
  ASSERT_OK(lib.cat->AddToAlbum(album, file));
  ASSERT_OK(lib.cat->AddKeyword(file, "tarta"));
  EXPECT_EQ(lib.Find({{"cumpleanos"}}), std::vector<int64_t>{id});
  EXPECT_EQ(lib.Find({{"familia"}}), std::vector<int64_t>{id});
  EXPECT_EQ(lib.Find({{"tarta"}}), std::vector<int64_t>{id});

  ASSERT_OK(lib.cat->ClearMembershipsAndKeywords(lib.source));
  EXPECT_TRUE(lib.Find({{"tarta"}}).empty());
  EXPECT_TRUE(lib.Find({{"familia"}}).empty());
  ASSERT_OK(lib.cat->MarkMissing(file, 2));  // a missing photo is not found
  EXPECT_TRUE(lib.Find({{"cumpleanos"}}).empty());
}

TEST(TextIndex, FiltersApplyToTextMatches) {
  Library lib;
  auto [old_id, f1] = lib.Add("a1", "/home/me/Pictures/2019/a.jpg", "coffee first\n", "2019-05-01");
  auto [new_id, f2] = lib.Add("a2", "/home/me/Pictures/2023/b.jpg", "coffee first\n", "2023-05-01");
  PhotoFilter after;
  after.after = "2020";
  EXPECT_EQ(lib.Find({{"coffee"}}, after), std::vector<int64_t>{new_id});
  PhotoFilter folder;
  folder.folder = "/home/me/Pictures/2019";
  EXPECT_EQ(lib.Find({{"coffee"}}, folder), std::vector<int64_t>{old_id});
}

TEST(TextIndex, OcrWordsRankAboveAFileNameMatch) {
  Library lib;
  auto [named, f1] = lib.Add("a1", "/home/me/Pictures/pikachu.jpg", "");
  auto [meme, f2] = lib.Add("a2", "/home/me/Pictures/x.jpg", "SURPRISED PIKACHU FACE\n");
  EXPECT_EQ(lib.Find({{"pikachu"}}), (std::vector<int64_t>{meme, named}));
}

TEST(TextIndex, HostileQueryTextIsQuotedNotParsed) {
  Library lib;
  auto [id, f] = lib.Add("a1", "/home/me/Pictures/x.jpg", "say \"hi\" OR NOT\n");
  EXPECT_EQ(lib.Find({{"\"hi\" OR"}}), std::vector<int64_t>{id});
  EXPECT_TRUE(lib.Find({{"NEAR(a b)*"}}).empty());
  EXPECT_TRUE(lib.Find({{"'); DROP TABLE assets; --"}}).empty());
  EXPECT_TRUE(lib.cat->FindByAssetId(id)->has_value());
}

TEST(TextIndex, CoverageCountsWhatOcrDidAndWhatIsLeft) {
  Library lib;
  lib.Add("a1", "/home/me/Pictures/a.jpg", "words\n");
  const auto b = lib.Add("b1", "/home/me/Pictures/b.jpg", "").first;
  const auto c = lib.Add("c1", "/home/me/Pictures/c.jpg", "").first;
  AssetTextRecord skipped;
  skipped.state = TextState::kSkipped;
  skipped.version = 1;
  ASSERT_OK(lib.cat->SetAssetText(b, skipped));
  auto cov = lib.cat->TextCoverageOf(1);
  ASSERT_OK(cov.status());
  EXPECT_EQ(cov->photos, 3);
  EXPECT_EQ(cov->read, 1);
  EXPECT_EQ(cov->with_text, 1);
  EXPECT_EQ(cov->skipped, 1);
  EXPECT_EQ(cov->pending, 1);
  auto todo = lib.cat->AssetsNeedingOcr(1, false, 0, 100);
  ASSERT_EQ(todo->size(), 1u);
  EXPECT_EQ((*todo)[0].asset_id, c);
  EXPECT_EQ(lib.cat->AssetsNeedingOcr(1, true, 0, 100)->size(), 2u);   // --ocr all
  EXPECT_EQ(lib.cat->AssetsNeedingOcr(2, false, 0, 100)->size(), 2u);  // a newer version
  EXPECT_EQ(lib.cat->TextCoverageOf(2)->outdated, 1);
}

}  // namespace
}  // namespace shoebox
