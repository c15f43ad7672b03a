#include "library/folder/folder_walker.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "test_util.h"

namespace shoebox {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::vector<std::string> Names(const WalkResult& r, const std::string& root) {
  std::vector<std::string> out;
  for (const auto& f : r.files) out.push_back(f.path.substr(root.size() + 1));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FolderWalker, FindsFilesRecursivelyWithSizeAndMtime) {
  TempDir d;
  WriteFile(d / "a.jpg", "12345");
  WriteFile(d / "sub dir/Ñandú 写真.JPG", "x");
  WriteFile(d / "sub dir/deeper/c.png", "x");
  auto r = WalkFolder(d.path().string(), {});
  ASSERT_OK(r.status());
  EXPECT_EQ(Names(*r, d.path().string()),
            (std::vector<std::string>{"a.jpg", "sub dir/deeper/c.png", "sub dir/Ñandú 写真.JPG"}));
  auto it = std::find_if(r->files.begin(), r->files.end(),
                         [](const WalkEntry& e) { return e.path.ends_with("a.jpg"); });
  EXPECT_EQ(it->size, 5);
  EXPECT_GT(it->mtime_ns, 0);
}

TEST(FolderWalker, SkipsHiddenSystemAndLibraryFolders) {
  TempDir d;
  for (const char* p : {".git/x.jpg", ".Trash-1000/x.jpg", "@eaDir/x.jpg", ".thumbnails/x.jpg",
                        "My.photoslibrary/originals/x.jpg", "Cat Previews.lrdata/x.jpg",
                        "#recycle/x.jpg", ".hidden.jpg", "keep/x.jpg"})
    WriteFile(d / p, "x");
  auto r = WalkFolder(d.path().string(), {});
  EXPECT_EQ(Names(*r, d.path().string()), std::vector<std::string>{"keep/x.jpg"});
}

TEST(FolderWalker, NamesThePhotoLibrariesItDoesNotCrawl) {
  TempDir d;
  WriteFile(d / "keep.jpg", "x");
  WriteFile(d / "Photos Library.photoslibrary/originals/A/a.jpeg", "x");
  WriteFile(d / "Studio.cocatalog/Cache/Thumbnails/00000001.jpg", "x");
  WriteFile(d / "Lightroom/Catalog.lrcat", "x");
  WriteFile(d / "Lightroom/Catalog Previews.lrdata/a/ab/x.lrprev", "x");
  auto r = WalkFolder(d.path().string(), {});
  ASSERT_OK(r.status());
  EXPECT_EQ(Names(*r, d.path().string()), (std::vector<std::string>{"keep.jpg"}));
  std::vector<std::string> libs;
  for (const auto& l : r->libraries) libs.push_back(l.substr(d.path().string().size() + 1));
  std::sort(libs.begin(), libs.end());
  EXPECT_EQ(libs, (std::vector<std::string>{"Lightroom/Catalog.lrcat",
                                            "Photos Library.photoslibrary", "Studio.cocatalog"}));
}

TEST(FolderWalker, SkipsKnownNonImagesUnopenedButKeepsVideosAndUnknownExtensions) {
  TempDir d;
  WriteFile(d / "song.MP3", "x");
  WriteFile(d / "IMG_1.jpg.json", "x");
  WriteFile(d / "clip.MP4", "x");
  WriteFile(d / "no_extension", "x");
  auto r = WalkFolder(d.path().string(), {});
  EXPECT_EQ(Names(*r, d.path().string()), (std::vector<std::string>{"clip.MP4", "no_extension"}));
}

TEST(FolderWalker, AppliesExcludeGlobs) {
  TempDir d;
  WriteFile(d / "raw/a.nef", "x");
  WriteFile(d / "exports/b.jpg", "x");
  WriteFile(d / "c_edit.jpg", "x");
  WriteFile(d / "d.jpg", "x");
  WalkOptions opt;
  opt.exclude = {"exports", "*_edit.jpg", "raw/*"};
  auto r = WalkFolder(d.path().string(), opt);
  EXPECT_EQ(Names(*r, d.path().string()), std::vector<std::string>{"d.jpg"});
}

TEST(FolderWalker, SymlinkLoopsEndAndFifosAreSkipped) {
  TempDir d;
  WriteFile(d / "loop/a/photo.jpg", "x");
  std::filesystem::create_directory_symlink("..", d / "loop/a/up");
  std::filesystem::create_directory_symlink("../loop", d / "loop/self");
  ASSERT_EQ(::mkfifo((d / "fake.jpg").c_str(), 0644), 0);
  std::filesystem::create_symlink("missing.jpg", d / "dangling.jpg");
  auto r = WalkFolder(d.path().string(), {});
  ASSERT_OK(r.status());
  EXPECT_EQ(Names(*r, d.path().string()), std::vector<std::string>{"loop/a/photo.jpg"});
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].reason, "broken symbolic link");
}

TEST(FolderWalker, NonUtf8NamesAreKeptAsBytes) {
  TempDir d;
  std::string name = "bad_\xff\xfe.jpg";
  WriteFile(d.path() / name, "x");
  auto r = WalkFolder(d.path().string(), {});
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_EQ(r->files[0].path, (d.path() / name).string());
}

TEST(FolderWalker, UnreadableFolderIsReportedNotFatal) {
  TempDir d;
  WriteFile(d / "locked/x.jpg", "x");
  WriteFile(d / "ok.jpg", "x");
  ::chmod(d.path().c_str(), 0755);
  ::chmod((d / "locked").c_str(), 0);
  // Root reads every folder, so the walk runs in a child that drops to "nobody".
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(10);
    auto r = WalkFolder(d.path().string(), {});
    if (!r.ok()) ::_exit(11);
    if (r->files.size() != 1) ::_exit(12);
    if (r->problems.size() != 1 || r->problems[0].reason.find("cannot open folder") != 0)
      ::_exit(13);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::chmod((d / "locked").c_str(), 0755);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(FolderWalker, MissingRootIsAnError) {
  auto r = WalkFolder("/definitely/not/here", {});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(FolderWalker, LinksToSystemFoldersAreSkippedAndSaidSo) {
  TempDir d;
  WriteFile(d / "a.jpg", "x");
  for (const char* target : {"/proc", "/sys", "/dev", "/run"})
    std::filesystem::create_directory_symlink(target, d / ("to" + std::string(target).substr(1)));
  auto r = WalkFolder(d.path().string(), {});
  ASSERT_OK(r.status());
  EXPECT_EQ(Names(*r, d.path().string()), (std::vector<std::string>{"a.jpg"}));
  std::vector<std::string> skipped;
  for (const auto& p : r->problems)
    if (p.reason.rfind("skipped: ", 0) == 0)
      skipped.push_back(p.path.substr(d.path().string().size() + 1));
  std::sort(skipped.begin(), skipped.end());
  EXPECT_EQ(skipped, (std::vector<std::string>{"todev", "toproc", "torun", "tosys"}));
  auto proc = std::find_if(r->problems.begin(), r->problems.end(),
                           [](const WalkProblem& p) { return p.path.ends_with("toproc"); });
  ASSERT_NE(proc, r->problems.end());
  EXPECT_EQ(proc->reason, "skipped: a proc file system, not photos");
}

}  // namespace
}  // namespace shoebox
