#include "imaging/reduced_decode.h"

#include <algorithm>
#include <atomic>

namespace shoebox {
namespace {

std::atomic<uint64_t> g_decodes{0};

// DCT scaling averages 8x8 blocks (a box filter) where Pillow's antialiased bicubic would
// weigh a wider neighbourhood: stopping at twice the target leaves the final resize enough
// to do that it lands within the reference's tolerance (1/8 straight to the target did not;
// see DecodeForModel's tests).
constexpr int kJpegMargin = 2;

// Random access: a 90-degree turn, or grey joined three times into RGB, reads the source out
// of order (sequential access failed on a grey JPEG with orientation 6).
VipsImage* Load(const uint8_t* data, size_t size, const std::string& options) {
  return vips_image_new_from_buffer(data, size, options.c_str(), "access", VIPS_ACCESS_RANDOM,
                                    nullptr);
}

Status Upright(ReducedImage* r, int orientation_to_set) {
  if (orientation_to_set > 0) {  // vips_autorot reads the tag; a RAW preview carries none
    VipsRef copy;
    if (vips_copy(r->image.im, copy.out(), nullptr) != 0) return Corrupt("cannot copy image");
    vips_image_set_int(copy.im, VIPS_META_ORIENTATION, orientation_to_set);
    r->image.reset(copy.release());
  }
  VipsRef rotated;
  if (vips_autorot(r->image.im, rotated.out(), nullptr) != 0) return Corrupt("cannot rotate image");
  r->image.reset(rotated.release());
  return Status::Ok();
}

}  // namespace

int JpegShrinkFor(int width, int height, int min_short) {
  const int short_side = std::min(width, height);
  if (min_short <= 0 || short_side <= 0) return 1;
  for (int s : {8, 4, 2})
    if ((short_side + s - 1) / s >= min_short) return s;
  return 1;
}

Result<ReducedImage> OpenReduced(const uint8_t* data, size_t size, ImageFormat format,
                                 int min_short, const char* fail_on) {
  ReducedImage r;
  r.source = "photo";
  const std::string strict = std::string("fail_on=") + fail_on;
  if (format == ImageFormat::kJpeg) {
    VipsRef header(Load(data, size, strict));
    if (!header.im) return Corrupt("cannot decode image");
    const int shrink = JpegShrinkFor(header.im->Xsize, header.im->Ysize, kJpegMargin * min_short);
    if (shrink > 1)
      r.image.reset(Load(data, size, strict + ",shrink=" + std::to_string(shrink)));
    else
      r.image.reset(header.release());
  } else if (format == ImageFormat::kHeic || format == ImageFormat::kAvif) {
    r.image.reset(Load(data, size, strict));
    if (!r.image.im) return Corrupt("cannot decode image");
    // The embedded thumbnail (an iPhone's is 320 x 240 or larger), when it is big enough.
    VipsRef thumb(Load(data, size, strict + ",thumbnail=true"));
    if (thumb.im && thumb.im->Xsize < r.image.im->Xsize && thumb.im->Ysize < r.image.im->Ysize &&
        std::min(thumb.im->Xsize, thumb.im->Ysize) >= min_short && min_short > 0) {
      r.image.reset(thumb.release());
      r.source = "preview";
    }
  } else {
    r.image.reset(Load(data, size, strict));
  }
  if (!r.image.im) return Corrupt("cannot decode image");
  SHOEBOX_RETURN_IF_ERROR(Upright(&r, 0));
  return r;
}

Result<ReducedImage> OpenRawPreview(RawPreview preview, int orientation, int min_short,
                                    const char* fail_on) {
  ReducedImage r;
  r.source = "preview";
  r.keepalive = std::move(preview.preview);
  if (preview.is_jpeg) {
    const std::string strict = std::string("fail_on=") + fail_on;
    VipsRef header(Load(r.keepalive.data(), r.keepalive.size(), strict));
    if (!header.im) return Corrupt("cannot decode the RAW's preview");
    if (std::min(header.im->Xsize, header.im->Ysize) < min_short)
      return Unsupported("the RAW's preview (" + std::to_string(header.im->Xsize) + "x" +
                         std::to_string(header.im->Ysize) + ") is smaller than the model's input");
    const int shrink = JpegShrinkFor(header.im->Xsize, header.im->Ysize, kJpegMargin * min_short);
    if (shrink > 1)
      r.image.reset(Load(r.keepalive.data(), r.keepalive.size(),
                         strict + ",shrink=" + std::to_string(shrink)));
    else
      r.image.reset(header.release());
  } else {
    if (std::min(preview.preview_width, preview.preview_height) < min_short)
      return Unsupported("the RAW's preview is smaller than the model's input");
    r.image.reset(vips_image_new_from_memory(r.keepalive.data(), r.keepalive.size(),
                                             preview.preview_width, preview.preview_height, 3,
                                             VIPS_FORMAT_UCHAR));
  }
  if (!r.image.im) return Corrupt("cannot decode the RAW's preview");
  SHOEBOX_RETURN_IF_ERROR(Upright(&r, std::max(orientation, 1)));
  return r;
}

Result<RgbImage> ToRgb(VipsImage* image) {
  g_object_ref(image);
  VipsRef cur(image);
  // Replaces cur with the output of op(cur, &out); false when op fails.
  auto apply = [&](auto op) -> bool {
    VipsImage* out = nullptr;
    if (op(cur.im, &out) != 0) return false;
    cur.reset(out);
    return true;
  };
  if (cur.im->BandFmt !=
          VIPS_FORMAT_UCHAR &&  // 16-bit: keep the top byte, as Pillow's 8-bit conversion
      !apply([](VipsImage* in, VipsImage** out) {
        return vips_cast(in, out, VIPS_FORMAT_UCHAR, "shift", TRUE, nullptr);
      }))
    return Corrupt("cannot convert to 8 bits");
  int bands = cur.im->Bands;
  if (bands == 1 || bands == 2) {  // grey (+ alpha): R = G = B = grey, alpha dropped
    if (!apply([](VipsImage* in, VipsImage** out) {
          return vips_extract_band(in, out, 0, nullptr);
        }) ||
        !apply([](VipsImage* in, VipsImage** out) {
          VipsImage* three[3] = {in, in, in};
          return vips_bandjoin(three, out, 3, nullptr);
        }))
      return Corrupt("cannot convert grey to RGB");
  } else if (bands > 3) {  // RGBA / CMYK...: PIL's convert("RGB") drops alpha without compositing
    if (!apply([](VipsImage* in, VipsImage** out) {
          return vips_extract_band(in, out, 0, "n", 3, nullptr);
        }))
      return Corrupt("cannot drop alpha");
  }
  size_t len = 0;
  void* mem = vips_image_write_to_memory(cur.im, &len);
  if (!mem) return Corrupt("cannot decode image pixels");
  RgbImage out;
  out.width = cur.im->Xsize;
  out.height = cur.im->Ysize;
  out.pixels.assign(static_cast<uint8_t*>(mem), static_cast<uint8_t*>(mem) + len);
  g_free(mem);
  return out;
}

uint64_t PhotoDecodeCount() { return g_decodes.load(); }
void CountPhotoDecode() { ++g_decodes; }

}  // namespace shoebox
