#include "imaging/photo_metadata.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exiv2/exiv2.hpp>
#include <mutex>

namespace shoebox {
namespace {

std::optional<std::string> Text(const Exiv2::ExifData& exif, const char* key) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end() || it->count() == 0) return std::nullopt;
  std::string s = it->toString();
  // EXIF ASCII fields are NUL- and space-padded by many cameras.
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  size_t start = s.find_first_not_of(' ');
  if (start == std::string::npos) return std::nullopt;
  s = s.substr(start);
  return s;
}

std::optional<long> Integer(const Exiv2::ExifData& exif, const char* key) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end() || it->count() == 0) return std::nullopt;
  return it->toLong();
}

std::optional<double> GpsCoordinate(const Exiv2::ExifData& exif, const char* value_key,
                                    const char* ref_key) {
  auto it = exif.findKey(Exiv2::ExifKey(value_key));
  if (it == exif.end() || it->count() < 3) return std::nullopt;
  double deg = it->toFloat(0), min = it->toFloat(1), sec = it->toFloat(2);
  if (!std::isfinite(deg) || !std::isfinite(min) || !std::isfinite(sec)) return std::nullopt;
  double v = deg + min / 60.0 + sec / 3600.0;
  auto ref = Text(exif, ref_key);
  if (ref && !ref->empty() && (ref->front() == 'S' || ref->front() == 'W')) v = -v;
  return v;
}

