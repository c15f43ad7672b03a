// Dates as photo libraries store them, turned into the catalog's form (local ISO 8601 time
// plus a "+02:00" offset, or a UTC instant).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace shoebox {

// "2019-04-15T21:40:24Z".
std::string UtcIso(int64_t unix_seconds);

// "+02:00" / "-07:00" / "+05:30" for an offset in seconds east of UTC.
std::string OffsetString(int64_t seconds_east);

// The local time at utc + offset, "2019-04-15T14:40:24" (no zone).
std::string LocalIso(int64_t unix_seconds, int64_t seconds_east);

// The offset between a local ISO time and a UTC instant when it is a real time zone (a whole
// quarter hour within +-14 h); nullopt otherwise (the camera clock was simply wrong).
std::optional<std::string> OffsetBetween(const std::string& local_iso, int64_t utc);

// Core Data's reference date (2001-01-01T00:00:00Z) in unix seconds: Apple Photos and
// Capture One store dates as seconds since then.
constexpr int64_t kCoreDataEpoch = 978307200;

}  // namespace shoebox
