#include "base/progress.h"

#include <unistd.h>

namespace shoebox {

Progress::Progress(std::string label, uint64_t total, FILE* out, bool bytes)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      tty_(isatty(fileno(out)) != 0),
      bytes_(bytes) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - last_draw_ < interval) return;
  last_draw_ = now;
  Draw(false);
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) Draw(true);
}

void Progress::Draw(bool final_line) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  char eta[32] = "";
  if (total_ > done_ && rate > 0 && !final_line) {
    auto left = static_cast<long>((total_ - done_) / rate);
    std::snprintf(eta, sizeof eta, " ETA %ld:%02ld", left / 60, left % 60);
  }
  if (bytes_) {
    double mib = 1024.0 * 1024.0;
    std::fprintf(
        out_,
        tty_ ? "\r\033[K%s %.1f/%.1f MiB  %.1f MiB/s%s%s" : "%s %.1f/%.1f MiB  %.1f MiB/s%s%s\n",
        label_.c_str(), static_cast<double>(done_) / mib, static_cast<double>(total_) / mib,
        rate / mib, eta, tty_ && final_line ? "\n" : "");
    std::fflush(out_);
    return;
  }
  if (tty_) {
    char bar[31] = "";
    if (total_ > 0) {
      int filled =
          static_cast<int>(30.0 * static_cast<double>(done_) / static_cast<double>(total_));
      for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
      bar[30] = 0;
    }
    std::fprintf(out_, "\r\033[K%s [%s] %llu/%llu  %.0f files/s%s", label_.c_str(), bar,
                 static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                 rate, eta);
    if (final_line) std::fputc('\n', out_);
  } else {
    std::fprintf(out_, "%s: %llu/%llu files, %.0f files/s%s%s\n", label_.c_str(),
                 static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                 rate, eta, final_line ? " (done)" : "");
  }
  std::fflush(out_);
}

}  // namespace shoebox