void FillFromExif(const Exiv2::ExifData& exif, PhotoMetadata* m) {
  if (auto o = Integer(exif, "Exif.Image.Orientation"); o && *o >= 1 && *o <= 8)
    m->orientation = static_cast<int>(*o);
  struct DateSource {
    const char* key;
    uint16_t offset_tag;  // OffsetTimeOriginal / OffsetTimeDigitized / OffsetTime
  };
  // Exif.Image.DateTime is when the file was last changed (an edit, a scan), not when the
  // photo was taken, so it is deliberately not a fallback.
  for (const DateSource& src : {DateSource{"Exif.Photo.DateTimeOriginal", 0x9011},
                                DateSource{"Exif.Photo.DateTimeDigitized", 0x9012}}) {
    auto d = Text(exif, src.key);
    if (!d) continue;
    auto iso = ExifDateToIso(*d);
    if (!iso) continue;
    m->taken_at = iso;
    auto it = exif.findKey(Exiv2::ExifKey(src.offset_tag, "Photo"));
    if (it != exif.end() && it->count() > 0) {
      std::string off = it->toString();
      if (off.size() >= 6 && (off[0] == '+' || off[0] == '-') && off[3] == ':')
        m->tz_offset = off.substr(0, 6);
    }
    break;
  }
  m->make = Text(exif, "Exif.Image.Make");
  m->model = Text(exif, "Exif.Image.Model");
  m->lens = Text(exif, "Exif.Photo.LensModel");
  auto lat = GpsCoordinate(exif, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef");
  auto lon = GpsCoordinate(exif, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef");
  // [0,0] is what phones write when they had no fix: treat it as "no location".
  if (lat && lon && std::fabs(*lat) <= 90 && std::fabs(*lon) <= 180 && !(*lat == 0 && *lon == 0)) {
    m->gps_lat = lat;
    m->gps_lon = lon;
    auto alt = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSAltitude"));
    if (alt != exif.end() && alt->count() > 0 && std::isfinite(alt->toFloat())) {
      double a = alt->toFloat();
      auto ref = Integer(exif, "Exif.GPSInfo.GPSAltitudeRef");
      m->gps_alt = (ref && *ref == 1) ? -a : a;
    }
  }
  if (auto r = Integer(exif, "Exif.Image.Rating"); r && *r >= -1 && *r <= 5)
    m->rating = static_cast<int>(*r);
  if (auto w = Integer(exif, "Exif.Photo.PixelXDimension"); w && *w > 0)
    m->exif_width = static_cast<int>(*w);
  if (auto h = Integer(exif, "Exif.Photo.PixelYDimension"); h && *h > 0)
    m->exif_height = static_cast<int>(*h);
}

// exiv2 reports trouble through a global log handler, called on the reading thread.
thread_local std::string* tls_exiv2_log = nullptr;

void CaptureExiv2Log(int level, const char* msg) {
  if (!tls_exiv2_log || level < Exiv2::LogMsg::warn || !msg) return;
  std::string m = msg;
  // Maker notes are vendor-private and routinely malformed in perfectly good photos; XMP
  // date-format chatter likewise. Only damage to the standard directories is worth telling.
  if (m.rfind("Directory ", 0) == 0) {
    bool standard = m.rfind("Directory Image", 0) == 0 || m.rfind("Directory Photo", 0) == 0 ||
                    m.rfind("Directory GPSInfo", 0) == 0 || m.rfind("Directory Iop", 0) == 0;
    if (!standard) return;
  } else if (m.find("Unsupported date format") != std::string::npos ||
             m.find("Unsupported time format") != std::string::npos) {
    return;
  }
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  if (m.empty() || tls_exiv2_log->size() > 300) return;
  if (!tls_exiv2_log->empty()) *tls_exiv2_log += "; ";
  *tls_exiv2_log += m;
}

struct Exiv2LogScope {
  std::string log;
  Exiv2LogScope() { tls_exiv2_log = &log; }
  ~Exiv2LogScope() { tls_exiv2_log = nullptr; }
};

std::optional<std::string> XmpText(const Exiv2::XmpData& xmp, const char* key) {
  auto it = xmp.findKey(Exiv2::XmpKey(key));
  if (it == xmp.end() || it->count() == 0) return std::nullopt;
  std::string s = it->toString();
  if (s.empty()) return std::nullopt;
  return s;
}

// "41,23.4N" or "41,23,24N" (XMP's GPSCoordinate) in signed degrees.
std::optional<double> XmpCoordinate(const std::string& v) {
  if (v.size() < 3) return std::nullopt;
  const char ref = v.back();
  if (ref != 'N' && ref != 'S' && ref != 'E' && ref != 'W') return std::nullopt;
  double parts[3] = {0, 0, 0};
  int n = 0;
  size_t start = 0;
  const std::string body = v.substr(0, v.size() - 1);
  while (start <= body.size() && n < 3) {
    const size_t comma = body.find(',', start);
    const std::string piece =
        body.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    parts[n] = std::strtod(piece.c_str(), &end);
    if (piece.empty() || end != piece.c_str() + piece.size() || !std::isfinite(parts[n]))
      return std::nullopt;
    ++n;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (n < 2) return std::nullopt;
  double deg = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  return (ref == 'S' || ref == 'W') ? -deg : deg;
}

std::optional<double> XmpNumber(const Exiv2::XmpData& xmp, const std::string& key) {
  auto s = XmpText(xmp, key.c_str());
  if (!s) return std::nullopt;
  double v = 0;
  const char* begin = s->data();
  while (begin < s->data() + s->size() && *begin == ' ') ++begin;
  auto [end, ec] = std::from_chars(begin, s->data() + s->size(), v);
  if (ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A box of fractions, kept only when it lies (within rounding) inside the photo.
bool SetBox(double x, double y, double w, double h, FaceRegion* r) {
  constexpr double kSlack = 0.01;
  if (!(w > 0 && h > 0 && x >= -kSlack && y >= -kSlack && x + w <= 1 + kSlack &&
        y + h <= 1 + kSlack))
    return false;
  r->x = std::clamp(x, 0.0, 1.0);
  r->y = std::clamp(y, 0.0, 1.0);
  r->w = std::min(w, 1.0 - *r->x);
  r->h = std::min(h, 1.0 - *r->y);
  return true;
}

// MWG regions (mwg-rs:Regions/RegionList: Name, Type, Area with a normalised centre and size in
// the stored photo), else Microsoft Photo's (MPRI:Regions: PersonDisplayName and a Rectangle
// "x, y, w, h" of the photo as shown). Unnamed regions (a face nobody named, a focus area) are
// not people. At most kMaxRegions are read from a hostile packet.
void ReadFaceRegions(const Exiv2::XmpData& xmp, std::vector<FaceRegion>* out) {
  constexpr int kMaxRegions = 256;
  for (int i = 1; i <= kMaxRegions; ++i) {
    const std::string item = "Xmp.mwg-rs.Regions/mwg-rs:RegionList[" + std::to_string(i) + "]";
    if (xmp.findKey(Exiv2::XmpKey(item)) == xmp.end()) break;
    auto name = XmpText(xmp, (item + "/mwg-rs:Name").c_str());
    auto type = XmpText(xmp, (item + "/mwg-rs:Type").c_str());
    if (!name || (type && *type != "Face" && *type != "Pet")) continue;
    FaceRegion r;
    r.name = *name;
    const std::string area = item + "/mwg-rs:Area/stArea:";
    auto unit = XmpText(xmp, (area + "unit").c_str());
    auto x = XmpNumber(xmp, area + "x"), y = XmpNumber(xmp, area + "y");
    auto w = XmpNumber(xmp, area + "w"), h = XmpNumber(xmp, area + "h");
    if ((!unit || *unit == "normalized") && x && y && w && h)
      SetBox(*x - *w / 2, *y - *h / 2, *w, *h, &r);
    out->push_back(std::move(r));
  }
  if (!out->empty()) return;
  for (int i = 1; i <= kMaxRegions; ++i) {
    const std::string item = "Xmp.MP.RegionInfo/MPRI:Regions[" + std::to_string(i) + "]";
    if (xmp.findKey(Exiv2::XmpKey(item)) == xmp.end()) break;
    auto name = XmpText(xmp, (item + "/MPReg:PersonDisplayName").c_str());
    if (!name) continue;
    FaceRegion r;
    r.name = *name;
    r.upright = true;
    if (auto rect = XmpText(xmp, (item + "/MPReg:Rectangle").c_str())) {
      double v[4];
      int n = 0;
      const char* p = rect->data();
      const char* end = p + rect->size();
      while (n < 4 && p < end) {
        while (p < end && (*p == ' ' || *p == ',')) ++p;
        auto [next, ec] = std::from_chars(p, end, v[n]);
        if (ec != std::errc() || !std::isfinite(v[n])) break;
        ++n;
        p = next;
      }
      if (n == 4) SetBox(v[0], v[1], v[2], v[3], &r);
    }
    out->push_back(std::move(r));
  }
}

void FillFromXmp(const Exiv2::XmpData& xmp, PhotoMetadata* m) {
  if (!m->rating) {
    auto it = xmp.findKey(Exiv2::XmpKey("Xmp.xmp.Rating"));
    if (it != xmp.end() && it->count() > 0) {
      long r = it->toLong();
      if (r >= -1 && r <= 5) m->rating = static_cast<int>(r);
    }
  }
  // Editors and exporters that drop EXIF (PNG exports, scans catalogued in Lightroom) keep the
  // capture facts in XMP; the EXIF ones win where both exist. Not xmp:CreateDate: Photoshop
  // sets it to when the document was made (the corpus's CMYK JPEG has one and no capture date).
  if (!m->taken_at)
    for (const char* key : {"Xmp.exif.DateTimeOriginal", "Xmp.photoshop.DateCreated"}) {
      auto d = XmpText(xmp, key);
      std::string offset;
      auto iso = d ? XmpDateToIso(*d, &offset) : std::nullopt;
      if (!iso) continue;
      m->taken_at = iso;
      if (!offset.empty()) m->tz_offset = offset;
      break;
    }
  if (m->faces.empty()) ReadFaceRegions(xmp, &m->faces);
  if (!m->make) m->make = XmpText(xmp, "Xmp.tiff.Make");
  if (!m->model) m->model = XmpText(xmp, "Xmp.tiff.Model");
  if (!m->lens) m->lens = XmpText(xmp, "Xmp.aux.Lens");
  if (!m->gps_lat) {
    auto lat = XmpText(xmp, "Xmp.exif.GPSLatitude");
    auto lon = XmpText(xmp, "Xmp.exif.GPSLongitude");
    auto la = lat ? XmpCoordinate(*lat) : std::nullopt;
    auto lo = lon ? XmpCoordinate(*lon) : std::nullopt;
    if (la && lo && std::fabs(*la) <= 90 && std::fabs(*lo) <= 180 && !(*la == 0 && *lo == 0)) {
      m->gps_lat = la;
      m->gps_lon = lo;
    }
  }
}

}  // namespace

FaceRegion UprightRegion(const FaceRegion& r, int orientation) {
  if (r.upright || !r.x || !r.y || !r.w || !r.h || orientation < 2 || orientation > 8) return r;
  FaceRegion u = r;
  u.upright = true;
  const double x = *r.x, y = *r.y, w = *r.w, h = *r.h;
  // Where the stored box lands once the photo is turned as EXIF orientation says (a point
  // (x, y) goes to (1 - y, x) for 6, a quarter turn clockwise; 5-8 swap width and height).
  switch (orientation) {
    case 2:
      u.x = 1 - x - w;
      break;
    case 3:
      u.x = 1 - x - w;
      u.y = 1 - y - h;
      break;
    case 4:
      u.y = 1 - y - h;
      break;
    case 5:
      u.x = y;
      u.y = x;
      break;
    case 6:
      u.x = 1 - y - h;
      u.y = x;
      break;
    case 7:
      u.x = 1 - y - h;
      u.y = 1 - x - w;
      break;
    case 8:
      u.x = y;
      u.y = 1 - x - w;
      break;
  }
  if (orientation >= 5) {
    u.w = h;
    u.h = w;
  }
  return u;
}

std::string PhotoMetadata::TakenAtWithOffset() const {
  if (!taken_at) return {};
  return *taken_at + (tz_offset ? *tz_offset : "");
}

void InitMetadataReader() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::XmpParser::initialize();
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::warn);
    Exiv2::LogMsg::setHandler(CaptureExiv2Log);
#ifdef EXV_ENABLE_BMFF
    Exiv2::enableBMFF(true);
#endif
  });
}

