// A large library, end to end: the first index of N small real photos (default 100,000;
// each a distinct copy of a 1x1 iPhone JPEG with full EXIF, so every one is hashed, parsed
// and thumbnailed), then re-scans of the unchanged tree.
// Targets: re-scan >= 50,000 files/s (stat only, no reads); peak RSS < 300 MB while indexing
// 100,000 files. Also reports the catalog's size per photo.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/allocator.h"
#include "base/file_io.h"
#include "catalog/catalog.h"
#include "pipeline/indexer.h"

using namespace shoebox;

double PeakRssMb() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

int main(int argc, char** argv) {
  TuneAllocatorForBatchWork();  // as the CLI does
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  std::string photo =
      argc > 2 ? argv[2] : SHOEBOX_SOURCE_DIR "/tests/data/fixtures/1x1_iphone_xr.jpg";
  auto bytes = ReadWholeFile(photo, 1 << 20);
  if (!bytes.ok()) return std::fprintf(stderr, "%s\n", bytes.status().ToString().c_str()), 1;
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("shoebox-library-bench-" + std::to_string(::getpid()));
  std::filesystem::path root = dir / "library";
  // 100 folders, like a camera roll split by day; a unique trailer after EOI per file.
  for (int i = 0; i < n; ++i) {
    std::filesystem::path folder = root / ("2019-" + std::to_string(i % 100));
    if (i < 100) std::filesystem::create_directories(folder);
    std::string path = (folder / ("IMG_" + std::to_string(i) + ".JPG")).string();
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string tag = std::to_string(i);
    if (::write(fd, bytes->data(), bytes->size()) < 0 || ::write(fd, tag.data(), tag.size()) < 0)
      return 1;
    ::close(fd);
  }
  auto cat = Catalog::Open(dir / "catalog.db", true);
  if (!cat.ok()) return std::fprintf(stderr, "%s\n", cat.status().ToString().c_str()), 1;
  std::string canon = std::filesystem::canonical(root).string();
  IndexOptions opt;
  opt.show_progress = false;
  ThumbnailCache thumbs(dir / "thumbs");

  auto t0 = std::chrono::steady_clock::now();
  auto first = IndexFolders(cat->get(), {canon}, thumbs, opt);
  double first_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!first.ok() || first->added != n) {
    std::fprintf(stderr, "first index failed: %s\n", first.status().ToString().c_str());
    return 1;
  }
  double first_rss = PeakRssMb();
  (void)(*cat)->Checkpoint();
  double catalog_bytes = static_cast<double>(std::filesystem::file_size(dir / "catalog.db"));

  double best = 1e9;
  for (int round = 0; round < 3; ++round) {
    auto r0 = std::chrono::steady_clock::now();
    auto r = IndexFolders(cat->get(), {canon}, thumbs, opt);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    if (!r.ok() || r->unchanged != n) return std::fprintf(stderr, "rescan failed\n"), 1;
    best = std::min(best, s);
  }
  std::printf(
      "{\"files\": %d, \"first_index_s\": %.1f, \"first_index_photos_per_s\": %.0f, "
      "\"peak_rss_mb_first_index\": %.1f, \"catalog_bytes_per_photo\": %.0f, "
      "\"rescan_s\": %.3f, \"rescan_files_per_s\": %.0f, \"peak_rss_mb\": %.1f}\n",
      n, first_s, n / first_s, first_rss, catalog_bytes / n, best, n / best, PeakRssMb());
  std::filesystem::remove_all(dir);
  return 0;
}
