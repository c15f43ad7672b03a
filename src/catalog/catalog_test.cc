#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include "catalog_test_access.h"
#include "test_util.h"

namespace shoebox {
namespace {

using testing::TempDir;

AssetRecord Asset(const std::string& hash) {
  AssetRecord a;
  a.hash = hash;
  a.size = 100;
  a.format = "jpeg";
  a.width = 640;
  a.height = 480;
  a.taken_at = "2020-01-02T03:04:05";
  return a;
}

FileRecord File(int64_t source, const std::string& path, std::optional<int64_t> asset,
                int64_t now) {
  FileRecord f;
  f.source_id = source;
  f.path = path;
  f.size = 100;
  f.mtime_ns = 1;
  f.asset_id = asset;
  f.last_seen = now;
  return f;
}

TEST(Catalog, CreatesSchemaInWalModeWithForeignKeys) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "sub/catalog.db", true);
  ASSERT_OK(cat.status());
  auto q = CatalogDb(**cat).Prepare("PRAGMA journal_mode");
  Status st;
  ASSERT_TRUE(q->Step(&st));
  EXPECT_EQ(q->Text(0), "wal");
  auto fk = CatalogDb(**cat).Prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk->Step(&st));
  EXPECT_EQ(fk->Int(0), 1);
  auto v = CatalogDb(**cat).Prepare("PRAGMA user_version");
  ASSERT_TRUE(v->Step(&st));
  EXPECT_EQ(v->Int(0), Catalog::kSchemaVersion);
}

TEST(Catalog, MissingCatalogIsNotFoundUnlessCreating) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "nope.db", false);
  EXPECT_EQ(cat.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir / "nope.db"));
}

TEST(Catalog, RefusesCatalogFromNewerVersion) {
  TempDir dir;
  {
    auto cat = Catalog::Open(dir / "c.db", true);
    ASSERT_OK(cat.status());
    ASSERT_OK(CatalogDb(**cat).Exec("PRAGMA user_version=99"));
  }
  auto cat = Catalog::Open(dir / "c.db", false);
  ASSERT_EQ(cat.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(cat.status().message().find("newer shoebox"), std::string::npos);
}

TEST(Catalog, OneAssetPerContentManyFiles) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "c.db", true);
  ASSERT_OK(cat.status());
  Catalog& c = **cat;
  auto src = c.EnsureSource("folder", "/photos", 1);
  ASSERT_OK(src.status());
  auto again = c.EnsureSource("folder", "/photos", 2);
  EXPECT_EQ(*src, *again);
  auto a1 = c.InsertAsset(Asset("aa"), 1);
  auto a2 = c.InsertAsset(Asset("aa"), 2);
  ASSERT_OK(a1.status());
  EXPECT_EQ(*a1, *a2);
  ASSERT_OK(c.UpsertFile(File(*src, "/photos/a/IMG_0001.JPG", *a1, 1)));
  ASSERT_OK(c.UpsertFile(File(*src, "/photos/b/IMG_0001.JPG", *a1, 1)));  // same name, other folder
  auto stats = c.Stats();
  ASSERT_OK(stats.status());
  EXPECT_EQ(stats->files, 2);
  EXPECT_EQ(stats->assets, 1);
  auto row = c.FindByPath("/photos/b/IMG_0001.JPG");
  ASSERT_OK(row.status());
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->asset.hash, "aa");
  EXPECT_EQ((*row)->asset.width, 640);
}

