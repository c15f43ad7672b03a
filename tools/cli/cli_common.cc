#include "tools/cli/cli_common.h"

#include <cstdio>

#include "base/xdg_dirs.h"

namespace shoebox::cli {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kBusy: return 3;
    case StatusCode::kNotFound: return 4;
    default: return 1;
  }
}

int Fail(const Status& s) {
  std::fprintf(stderr, "shoebox: %s\n", s.message().c_str());
  return ExitCodeFor(s);
}

std::filesystem::path CatalogPath(const GlobalOptions& g) {
  return g.db.empty() ? DefaultCatalogPath() : std::filesystem::path(g.db);
}

Result<WritableCatalog> OpenCatalogForWriting(const GlobalOptions& g, bool wait) {
  auto lock = WriterLock::Acquire(CatalogPath(g), wait);
  if (!lock.ok()) return lock.status();
  auto cat = OpenCatalog(g, false);
  if (!cat.ok()) return cat.status();
  return WritableCatalog{std::move(*lock), std::move(*cat)};
}

Result<std::unique_ptr<Catalog>> OpenCatalog(const GlobalOptions& g, bool create) {
  return Catalog::Open(CatalogPath(g), create);
}

std::string Dump(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json PhotoJson(const PhotoRow& row) {
  using nlohmann::json;
  const AssetRecord& a = row.asset;
  json j;
  j["id"] = a.id;
  j["path"] = row.file.path;
  j["hash"] = a.hash;
  j["size"] = a.size;
  j["format"] = a.format;
  j["width"] = a.width ? json(*a.width) : json(nullptr);
  j["height"] = a.height ? json(*a.height) : json(nullptr);
  j["orientation"] = a.orientation;
  j["taken_at"] = a.taken_at ? json(*a.taken_at + a.tz_offset.value_or("")) : json(nullptr);
  if (a.make || a.model)
    j["camera"] = {{"make", a.make ? json(*a.make) : json(nullptr)},
                   {"model", a.model ? json(*a.model) : json(nullptr)}};
  else
    j["camera"] = nullptr;
  j["lens"] = a.lens ? json(*a.lens) : json(nullptr);
  if (a.gps_lat && a.gps_lon) {
    j["gps"] = {{"lat", *a.gps_lat}, {"lon", *a.gps_lon}};
    if (a.gps_alt) j["gps"]["alt"] = *a.gps_alt;
  } else {
    j["gps"] = nullptr;
  }
  j["rating"] = a.rating ? json(*a.rating) : json(nullptr);
  j["error"] = a.error ? json(*a.error) : json(nullptr);
  j["warning"] = a.warning ? json(*a.warning) : json(nullptr);
  j["thumbnail"] = a.has_thumbnail;
  j["file_id"] = row.file.id;
  j["status"] = row.file.status == FileStatus::kPresent ? "present" : "missing";
  j["mtime_ns"] = row.file.mtime_ns;
  j["first_seen"] = row.file.first_seen;
  j["last_seen"] = row.file.last_seen;
  j["missing_since"] = row.file.missing_since ? nlohmann::json(*row.file.missing_since) : nlohmann::json(nullptr);
  return j;
}

}  // namespace shoebox::cli