std::optional<std::string> ExifDateToIso(const std::string& d) {
  int y, mo, da, h, mi, s;
  if (std::sscanf(d.c_str(), "%4d:%2d:%2d %2d:%2d:%2d", &y, &mo, &da, &h, &mi, &s) != 6 &&
      std::sscanf(d.c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &da, &h, &mi, &s) != 6 &&
      std::sscanf(d.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &da, &h, &mi, &s) != 6)
    return std::nullopt;
  if (y < 1800 || y > 2200 || mo < 1 || mo > 12 || da < 1 || da > 31 || h < 0 || h > 23 || mi < 0 ||
      mi > 59 || s < 0 || s > 60)
    return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, da, h, mi, s);
  return std::string(buf);
}

PhotoMetadata ReadMetadataFromFile(const uint8_t* data, size_t size, std::string* warning) {
  PhotoMetadata m;
  Exiv2LogScope scope;
  try {
    auto image = Exiv2::ImageFactory::open(data, static_cast<long>(size));
    if (image.get() == nullptr) return m;
    image->readMetadata();
    FillFromExif(image->exifData(), &m);
    FillFromXmp(image->xmpData(), &m);
    if (warning && !scope.log.empty()) *warning = "metadata damaged: " + scope.log;
  } catch (const std::exception& e) {
    // Includes Exiv2::Error ("this does not look like a JPEG" for formats exiv2 lacks).
    if (warning) *warning = std::string("metadata unreadable: ") + e.what();
  }
  return m;
}

