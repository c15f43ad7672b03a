// Opening a photo at the smallest size a consumer needs (inside imaging/: the photo analyzer
// and the model input share it, so that the thumbnail and the model's pixels come from one
// decode and `shoebox embed` sees exactly the pixels `shoebox index` saw).
//
// Reductions: JPEG DCT scaling while decoding (1/2, 1/4, 1/8: the decoder never produces the
// full image) down to no less than twice `min_short` on the short side; the embedded
// thumbnail of a HEIF/AVIF, and the embedded preview of a camera RAW, when their short side
// is at least `min_short`. The
// image comes back upright (EXIF orientation applied; for HEIF, libheif's irot/imir).
#pragma once

#include <vips/vips.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "imaging/image_format.h"
#include "imaging/model_input.h"
#include "imaging/raw_preview.h"

namespace shoebox {

// Owns a VipsImage reference.
struct VipsRef {
  VipsImage* im = nullptr;
  VipsRef() = default;
  explicit VipsRef(VipsImage* i) : im(i) {}
  VipsRef(const VipsRef&) = delete;
  VipsRef& operator=(const VipsRef&) = delete;
  VipsRef(VipsRef&& o) noexcept : im(o.release()) {}
  VipsRef& operator=(VipsRef&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  ~VipsRef() { reset(nullptr); }
  void reset(VipsImage* i) {
    if (im) g_object_unref(im);
    im = i;
  }
  VipsImage** out() {
    reset(nullptr);
    return &im;
  }
  VipsImage* release() {
    VipsImage* i = im;
    im = nullptr;
    return i;
  }
};

// The largest JPEG shrink (1, 2, 4 or 8) that leaves the short side of a width x height
// image at least min_short pixels (libjpeg rounds scaled sizes up).
int JpegShrinkFor(int width, int height, int min_short);

// A lazily decoded, upright image and where its pixels come from.
struct ReducedImage {
  VipsRef image;
  std::string source;              // "photo", or "preview" (HEIF thumbnail, RAW preview)
  std::vector<uint8_t> keepalive;  // bytes the lazy image still reads (a RAW's preview)
};

// fail_on: libvips' loader strictness ("none", "truncated", "warning").
// Nothing is decoded yet: evaluating the image runs the decoder.
Result<ReducedImage> OpenReduced(const uint8_t* data, size_t size, ImageFormat format,
                                 int min_short, const char* fail_on);
// The same for a RAW's extracted preview (JPEG or bitmap), turned by the RAW's orientation.
Result<ReducedImage> OpenRawPreview(RawPreview preview, int orientation, int min_short,
                                    const char* fail_on);

// Runs the decode into 8-bit RGB the way Pillow's convert("RGB") would: 16-bit keeps the top
// byte, grey is replicated, alpha and extra bands dropped without compositing, no ICC.
Result<RgbImage> ToRgb(VipsImage* image);

// Photos decoded so far in this process (every pixel decode the analyzer or the model input
// starts): lets tests prove that indexing decodes each photo once.
uint64_t PhotoDecodeCount();
void CountPhotoDecode();

}  // namespace shoebox
