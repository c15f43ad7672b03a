#include "catalog/photo_json.h"

namespace shoebox {

void AddTextJson(const std::optional<AssetTextRecord>& text, nlohmann::json* photo) {
  nlohmann::json t;
  if (!text || text->state == TextState::kNone) {
    t["state"] = "pending";
  } else {
    t["state"] = text->state == TextState::kRead      ? "read"
                 : text->state == TextState::kSkipped ? "skipped"
                                                      : "failed";
    t["ocr"] = text->text;
    t["confidence"] = text->confidence;
    t["lang"] = text->languages;
    t["words"] = nlohmann::json::array();
    if (!text->words_json.empty()) {
      auto words = nlohmann::json::parse(text->words_json, nullptr, false);
      if (words.is_array()) t["words"] = std::move(words);
    }
    if (!text->error.empty()) t["error"] = text->error;
  }
  (*photo)["text"] = std::move(t);
}

nlohmann::json TextCoverageJson(const TextCoverage& c) {
  return {{"photos", c.photos},   {"read", c.read},     {"with_text", c.with_text},
          {"skipped", c.skipped}, {"failed", c.failed}, {"outdated", c.outdated},
          {"pending", c.pending}};
}

std::string DumpJson(const nlohmann::json& j, int indent) {
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
  if (a.duration || a.codec) {
    j["video"] = {{"duration", a.duration ? json(*a.duration) : json(nullptr)},
                  {"codec", a.codec ? json(*a.codec) : json(nullptr)},
                  {"poster_at", a.poster_at ? json(*a.poster_at) : json(nullptr)}};
  }
  if (a.motion_offset && a.motion_length)
    j["motion"] = {{"offset", *a.motion_offset},
                   {"length", *a.motion_length},
                   {"duration", a.motion_duration ? json(*a.motion_duration) : json(nullptr)}};
  else if (a.motion_file_id)
    j["motion"] = {{"file_id", *a.motion_file_id},
                   {"duration", a.motion_duration ? json(*a.motion_duration) : json(nullptr)}};
  j["file_id"] = row.file.id;
  j["status"] = row.file.status == FileStatus::kPresent      ? "present"
                : row.file.status == FileStatus::kMotionPart ? "motion part"
                                                             : "missing";
  j["mtime_ns"] = row.file.mtime_ns;
  j["first_seen"] = row.file.first_seen;
  j["last_seen"] = row.file.last_seen;
  j["missing_since"] =
      row.file.missing_since ? nlohmann::json(*row.file.missing_since) : nlohmann::json(nullptr);
  return j;
}

void AddPeopleJson(const std::vector<PersonFace>& people, nlohmann::json* j) {
  if (people.empty()) return;
  nlohmann::json list = nlohmann::json::array();
  for (const PersonFace& p : people) {
    nlohmann::json one = {{"name", p.face.person}, {"from", p.origin}};
    if (p.face.x && p.face.y && p.face.w && p.face.h)
      one["box"] = {*p.face.x, *p.face.y, *p.face.w, *p.face.h};
    list.push_back(std::move(one));
  }
  (*j)["people"] = std::move(list);
}

nlohmann::json PeopleJson(const std::vector<PersonSummary>& people) {
  nlohmann::json out = nlohmann::json::array();
  for (const PersonSummary& p : people) {
    nlohmann::json cover = {{"id", p.cover_asset_id}};
    if (p.cover_face && p.cover_face->x && p.cover_face->y && p.cover_face->w && p.cover_face->h)
      cover["box"] = {*p.cover_face->x, *p.cover_face->y, *p.cover_face->w, *p.cover_face->h};
    out.push_back({{"name", p.name}, {"photos", p.photos}, {"cover", cover}});
  }
  return out;
}

void AddLibraryJson(const LibraryInfo& info, nlohmann::json* j) {
  using nlohmann::json;
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  (*j)["source"] = {{"kind", info.source_kind}, {"root", info.source_root}};
  (*j)["external_id"] = opt(info.external_id);
  (*j)["original_filename"] = opt(info.original_filename);
  (*j)["title"] = opt(info.title);
  (*j)["description"] = opt(info.description);
  (*j)["albums"] = info.albums;
  (*j)["keywords"] = info.keywords;
  if (info.rating) (*j)["rating"] = *info.rating;
  if (info.pick) (*j)["pick"] = *info.pick;
  if (info.color_label) (*j)["color_label"] = *info.color_label;
  if (info.orientation) (*j)["library_orientation"] = *info.orientation;
  if (info.stand_in) {
    (*j)["stand_in"] = *info.stand_in;
    (*j)["original_path"] = opt(info.original_path);
  }
  (*j)["favorite"] = info.favorite;
  (*j)["hidden"] = info.hidden;
  (*j)["trashed"] = info.trashed;
}

}  // namespace shoebox
