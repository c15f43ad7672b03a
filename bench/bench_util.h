// Helpers shared by the benchmark binaries.
#pragma once

#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "catalog/catalog.h"

namespace shoebox::bench {

// The file of synthetic asset i, as the crawl would record it: one folder per year under
// /synthetic/Pictures, seen at `now`.
inline FileRecord SyntheticFile(int64_t source_id, int64_t i, int64_t asset_id, int64_t size,
                                int64_t now) {
  FileRecord f;
  f.source_id = source_id;
  f.path =
      "/synthetic/Pictures/" + std::to_string(2005 + i % 20) + "/IMG_" + std::to_string(i) + ".JPG";
  f.size = size;
  f.mtime_ns = now * 1'000'000'000;
  f.asset_id = asset_id;
  f.first_seen = f.last_seen = now;
  return f;
}

// CPU seconds (user + system) of RUSAGE_SELF, RUSAGE_CHILDREN or RUSAGE_THREAD.
inline double CpuSeconds(int who = RUSAGE_SELF) {
  struct rusage ru {};
  ::getrusage(who, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

// Copies each photo `copies` times into dir with a distinct trailer after its end, so each
// copy is new content (hashed and decoded) yet decodes identically.
inline std::vector<std::filesystem::path> MakeDistinctCopies(
    const std::vector<std::string>& sources, int copies, const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::filesystem::create_directories(dir);
  for (const auto& s : sources) {
    auto bytes = ReadWholeFile(s, uint64_t{1} << 30);
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s: %s\n", s.c_str(), bytes.status().message().c_str());
      continue;
    }
    for (int i = 0; i < copies; ++i) {
      std::vector<uint8_t> b = *bytes;
      std::string tag = "copy" + std::to_string(i);
      b.insert(b.end(), tag.begin(), tag.end());
      auto p = dir / (std::to_string(out.size()) + ".jpg");
      (void)WriteFileAtomic(p, b.data(), b.size());
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace shoebox::bench
