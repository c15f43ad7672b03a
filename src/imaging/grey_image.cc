#include "imaging/grey_image.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "imaging/raw_preview.h"
#include "imaging/reduced_decode.h"

namespace shoebox {
namespace {

Result<GreyImage> ToGrey(VipsImage* in, int max_long_side) {
  VipsRef im;
  if (vips_copy(in, im.out(), nullptr) != 0) return Corrupt("cannot read image");
  if (vips_image_hasalpha(im.im)) {
    VipsRef flat;
    double white[1] = {255};
    VipsArrayDouble* bg = vips_array_double_new(white, 1);
    const int rc = vips_flatten(im.im, flat.out(), "background", bg, nullptr);
    vips_area_unref(VIPS_AREA(bg));
    if (rc != 0) return Corrupt("cannot flatten alpha");
    im.reset(flat.release());
  }
  const int long_side = std::max(im.im->Xsize, im.im->Ysize);
  if (long_side > max_long_side) {
    VipsRef small;
    if (vips_resize(im.im, small.out(), static_cast<double>(max_long_side) / long_side, nullptr) !=
        0)
      return Corrupt("cannot shrink image");
    im.reset(small.release());
  }
  VipsRef grey;
  if (vips_colourspace(im.im, grey.out(), VIPS_INTERPRETATION_B_W, nullptr) != 0)
    return Corrupt("cannot convert to grey");
  VipsRef band;
  if (vips_extract_band(grey.im, band.out(), 0, nullptr) != 0) return Corrupt("no grey band");
  VipsRef bytes;
  if (vips_cast(band.im, bytes.out(), VIPS_FORMAT_UCHAR, nullptr) != 0)
    return Corrupt("cannot convert to 8 bits");
  size_t len = 0;
  void* mem = vips_image_write_to_memory(bytes.im, &len);
  if (!mem) return Corrupt("cannot decode image");
  GreyImage out;
  out.width = bytes.im->Xsize;
  out.height = bytes.im->Ysize;
  const size_t want = static_cast<size_t>(out.width) * out.height;
  if (len < want) {
    g_free(mem);
    return Corrupt("short grey image");
  }
  out.pixels.assign(static_cast<uint8_t*>(mem), static_cast<uint8_t*>(mem) + want);
  g_free(mem);
  return out;
}

}  // namespace

Result<GreyImage> DecodeVideoPosterGrey(const VideoBytes& bytes, ImageFormat format,
                                        int max_long_side) {
  if (max_long_side < 1) return InvalidArgument("max_long_side must be positive");
  auto video = AnalyzeVideo(bytes, format, VideoOptions{}, 0);
  if (!video.ok()) return video.status();
  RgbImage& rgb = video->poster->rgb;
  VipsRef im(vips_image_new_from_memory(rgb.pixels.data(), rgb.pixels.size(), rgb.width, rgb.height,
                                        3, VIPS_FORMAT_UCHAR));
  if (!im.im) return Corrupt("cannot read the video's poster frame");
  return ToGrey(im.im, max_long_side);
}

Result<GreyImage> DecodeGrey(const uint8_t* data, size_t size, ImageFormat format,
                             int max_long_side) {
  if (max_long_side < 1) return InvalidArgument("max_long_side must be positive");
  if (IsVideoFormat(format))
    return DecodeVideoPosterGrey(VideoBytes::FromMemory(data, size), format, max_long_side);
  CountPhotoDecode();
  Result<ReducedImage> r = Status(Internal("not opened"));
  if (format == ImageFormat::kRaw) {
    auto preview = ExtractRawPreview(data, size);
    if (!preview.ok()) return preview.status();
    const int o = preview->orientation;
    r = OpenRawPreview(std::move(*preview), o, 0, "none");
  } else {
    // The short side the shrunk image will have, halved: OpenReduced keeps twice its
    // min_short (DCT scaling stops at no less than double).
    VipsRef header(
        vips_image_new_from_buffer(data, size, "", "access", VIPS_ACCESS_SEQUENTIAL, nullptr));
    if (!header.im) return Corrupt("cannot decode image");
    const int w = header.im->Xsize, h = header.im->Ysize;
    const double scale = std::min(1.0, static_cast<double>(max_long_side) / std::max(w, h));
    const int min_short = std::max(1, static_cast<int>(std::ceil(std::min(w, h) * scale / 2)));
    r = OpenReduced(data, size, format, min_short, "none");
  }
  if (!r.ok()) return r.status();
  return ToGrey(r->image.im, max_long_side);
}

}  // namespace shoebox
