#include "imaging/raw_preview.h"

#include <libraw/libraw.h>

#include <memory>

namespace shoebox {

Result<RawPreview> ExtractRawPreview(const uint8_t* data, size_t size) {
  auto raw = std::make_unique<LibRaw>();
  int rc = raw->open_buffer(const_cast<uint8_t*>(data), size);
  if (rc != LIBRAW_SUCCESS)
    return Unsupported(std::string("RAW not readable: ") + libraw_strerror(rc));
  RawPreview out;
  out.width = raw->imgdata.sizes.width;
  out.height = raw->imgdata.sizes.height;
  switch (raw->imgdata.sizes.flip) {
    case 3:
      out.orientation = 3;
      break;
    case 5:
      out.orientation = 8;
      break;
    case 6:
      out.orientation = 6;
      break;
    default:
      out.orientation = 1;
  }
  rc = raw->unpack_thumb();
  if (rc != LIBRAW_SUCCESS)
    return Unsupported(std::string("RAW has no usable embedded preview: ") + libraw_strerror(rc));
  const libraw_thumbnail_t& t = raw->imgdata.thumbnail;
  if (t.tformat == LIBRAW_THUMBNAIL_JPEG) {
    out.is_jpeg = true;
  } else if (t.tformat == LIBRAW_THUMBNAIL_BITMAP && t.tcolors == 3 &&
             static_cast<size_t>(t.twidth) * t.theight * 3 <= t.tlength) {
    out.preview_width = t.twidth;
    out.preview_height = t.theight;
  } else {
    return Unsupported("RAW embedded preview is in a format we cannot read");
  }
  if (!t.thumb || t.tlength == 0) return Unsupported("RAW embedded preview is empty");
  out.preview.assign(reinterpret_cast<const uint8_t*>(t.thumb),
                     reinterpret_cast<const uint8_t*>(t.thumb) + t.tlength);
  return out;
}

}  // namespace shoebox