TEST(Catalog, ItsDataVersionChangesOnlyWhenAnotherConnectionCommits) {
  // A reader (the query service) polls this instead of counting every vector each time.
  TempDir dir;
  auto writer = Catalog::Open(dir / "c.db", true);
  auto reader = Catalog::Open(dir / "c.db", false);
  ASSERT_OK(writer.status());
  ASSERT_OK(reader.status());
  auto v0 = (*reader)->DataVersion();
  ASSERT_OK(v0.status());
  EXPECT_EQ(*(*reader)->DataVersion(), *v0) << "changed with nothing committed";
  ASSERT_OK((*reader)->Stats().status());  // its own reads change nothing
  EXPECT_EQ(*(*reader)->DataVersion(), *v0);
  ASSERT_OK((*writer)->InsertAsset(Asset("aa"), 1).status());
  auto v1 = (*reader)->DataVersion();
  ASSERT_OK(v1.status());
  EXPECT_NE(*v1, *v0) << "another connection's commit went unnoticed";
  EXPECT_EQ(*(*reader)->DataVersion(), *v1);
}

TEST(Catalog, LoadsOnlyFilesUnderARoot) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "c.db", true);
  Catalog& c = **cat;
  auto src = c.EnsureSource("folder", "/p", 1);
  ASSERT_OK(c.UpsertFile(File(*src, "/p/x.jpg", std::nullopt, 1)));
  ASSERT_OK(c.UpsertFile(File(*src, "/p/sub/y.jpg", std::nullopt, 1)));
  ASSERT_OK(c.UpsertFile(File(*src, "/p2/z.jpg", std::nullopt, 1)));  // sibling, not below /p
  ASSERT_OK(c.UpsertFile(File(*src, "/p.jpg", std::nullopt, 1)));
  auto files = c.LoadFilesUnder("/p");
  ASSERT_OK(files.status());
  EXPECT_EQ(files->size(), 2u);
  EXPECT_TRUE(files->count("/p/sub/y.jpg"));
  EXPECT_FALSE(files->count("/p2/z.jpg"));
}

TEST(Catalog, MissingFilesAreKeptUntilGarbageCollected) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "c.db", true);
  Catalog& c = **cat;
  auto src = c.EnsureSource("folder", "/p", 1);
  auto keep = c.InsertAsset(Asset("k"), 1);
  auto gone = c.InsertAsset(Asset("g"), 1);
  ASSERT_OK(c.UpsertFile(File(*src, "/p/keep.jpg", *keep, 100)));
  ASSERT_OK(c.UpsertFile(File(*src, "/p/gone.jpg", *gone, 100)));
  ASSERT_OK(c.RecordError("/p/gone.jpg", "x", "file", 100));
  ASSERT_OK(c.FinishScan(*src, 150));  // a later rescan saw both files
  auto row = c.FindByPath("/p/gone.jpg");
  EXPECT_EQ((*row)->file.last_seen, 150);
  ASSERT_OK(c.MarkMissing((*row)->file.id, 200));
  row = c.FindByPath("/p/gone.jpg");
  EXPECT_EQ((*row)->file.status, FileStatus::kMissing);
  EXPECT_EQ((*row)->file.last_seen, 150);  // last known to be there
  EXPECT_EQ((*row)->file.missing_since, 200);
  auto stats = c.Stats();
  EXPECT_EQ(stats->files, 1);
  EXPECT_EQ(stats->missing, 1);
  EXPECT_EQ(stats->assets, 2);
  EXPECT_EQ(stats->errors, 0);        // errors of vanished files go with them
  auto none = c.CollectGarbage(199);  // missing since 200: too recent
  ASSERT_OK(none.status());
  EXPECT_EQ(none->files_removed, 0);
  auto gc = c.CollectGarbage(201);
  ASSERT_OK(gc.status());
  EXPECT_EQ(gc->files_removed, 1);
  EXPECT_EQ(gc->assets_removed, 1);
  ASSERT_EQ(gc->removed_hashes.size(), 1u);
  EXPECT_EQ(gc->removed_hashes[0], "g");
  EXPECT_EQ(c.Stats()->assets, 1);
}

