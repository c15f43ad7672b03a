#include "library/library_time.h"

#include <cstdio>
#include <ctime>

namespace shoebox {

namespace {
std::string Format(int64_t t, const char* fmt) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}
}  // namespace

std::string UtcIso(int64_t t) { return Format(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string LocalIso(int64_t t, int64_t seconds_east) {
  return Format(t + seconds_east, "%Y-%m-%dT%H:%M:%S");
}

std::string OffsetString(int64_t s) {
  const int64_t a = s < 0 ? -s : s;
  char buf[12];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", s < 0 ? '-' : '+', static_cast<int>(a / 3600),
                static_cast<int>(a % 3600 / 60));
  return buf;
}

std::optional<std::string> OffsetBetween(const std::string& local_iso, int64_t utc) {
  std::tm tm{};
  if (local_iso.size() < 19 || !strptime(local_iso.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
    return std::nullopt;
  const int64_t diff = static_cast<int64_t>(timegm(&tm)) - utc;
  if (diff % 900 != 0 || diff > 14 * 3600 || diff < -14 * 3600) return std::nullopt;
  return OffsetString(diff);
}

}  // namespace shoebox
