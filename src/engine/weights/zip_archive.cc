#include "engine/weights/zip_archive.h"

#include <algorithm>

namespace shoebox {
namespace {

uint64_t Le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

Result<std::map<std::string, ZipEntry>> ReadZipDirectory(const uint8_t* data, size_t size,
                                                         const std::string& label) {
  auto bad = [&](const std::string& why) {
    return Corrupt(label + ": not a valid zip archive: " + why);
  };
  if (size < 22) return bad("too short");
  // End of central directory: 22 bytes + a comment of up to 65535 bytes, at the very end.
  size_t eocd = std::string::npos;
  for (size_t back = 22; back <= std::min<size_t>(size, 22 + 65535); ++back) {
    size_t at = size - back;
    if (Le(data + at, 4) == 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd == std::string::npos) return bad("no end-of-central-directory record (truncated?)");
  uint64_t count = Le(data + eocd + 10, 2);
  uint64_t dir_size = Le(data + eocd + 12, 4);
  uint64_t dir_offset = Le(data + eocd + 16, 4);
  if (count == 0xFFFF || dir_offset == 0xFFFFFFFF || dir_size == 0xFFFFFFFF) {
    // ZIP64: the locator sits just before the EOCD and points at the ZIP64 EOCD record.
    if (eocd < 20 || Le(data + eocd - 20, 4) != 0x07064b50) return bad("ZIP64 locator missing");
    uint64_t z64 = Le(data + eocd - 20 + 8, 8);
    if (z64 > size - 56 || Le(data + z64, 4) != 0x06064b50)
      return bad("ZIP64 record out of bounds");
    count = Le(data + z64 + 32, 8);
    dir_size = Le(data + z64 + 40, 8);
    dir_offset = Le(data + z64 + 48, 8);
  }
  if (dir_offset > size || dir_size > size - dir_offset)
    return bad("central directory out of bounds");
  if (count > dir_size / 46) return bad("more entries than the central directory can hold");
  std::map<std::string, ZipEntry> out;
  uint64_t p = dir_offset, end = dir_offset + dir_size;
  for (uint64_t i = 0; i < count; ++i) {
    if (end - p < 46 || Le(data + p, 4) != 0x02014b50)
      return bad("damaged central directory entry");
    uint64_t method = Le(data + p + 10, 2);
    uint64_t csize = Le(data + p + 20, 4), usize = Le(data + p + 24, 4);
    uint64_t name_len = Le(data + p + 28, 2), extra_len = Le(data + p + 30, 2),
             comment_len = Le(data + p + 32, 2);
    uint64_t local = Le(data + p + 42, 4);
    if (46 + name_len + extra_len + comment_len > end - p)
      return bad("central directory entry runs past its end");
    std::string name(reinterpret_cast<const char*>(data + p + 46), name_len);
    // ZIP64 extra field (id 1): the 0xFFFFFFFF fields, in order usize, csize, offset.
    const uint8_t* extra = data + p + 46 + name_len;
    for (uint64_t e = 0; e + 4 <= extra_len;) {
      uint64_t id = Le(extra + e, 2), len = Le(extra + e + 2, 2);
      if (e + 4 + len > extra_len) return bad("damaged extra field in entry '" + name + "'");
      if (id == 1) {
        uint64_t q = e + 4;
        auto take = [&](uint64_t* field) -> bool {
          if (*field != 0xFFFFFFFF) return true;
          if (q + 8 > e + 4 + len) return false;
          *field = Le(extra + q, 8);
          q += 8;
          return true;
        };
        if (!take(&usize) || !take(&csize) || !take(&local))
          return bad("damaged ZIP64 field in '" + name + "'");
      }
      e += 4 + len;
    }
    p += 46 + name_len + extra_len + comment_len;
    if (local > size || size - local < 30 || Le(data + local, 4) != 0x04034b50)
      return bad("entry '" + name + "' has no local header at its offset");
    uint64_t lname = Le(data + local + 26, 2), lextra = Le(data + local + 28, 2);
    uint64_t start = local + 30 + lname + lextra;
    if (start > size || csize > size - start)
      return bad("entry '" + name + "' runs past the end of the file (truncated?)");
    ZipEntry entry{data + start, csize, method == 0};
    if (method == 0 && csize != usize)
      return bad("stored entry '" + name + "' has mismatched sizes");
    out[name] = entry;
  }
  return out;
}

}  // namespace shoebox
