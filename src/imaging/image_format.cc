#include "imaging/image_format.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string>

namespace shoebox {
namespace {

std::string LowerExtension(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) return {};
  std::string ext(name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool StartsWith(const uint8_t* d, size_t n, const char* magic, size_t len, size_t at = 0) {
  return n >= at + len && std::memcmp(d + at, magic, len) == 0;
}

constexpr std::array kTiffRawExtensions = {"nef", "nrw", "dng", "arw", "srf", "sr2",
                                           "pef", "cr2", "raw", "rwl", "3fr", "erf",
                                           "kdc", "mef", "mos", "iiq", "srw", "x3f"};

// ISO-BMFF (HEIF/AVIF/CR3): size(4) 'ftyp' major(4) minor(4) compatible brands(4 each).
ImageFormat SniffBmff(const uint8_t* d, size_t n) {
  if (!StartsWith(d, n, "ftyp", 4, 4) || n < 16) return ImageFormat::kUnknown;
  uint32_t box = (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3];
  size_t end = std::min<size_t>(n, box);
  auto brand_is = [&](size_t off, const char* b) { return std::memcmp(d + off, b, 4) == 0; };
  bool heic = false, avif = false, heif = false;
  for (size_t off = 8; off + 4 <= end; off += 4) {
    if (off == 12) continue;                              // minor version, not a brand
    if (brand_is(off, "crx ")) return ImageFormat::kRaw;  // Canon CR3
    if (brand_is(off, "avif") || brand_is(off, "avis")) avif = true;
    if (brand_is(off, "heic") || brand_is(off, "heix") || brand_is(off, "heim") ||
        brand_is(off, "heis") || brand_is(off, "hevc") || brand_is(off, "hevx"))
      heic = true;
    if (brand_is(off, "mif1") || brand_is(off, "msf1")) heif = true;
  }
  // The major brand wins when it names one of them.
  if (brand_is(8, "avif") || brand_is(8, "avis")) return ImageFormat::kAvif;
  if (heic) return ImageFormat::kHeic;
  if (avif) return ImageFormat::kAvif;
  if (heif) return ImageFormat::kHeic;
  // Everything else in an ftyp box is a movie, but for audio-only brands (iTunes music,
  // audio books) and JPEG 2000's.
  for (const char* audio : {"M4A ", "M4B ", "M4P ", "F4A ", "F4B ", "jp2 ", "jpx ", "jpm "})
    if (brand_is(8, audio)) return ImageFormat::kUnknown;
  if (brand_is(8, "qt  ")) return ImageFormat::kMov;
  if (std::memcmp(d + 8, "3gp", 3) == 0 || std::memcmp(d + 8, "3g2", 3) == 0)
    return ImageFormat::k3gp;
  return ImageFormat::kMp4;
}

// Matroska / WebM: an EBML header whose DocType says which (within the first bytes, as every
// muxer writes it first).
ImageFormat SniffEbml(const uint8_t* d, size_t n) {
  if (!StartsWith(d, n, "\x1A\x45\xDF\xA3", 4)) return ImageFormat::kUnknown;
  for (size_t i = 4; i + 4 <= n; ++i)
    if (std::memcmp(d + i, "webm", 4) == 0) return ImageFormat::kWebm;
  return ImageFormat::kMkv;
}

}  // namespace

std::string_view FormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kGif:
      return "gif";
    case ImageFormat::kHeic:
      return "heic";
    case ImageFormat::kAvif:
      return "avif";
    case ImageFormat::kTiff:
      return "tiff";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kJxl:
      return "jxl";
    case ImageFormat::kRaw:
      return "raw";
    case ImageFormat::kMp4:
      return "mp4";
    case ImageFormat::kMov:
      return "mov";
    case ImageFormat::k3gp:
      return "3gp";
    case ImageFormat::kMkv:
      return "mkv";
    case ImageFormat::kWebm:
      return "webm";
    case ImageFormat::kAvi:
      return "avi";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageFormat FormatFromName(std::string_view name) {
  for (ImageFormat f :
       {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp, ImageFormat::kGif,
        ImageFormat::kHeic, ImageFormat::kAvif, ImageFormat::kTiff, ImageFormat::kBmp,
        ImageFormat::kJxl, ImageFormat::kRaw, ImageFormat::kMp4, ImageFormat::kMov,
        ImageFormat::k3gp, ImageFormat::kMkv, ImageFormat::kWebm, ImageFormat::kAvi}) {
    if (FormatName(f) == name) return f;
  }
  return ImageFormat::kUnknown;
}

ImageFormat SniffFormat(const uint8_t* d, size_t n, std::string_view file_name) {
  if (StartsWith(d, n, "\xFF\xD8\xFF", 3)) return ImageFormat::kJpeg;
  if (StartsWith(d, n, "\x89PNG\r\n\x1A\n", 8)) return ImageFormat::kPng;
  if (StartsWith(d, n, "GIF87a", 6) || StartsWith(d, n, "GIF89a", 6)) return ImageFormat::kGif;
  if (StartsWith(d, n, "RIFF", 4) && StartsWith(d, n, "WEBP", 4, 8)) return ImageFormat::kWebp;
  if (StartsWith(d, n, "RIFF", 4) && StartsWith(d, n, "AVI ", 4, 8)) return ImageFormat::kAvi;
  if (ImageFormat ebml = SniffEbml(d, n); ebml != ImageFormat::kUnknown) return ebml;
  if (StartsWith(d, n, "\xFF\x0A", 2) ||
      StartsWith(d, n, "\x00\x00\x00\x0CJXL \x0D\x0A\x87\x0A", 12))
    return ImageFormat::kJxl;
  if (StartsWith(d, n, "FUJIFILMCCD-RAW", 15)) return ImageFormat::kRaw;
  if (StartsWith(d, n, "IIRO", 4) || StartsWith(d, n, "IIRS", 4) || StartsWith(d, n, "MMOR", 4) ||
      StartsWith(d, n, "IIU\0", 4))
    return ImageFormat::kRaw;  // Olympus ORF, Panasonic RW2
  if (StartsWith(d, n, "II*\0", 4) || StartsWith(d, n, "MM\0*", 4)) {
    if (StartsWith(d, n, "CR", 2, 8)) return ImageFormat::kRaw;  // Canon CR2
    std::string ext = LowerExtension(file_name);
    for (const char* raw : kTiffRawExtensions)
      if (ext == raw) return ImageFormat::kRaw;
    return ImageFormat::kTiff;
  }
  if (StartsWith(d, n, "BM", 2) && n >= 26) {
    // BITMAPFILEHEADER's reserved words are zero and the DIB header size is one of a few.
    uint32_t dib = d[14] | (d[15] << 8) | (d[16] << 16) | (uint32_t{d[17]} << 24);
    if (d[6] == 0 && d[7] == 0 && d[8] == 0 && d[9] == 0 &&
        (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124))
      return ImageFormat::kBmp;
  }
  return SniffBmff(d, n);
}

std::string DescribeNonImage(const uint8_t* d, size_t n) {
  if (n == 0) return "empty file (0 bytes)";
  size_t probe = std::min<size_t>(n, 512);
  size_t printable = 0;
  for (size_t i = 0; i < probe; ++i)
    if ((d[i] >= 0x20 && d[i] < 0x7F) || d[i] == '\n' || d[i] == '\r' || d[i] == '\t' ||
        d[i] >= 0x80)
      ++printable;
  if (printable == probe) return "not an image: the file contains text";
  char hex[64];
  std::snprintf(hex, sizeof hex, "%02x %02x %02x %02x", d[0], n > 1 ? d[1] : 0, n > 2 ? d[2] : 0,
                n > 3 ? d[3] : 0);
  return std::string("not an image: unrecognised content (starts with ") + hex + ")";
}

bool IsKnownNonImageExtension(std::string_view file_name) {
  static constexpr std::array kSkip = {
      "json", "xmp",    "aae",    "txt",    "md",    "pdf",      "html", "htm", "xml",
      "db",   "sqlite", "mts",    "m2ts",   "wmv",   "mpg",      "mpeg", "mp3", "wav",
      "m4a",  "aac",    "flac",   "ogg",    "zip",   "gz",       "tar",  "7z",  "rar",
      "exe",  "dll",    "so",     "js",     "css",   "py",       "c",    "cc",  "h",
      "ini",  "lrcat",  "lrdata", "lrprev", "plist", "thm",      "xcf",  "psd", "doc",
      "docx", "xls",    "xlsx",   "csv",    "log",   "ds_store", "pp3",  "dop", "on1"};
  std::string ext = LowerExtension(file_name);
  if (ext.empty()) return false;
  for (const char* s : kSkip)
    if (ext == s) return true;
  return false;
}

bool HasImageExtension(std::string_view file_name) {
  static constexpr std::array kImage = {
      "jpg",  "jpeg", "jpe",  "jfif", "png", "webp", "gif", "heic", "heif", "hif",
      "avif", "tif",  "tiff", "bmp",  "dib", "jxl",  "dng", "cr2",  "cr3",  "nef",
      "nrw",  "arw",  "srf",  "sr2",  "orf", "rw2",  "raf", "pef",  "srw",  "raw",
      "rwl",  "3fr",  "erf",  "kdc",  "mef", "mos",  "iiq", "x3f"};
  std::string ext = LowerExtension(file_name);
  for (const char* s : kImage)
    if (ext == s) return true;
  return false;
}

bool HasVideoExtension(std::string_view file_name) {
  static constexpr std::array kVideo = {"mp4", "m4v",  "mov", "qt", "3gp", "3g2",
                                        "mkv", "webm", "avi", "mp", "mp~2"};
  std::string ext = LowerExtension(file_name);
  for (const char* s : kVideo)
    if (ext == s) return true;
  return false;
}

bool IsVideoFormat(ImageFormat format) {
  switch (format) {
    case ImageFormat::kMp4:
    case ImageFormat::kMov:
    case ImageFormat::k3gp:
    case ImageFormat::kMkv:
    case ImageFormat::kWebm:
    case ImageFormat::kAvi:
      return true;
    default:
      return false;
  }
}

}  // namespace shoebox
