#include "library/lightroom/lrprev.h"

#include <algorithm>
#include <cstring>

#include "library/lightroom/lua_table.h"

namespace shoebox::lightroom {
namespace {

constexpr size_t kMinHeader = 24;  // through the padding length; the name follows

uint64_t BigEndian(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}

int IntField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int>() : 0;
}

std::string TextField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

const LrprevLevel* Lrprev::Level(int n) const {
  for (const auto& l : levels)
    if (l.number == n) return &l;
  return nullptr;
}

Result<Lrprev> ParseLrprev(std::string_view data) {
  Lrprev out;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  uint64_t at = 0;
  std::optional<nlohmann::json> header;
  while (at < data.size()) {
    const std::string where = "section at byte " + std::to_string(at);
    if (data.size() - at < kMinHeader) return Corrupt(where + ": truncated section header");
    if (std::memcmp(bytes + at, "AgHg", 4) != 0)
      return Corrupt(where + ": no AgHg marker (not a Lightroom preview, or damaged)");
    const uint64_t header_len = BigEndian(bytes + at + 4, 2);
    LrprevSection s;
    s.version = bytes[at + 6];
    s.kind = bytes[at + 7];
    const uint64_t length = BigEndian(bytes + at + 8, 8);
    const uint64_t padding = BigEndian(bytes + at + 16, 8);
    if (header_len < kMinHeader || header_len > 4096)
      return Corrupt(where + ": header length " + std::to_string(header_len) + " is impossible");
    if (header_len > data.size() - at) return Corrupt(where + ": truncated section header");
    const char* name = data.data() + at + kMinHeader;
    s.name.assign(name, strnlen(name, header_len - kMinHeader));
    s.offset = at + header_len;
    const uint64_t left = data.size() - s.offset;
    if (length > left) {
      return Corrupt(where + " ('" + s.name + "'): says " + std::to_string(length) +
                     " bytes of data but the file has " + std::to_string(left) +
                     " left (truncated?)");
    }
    s.length = length;
    // The last section's padding may be cut off at the end of the file.
    at = s.offset + length + std::min<uint64_t>(padding, left - length);
    if (s.name == "header") {
      auto parsed = ParseLuaAssignment(data.substr(s.offset, s.length));
      if (!parsed.ok()) return Corrupt(where + " ('header'): " + parsed.status().message());
      if (!parsed->is_object()) return Corrupt(where + " ('header'): not a table of fields");
      header = std::move(*parsed);
    } else if (s.name.rfind("level_", 0) == 0) {
      const std::string digits = s.name.substr(6);
      if (digits.empty() || digits.size() > 3 ||
          digits.find_first_not_of("0123456789") != std::string::npos)
        return Corrupt(where + ": bad level name '" + s.name + "'");
      std::string_view jpeg = data.substr(s.offset, s.length);
      if (jpeg.size() < 4 || static_cast<unsigned char>(jpeg[0]) != 0xFF ||
          static_cast<unsigned char>(jpeg[1]) != 0xD8)
        return Corrupt(where + " ('" + s.name + "'): the level is not a JPEG");
      out.levels.push_back({std::stoi(digits), 0, 0, jpeg});
    }
    out.sections.push_back(std::move(s));
  }
  if (out.sections.empty()) return Corrupt("empty file");
  if (out.levels.empty()) return Corrupt("no level_N section (no preview image inside)");
  std::sort(out.levels.begin(), out.levels.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  if (header) {
    out.uuid = TextField(*header, "uuid");
    out.digest = TextField(*header, "digest");
    out.cropped_width = IntField(*header, "croppedWidth");
    out.cropped_height = IntField(*header, "croppedHeight");
    auto levels = header->find("levels");
    if (levels != header->end() && levels->is_array()) {
      for (auto& l : out.levels) {
        if (l.number >= 1 && static_cast<size_t>(l.number) <= levels->size() &&
            (*levels)[l.number - 1].is_object()) {
          l.width = IntField((*levels)[l.number - 1], "width");
          l.height = IntField((*levels)[l.number - 1], "height");
        }
      }
    }
  }
  return out;
}

}  // namespace shoebox::lightroom