TEST(Catalog, ErrorsAreListedAndCleared) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "c.db", true);
  Catalog& c = **cat;
  ASSERT_OK(c.RecordError("/p/bad.jpg", "truncated JPEG", "file", 1));
  ASSERT_OK(c.RecordError("/p/bad.jpg", "truncated JPEG (again)", "file", 2));
  ASSERT_OK(c.RecordError("/p/locked", "cannot open folder", "folder", 2));
  ASSERT_OK(c.RecordError("/p/meh.jpg", "metadata damaged", "warning", 2));
  auto errors = c.Errors();
  ASSERT_EQ(errors->size(), 3u);
  EXPECT_EQ((*errors)[0].reason, "truncated JPEG (again)");
  EXPECT_EQ(c.Stats()->errors, 2);
  EXPECT_EQ(c.Stats()->warnings, 1);
  ASSERT_OK(c.ClearFolderErrorsUnder("/p"));
  ASSERT_OK(c.ClearError("/p/bad.jpg"));
  EXPECT_EQ(c.Errors()->size(), 1u);
}

TEST(Catalog, ListFiltersByFolderFormatAndDate) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "c.db", true);
  Catalog& c = **cat;
  auto src = c.EnsureSource("folder", "/p", 1);
  AssetRecord old = Asset("1");
  old.taken_at = "2001-01-01T00:00:00";
  AssetRecord png = Asset("2");
  png.format = "png";
  png.taken_at = std::nullopt;
  ASSERT_OK(c.UpsertFile(File(*src, "/p/a/old.jpg", *c.InsertAsset(old, 1), 1)));
  ASSERT_OK(c.UpsertFile(File(*src, "/p/b/new.png", *c.InsertAsset(png, 1), 1)));
  ASSERT_OK(c.UpsertFile(File(*src, "/p/a/deeper/x.jpg", *c.InsertAsset(Asset("3"), 1), 1)));
  ListFilter f;
  EXPECT_EQ(c.List(f)->size(), 3u);
  EXPECT_EQ(c.List(f)->front().file.path, "/p/a/old.jpg");  // oldest first
  f.folder = "/p/a";
  EXPECT_EQ(c.List(f)->size(), 2u);
  f = {};
  f.format = "png";
  EXPECT_EQ(c.List(f)->size(), 1u);
  f = {};
  f.after = "2010-01-01";
  EXPECT_EQ(c.List(f)->size(), 1u);
  f = {};
  f.before = "2010-01-01";
  EXPECT_EQ(c.List(f)->size(), 1u);
}

