#include "base/xdg_dirs.h"

#include <cstdlib>

namespace shoebox {
namespace {

std::filesystem::path Home() {
  const char* home = std::getenv("HOME");
  return (home && *home) ? std::filesystem::path(home) : std::filesystem::path("/tmp");
}

std::filesystem::path XdgOr(const char* var, const char* fallback_under_home) {
  const char* v = std::getenv(var);
  // The XDG spec says relative values are invalid and must be ignored.
  if (v && *v == '/') return std::filesystem::path(v) / "shoebox";
  return Home() / fallback_under_home / "shoebox";
}

}  // namespace

std::filesystem::path DataDir() { return XdgOr("XDG_DATA_HOME", ".local/share"); }
std::filesystem::path CacheDir() { return XdgOr("XDG_CACHE_HOME", ".cache"); }

std::filesystem::path DefaultCatalogPath() {
  const char* db = std::getenv("SHOEBOX_DB");
  if (db && *db) return db;
  return DataDir() / "catalog.db";
}

}  // namespace shoebox
