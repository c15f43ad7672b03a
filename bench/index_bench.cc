// First index of camera JPEGs: hash + EXIF + 256 px thumbnail, per photo, against the floor
// for reading a JPEG at thumbnail size, `djpeg -scale 1/8`, on the same files in the same run.
// Targets: CPU per photo <= 1.5x djpeg's; photos/s on 2 threads >= 1.6x one thread.
// Usage: index_bench JPEG... (each file is used under COPIES distinct contents)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/allocator.h"
#include "base/file_io.h"
#include "bench_util.h"
#include "catalog/catalog.h"
#include "imaging/photo_analyzer.h"
#include "pipeline/indexer.h"

using namespace shoebox;

double DjpegCpu(const std::vector<std::filesystem::path>& files) {
  double before = bench::CpuSeconds(RUSAGE_CHILDREN);
  for (const auto& f : files) {
    pid_t pid = ::fork();
    if (pid == 0) {
      std::freopen("/dev/null", "w", stdout);
      ::execlp("djpeg", "djpeg", "-scale", "1/8", f.c_str(), nullptr);
      ::_exit(127);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      std::fprintf(stderr, "djpeg failed on %s (install libjpeg-turbo-progs)\n", f.c_str());
      std::exit(1);
    }
  }
  return bench::CpuSeconds(RUSAGE_CHILDREN) - before;
}

// Wall seconds for a full first index of `dir` on `threads` workers, and our CPU seconds.
std::pair<double, double> IndexRun(const std::filesystem::path& dir,
                                   const std::filesystem::path& work, unsigned threads) {
  std::filesystem::remove_all(work);
  auto cat = Catalog::Open(work / "catalog.db", true);
  IndexOptions opt;
  opt.show_progress = false;
  opt.threads = threads;
  ThumbnailCache thumbs(work / "thumbs");
  double cpu0 = bench::CpuSeconds(RUSAGE_SELF);
  auto t0 = std::chrono::steady_clock::now();
  auto r = IndexFolders(cat->get(), {dir.string()}, thumbs, opt);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r.ok() || r->errors > 0) {
    std::fprintf(stderr, "index failed\n");
    std::exit(1);
  }
  return {wall, bench::CpuSeconds(RUSAGE_SELF) - cpu0};
}

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: index_bench JPEG...\n"), 2;
  TuneAllocatorForBatchWork();  // as the CLI does
  int copies = std::getenv("COPIES") ? std::atoi(std::getenv("COPIES")) : 8;
  std::vector<std::string> sources(argv + 1, argv + argc);
  auto tmp = std::filesystem::temp_directory_path() /
             ("shoebox-index-bench-" + std::to_string(::getpid()));
  auto files = bench::MakeDistinctCopies(sources, copies, tmp / "library");
  if (files.empty()) return 1;
  if (!InitImaging().ok()) return 1;
  // Warm the page cache and libraries once.
  IndexRun(tmp / "library", tmp / "warm", 2);
  double djpeg = DjpegCpu(files);
  auto [wall1, cpu1] = IndexRun(tmp / "library", tmp / "one", 1);
  auto [wall2, cpu2] = IndexRun(tmp / "library", tmp / "two", 2);
  double n = static_cast<double>(files.size());
  std::printf(
      "{\"photos\": %zu, \"djpeg_scale_1_8_cpu_ms\": %.2f, \"shoebox_cpu_ms_1_thread\": %.2f, "
      "\"cpu_ratio_vs_djpeg\": %.2f, \"photos_per_s_1_thread\": %.1f, \"photos_per_s_2_threads\": "
      "%.1f, \"scaling_2_vs_1\": %.2f}\n",
      files.size(), 1000 * djpeg / n, 1000 * cpu1 / n, cpu1 / djpeg, n / wall1, n / wall2,
      wall1 / wall2);
  std::filesystem::remove_all(tmp);
  return 0;
}
