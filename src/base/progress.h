// Progress for long jobs: a redrawn bar on a terminal, plain log lines elsewhere.
// Not thread-safe: call from the one thread that owns the job.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace shoebox {

class Progress {
 public:
  // label: the stage ("scanning", "indexing"); total 0 = unknown. bytes: count is in bytes
  // (shown as MiB and MiB/s) rather than files.
  Progress(std::string label, uint64_t total, FILE* out = stderr, bool bytes = false);
  ~Progress();

  void SetTotal(uint64_t total) { total_ = total; }
  uint64_t total() const { return total_; }
  // Sets how many units are done and redraws at most ~10 times a second on a TTY,
  // every 5 s otherwise.
  void Update(uint64_t done);
  void Finish();
  // When false the bar stays silent (--quiet, --json).
  void set_enabled(bool on) { enabled_ = on; }

 private:
  void Draw(bool final_line);

  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  FILE* out_;
  bool tty_;
  bool enabled_ = true;
  bool finished_ = false;
  bool bytes_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace shoebox
