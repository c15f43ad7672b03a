#include "imaging/xmp_sidecar.h"

#include <exiv2/exiv2.hpp>
#include <set>

#include "base/text_fold.h"

namespace shoebox {
namespace {

constexpr size_t kMaxKeywords = 1000;  // a hostile packet's bag is not copied whole

std::string Trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  const size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

// A LangAlt's x-default (else its first) value; exiv2's toString() of a LangAlt is
// 'lang="x-default" text', its toString(0) the bare text.
std::optional<std::string> LangAlt(const Exiv2::XmpData& xmp, const char* key) {
  auto it = xmp.findKey(Exiv2::XmpKey(key));
  if (it == xmp.end() || it->count() == 0) return std::nullopt;
  std::string v;
  if (const auto* alt = dynamic_cast<const Exiv2::LangAltValue*>(&it->value())) {
    auto d = alt->value_.find("x-default");
    v = d != alt->value_.end() ? d->second : alt->value_.begin()->second;
  } else {
    v = it->toString();
  }
  v = Trimmed(v);
  if (v.empty()) return std::nullopt;
  return v;
}

std::vector<std::string> Bag(const Exiv2::XmpData& xmp, const char* key) {
  std::vector<std::string> out;
  auto it = xmp.findKey(Exiv2::XmpKey(key));
  if (it == xmp.end()) return out;
  const long n = it->count();
  for (long i = 0; i < n && out.size() < kMaxKeywords; ++i) out.push_back(it->toString(i));
  return out;
}

}  // namespace

bool IsXmpSidecarName(const std::string& name) {
  if (name.size() <= 4) return false;
  std::string ext = name.substr(name.size() - 4);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".xmp";
}

XmpSidecar ReadXmpSidecar(const char* data, size_t size, std::string* warning) {
  XmpSidecar s;
  if (size == 0) {  // a write cut short (a tool killed mid-save), not "the user cleared it all"
    if (warning) *warning = "XMP sidecar is empty";
    return s;
  }
  std::string w;
  s.photo = ReadMetadataFromXmpPacket(data, size, &w);
  if (!w.empty()) {
    if (warning) *warning = w;
    return s;
  }
  try {
    Exiv2::XmpData xmp;
    if (Exiv2::XmpParser::decode(xmp, std::string(data, size)) != 0) return s;
    s.title = LangAlt(xmp, "Xmp.dc.title");
    s.description = LangAlt(xmp, "Xmp.dc.description");
    if (auto it = xmp.findKey(Exiv2::XmpKey("Xmp.xmp.Label")); it != xmp.end()) {
      std::string l = Trimmed(it->toString());
      if (!l.empty()) s.label = l;
    }
    std::set<std::string> seen;
    auto add = [&](const std::string& k) {
      std::string t = Trimmed(k);
      if (t.empty() || s.keywords.size() >= kMaxKeywords) return;
      if (seen.insert(FoldText(t)).second) s.keywords.push_back(t);
    };
    for (const std::string& k : Bag(xmp, "Xmp.dc.subject")) add(k);
    for (const std::string& path : Bag(xmp, "Xmp.lr.hierarchicalSubject")) {
      size_t start = 0;
      while (start <= path.size()) {
        const size_t bar = path.find('|', start);
        add(path.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    }
  } catch (const std::exception& e) {
    if (warning) *warning = std::string("XMP unreadable: ") + e.what();
  }
  return s;
}

}  // namespace shoebox