TEST(Catalog, AlbumsKeywordsFoldersAndMonthsAreListedWithTheirCounts) {
  TempDir dir;
  auto cat = Catalog::Open(dir / "c.db", true);
  Catalog& c = **cat;
  const int64_t src = *c.EnsureSource("folder", "/p", 1);
  auto add = [&](const std::string& hash, const std::string& path, const std::string& taken) {
    AssetRecord a = Asset(hash);
    a.taken_at = taken;
    const int64_t id = *c.InsertAsset(a, 1);
    EXPECT_OK(c.UpsertFile(File(src, path, id, 1)));
    return std::pair{id, c.FindByPath(path)->value().file.id};
  };
  auto [old_id, old_file] = add("1", "/p/2019/beach.jpg", "2019-07-01T10:00:00");
  auto [new_id, new_file] = add("2", "/p/2021/beach.jpg", "2021-07-01T10:00:00");
  auto [cat_id, cat_file] = add("3", "/p/2021/cat.jpg", "2020-01-01T10:00:00");
  const int64_t summer = *c.EnsureAlbum(src, "Summer");
  ASSERT_OK(c.AddToAlbum(summer, old_file));
  ASSERT_OK(c.AddToAlbum(summer, new_file));
  ASSERT_OK(c.AddToAlbum(*c.EnsureAlbum(src, "Pets"), cat_file));
  ASSERT_OK(c.AddKeyword(old_file, "sea"));
  ASSERT_OK(c.AddKeyword(new_file, "Sea"));
  ASSERT_OK(c.AddKeyword(new_file, "sea"));
  ASSERT_OK(c.AddKeyword(cat_file, "cat"));

  auto albums = c.Collections(CollectionKind::kAlbum, {});
  ASSERT_OK(albums.status());
  ASSERT_EQ(albums->size(), 2u);
  EXPECT_EQ((*albums)[0].name, "Pets");  // by name
  EXPECT_EQ((*albums)[1].name, "Summer");
  EXPECT_EQ((*albums)[1].photos, 2);
  EXPECT_EQ((*albums)[1].cover_asset_id, new_id) << "the newest photo is the cover";

  auto keywords = c.Collections(CollectionKind::kKeyword, {});
  ASSERT_OK(keywords.status());
  ASSERT_EQ(keywords->size(), 2u) << "Sea and sea are one keyword";
  EXPECT_EQ((*keywords)[0].name, "sea");  // most used first, as most files spell it
  EXPECT_EQ((*keywords)[0].photos, 2);

  auto folders = c.Collections(CollectionKind::kFolder, {});
  ASSERT_OK(folders.status());
  ASSERT_EQ(folders->size(), 2u);
  EXPECT_EQ((*folders)[0].name, "/p/2019");
  EXPECT_EQ((*folders)[1].photos, 2);
  EXPECT_EQ((*folders)[1].cover_asset_id, new_id);

  PhotoFilter since2020;
  since2020.after = "2020-06-01";
  auto recent = c.Collections(CollectionKind::kAlbum, since2020);
  ASSERT_OK(recent.status());
  ASSERT_EQ(recent->size(), 1u) << "filters narrow the lists too";
  EXPECT_EQ((*recent)[0].photos, 1);
  (void)old_id;
  (void)cat_id;

  auto timeline = c.PhotoTimeline({});
  ASSERT_OK(timeline.status());
  ASSERT_EQ(timeline->months.size(), 3u);
  EXPECT_EQ(timeline->months[0], (std::pair<std::string, int64_t>{"2021-07", 1}));  // newest first
  EXPECT_EQ(timeline->months[2].first, "2019-07");
  EXPECT_EQ(timeline->undated, 0);
}

TEST(Catalog, WriterLockIsExclusive) {
  TempDir dir;
  auto first = WriterLock::Acquire(dir / "c.db", false);
  ASSERT_OK(first.status());
  auto second = WriterLock::Acquire(dir / "c.db", false);
  ASSERT_EQ(second.status().code(), StatusCode::kBusy);
  EXPECT_NE(second.status().message().find("already"), std::string::npos);
  first = Result<std::unique_ptr<WriterLock>>(Busy("released"));
  auto third = WriterLock::Acquire(dir / "c.db", false);
  EXPECT_OK(third.status());
}

TEST(Catalog, WriterLockIsPerCatalogNotPerPathName) {
  TempDir dir;
  std::filesystem::create_directory(dir / "real");
  std::filesystem::create_directory_symlink(dir / "real", dir / "linked");
  auto first = WriterLock::Acquire(dir / "real/c.db", false);
  ASSERT_OK(first.status());
  auto second = WriterLock::Acquire(dir / "linked/c.db", false);
  EXPECT_EQ(second.status().code(), StatusCode::kBusy)
      << "the same catalog through a link takes one writer";
}

TEST(Database, AValueSqliteRefusesToBindFailsTheStatementInsteadOfRunningWithoutIt) {
  TempDir dir;
  Database db;
  ASSERT_OK(db.Open((dir / "t.db").string(), true, false));
  ASSERT_OK(db.Exec("CREATE TABLE t (v TEXT)"));
  auto ins = db.Prepare("INSERT INTO t (v) VALUES (?1)");
  ASSERT_OK(ins.status());
  // Longer than SQLite takes (the size is refused before any byte is read).
  const std::string_view huge("x", size_t{1} << 32);
  Status st = ins->Bind(1, huge).Run();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("binding a value"), std::string::npos) << st.ToString();
  auto count = db.Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count->Step(&st));
  EXPECT_EQ(count->Int(0), 0) << "no row with a NULL in place of the value";
  // The statement works again after Reset.
  EXPECT_OK(ins->Bind(1, "ok").Run());
}

}  // namespace
}  // namespace shoebox