std::optional<std::string> XmpDateToIso(const std::string& d, std::string* offset) {
  if (offset) offset->clear();
  if (d.size() < 10) return std::nullopt;
  std::string local = d.substr(0, 10) + "T00:00:00";  // a date alone: that day
  size_t rest = 10;
  if (d.size() >= 16 && d[10] == 'T') {
    local = d.substr(0, 16) + ":00";
    rest = 16;
    if (d.size() >= 19 && d[16] == ':') {
      local = d.substr(0, 19);
      rest = 19;
      if (rest < d.size() && d[rest] == '.') {  // fractions of a second
        ++rest;
        while (rest < d.size() && d[rest] >= '0' && d[rest] <= '9') ++rest;
      }
    }
  }
  auto iso = ExifDateToIso(local);
  if (!iso) return std::nullopt;
  const std::string zone = d.substr(rest);
  if (offset && zone == "Z") *offset = "+00:00";
  if (offset && zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':')
    *offset = zone;
  return iso;
}

PhotoMetadata ReadMetadataFromXmpPacket(const char* data, size_t size, std::string* warning) {
  PhotoMetadata m;
  Exiv2LogScope scope;
  try {
    Exiv2::XmpData xmp;
    if (Exiv2::XmpParser::decode(xmp, std::string(data, size)) != 0) {
      if (warning) *warning = "XMP unreadable";
      return m;
    }
    FillFromXmp(xmp, &m);
  } catch (const std::exception& e) {
    if (warning) *warning = std::string("XMP unreadable: ") + e.what();
  }
  return m;
}

void FillMissing(PhotoMetadata* into, const PhotoMetadata& from) {
  if (!into->taken_at && from.taken_at) {
    into->taken_at = from.taken_at;
    into->tz_offset = from.tz_offset;
  }
  if (!into->make) into->make = from.make;
  if (!into->model) into->model = from.model;
  if (!into->lens) into->lens = from.lens;
  if (!into->gps_lat && from.gps_lat && from.gps_lon) {
    into->gps_lat = from.gps_lat;
    into->gps_lon = from.gps_lon;
    into->gps_alt = from.gps_alt;
  }
  if (!into->rating) into->rating = from.rating;
  if (into->faces.empty()) into->faces = from.faces;
  if (!into->exif_width) into->exif_width = from.exif_width;
  if (!into->exif_height) into->exif_height = from.exif_height;
}

PhotoMetadata ReadMetadataFromExifBlock(const uint8_t* data, size_t size, std::string* warning) {
  PhotoMetadata m;
  if (size >= 6 && std::memcmp(data, "Exif\0\0", 6) == 0) {
    data += 6;
    size -= 6;
  }
  Exiv2LogScope scope;
  try {
    Exiv2::ExifData exif;
    Exiv2::ExifParser::decode(exif, data, static_cast<uint32_t>(size));
    FillFromExif(exif, &m);
  } catch (const std::exception& e) {
    if (warning) *warning = std::string("EXIF unreadable: ") + e.what();
  }
  return m;
}

}  // namespace shoebox
