#include "imaging/photo_analyzer.h"

#include <libheif/heif.h>
#include <vips/vips.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "imaging/raw_preview.h"

namespace shoebox {
namespace {

// Owns a VipsImage reference.
struct VipsRef {
  VipsImage* im = nullptr;
  VipsRef() = default;
  explicit VipsRef(VipsImage* i) : im(i) {}
  VipsRef(const VipsRef&) = delete;
  VipsRef& operator=(const VipsRef&) = delete;
  ~VipsRef() { reset(nullptr); }
  void reset(VipsImage* i) {
    if (im) g_object_unref(im);
    im = i;
  }
  VipsImage** out() {
    reset(nullptr);
    return &im;
  }
};

// libvips keeps one process-wide error buffer; take it (and clear it) as our reason.
std::string TakeVipsError() {
  char* raw = vips_error_buffer_copy();
  std::string msg = raw ? raw : "";
  g_free(raw);
  // One line is enough for a human; libvips repeats the loader name on each line.
  std::string first;
  size_t start = 0;
  while (start < msg.size()) {
    size_t end = msg.find('\n', start);
    std::string line = msg.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty()) {
      if (!first.empty()) first += "; ";
      first += line;
      if (first.size() > 200) break;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return first.empty() ? "decoder failed without a message" : first;
}

Status DecodeFailure(ImageFormat format, std::string detail) {
  std::string lower = detail;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  std::string fmt(FormatName(format));
  std::transform(fmt.begin(), fmt.end(), fmt.begin(), ::toupper);
  if (lower.find("premature end") != std::string::npos || lower.find("truncated") != std::string::npos ||
      lower.find("not enough data") != std::string::npos || lower.find("unexpected end") != std::string::npos)
    return Corrupt("truncated " + fmt + " (" + detail + ")");
  return Corrupt("damaged " + fmt + ", cannot decode (" + detail + ")");
}

// Stored (pre-rotation) size of a HEIF/AVIF primary image. libvips reports the size after
// libheif has applied the irot/imir transforms, which is the display size.
bool HeifStoredSize(const uint8_t* data, size_t size, int* w, int* h) {
  heif_context* ctx = heif_context_alloc();
  bool ok = false;
  heif_error err = heif_context_read_from_memory_without_copy(ctx, data, size, nullptr);
  if (err.code == heif_error_Ok) {
    heif_image_handle* handle = nullptr;
    err = heif_context_get_primary_image_handle(ctx, &handle);
    if (err.code == heif_error_Ok) {
      *w = heif_image_handle_get_ispe_width(handle);
      *h = heif_image_handle_get_ispe_height(handle);
      ok = *w > 0 && *h > 0;
      heif_image_handle_release(handle);
    }
  }
  heif_context_free(ctx);
  return ok;
}

// Turns a thumbnail-sized image into an upright, opaque, 8-bit sRGB JPEG.
Status EncodeThumbnail(VipsImage* in, int orientation_to_apply, std::vector<uint8_t>* jpeg) {
  VipsRef cur;
  g_object_ref(in);
  cur.reset(in);
  if (orientation_to_apply > 1) {
    // vips_autorot reads the orientation tag; set the one we want applied.
    VipsRef copy;
    if (vips_copy(cur.im, copy.out(), nullptr) != 0) return Internal(TakeVipsError());
    vips_image_set_int(copy.im, VIPS_META_ORIENTATION, orientation_to_apply);
    VipsRef rotated;
    if (vips_autorot(copy.im, rotated.out(), nullptr) != 0) return Internal(TakeVipsError());
    cur.reset(rotated.im);
    rotated.im = nullptr;
  }
  if (vips_image_hasalpha(cur.im)) {
    VipsRef flat;
    double bg[3] = {255, 255, 255};
    // 16-bit images flatten against 65535.
    if (cur.im->BandFmt == VIPS_FORMAT_USHORT) bg[0] = bg[1] = bg[2] = 65535;
    VipsArrayDouble* background = vips_array_double_new(bg, cur.im->Bands - 1 >= 3 ? 3 : 1);
    int rc = vips_flatten(cur.im, flat.out(), "background", background, nullptr);
    vips_area_unref(VIPS_AREA(background));
    if (rc != 0) return Internal(TakeVipsError());
    cur.reset(flat.im);
    flat.im = nullptr;
  }
  if (vips_image_guess_interpretation(cur.im) != VIPS_INTERPRETATION_sRGB) {
    VipsRef srgb;
    if (vips_colourspace(cur.im, srgb.out(), VIPS_INTERPRETATION_sRGB, nullptr) != 0)
      return Internal(TakeVipsError());
    cur.reset(srgb.im);
    srgb.im = nullptr;
  }
  if (cur.im->BandFmt != VIPS_FORMAT_UCHAR) {
    VipsRef cast;
    if (vips_cast(cur.im, cast.out(), VIPS_FORMAT_UCHAR, nullptr) != 0) return Internal(TakeVipsError());
    cur.reset(cast.im);
    cast.im = nullptr;
  }
  void* buf = nullptr;
  size_t len = 0;
  if (vips_jpegsave_buffer(cur.im, &buf, &len, "Q", 82, "strip", TRUE, nullptr) != 0)
    return Corrupt(TakeVipsError());
  jpeg->assign(static_cast<uint8_t*>(buf), static_cast<uint8_t*>(buf) + len);
  g_free(buf);
  return Status::Ok();
}

// Decodes (at reduced size) and encodes one thumbnail with the given loader strictness.
Status TryThumbnail(const uint8_t* data, size_t size, ImageFormat format, int target,
                    int extra_orientation, const char* fail_on, std::vector<uint8_t>* jpeg) {
  VipsRef thumb;
  // Shrink-on-load: libjpeg DCT scaling, WebP/HEIF/JXL reduced decodes. Never upscale.
  if (vips_thumbnail_buffer(const_cast<uint8_t*>(data), size, thumb.out(), target, "height", target,
                            "size", VIPS_SIZE_DOWN, "option_string", fail_on, nullptr) != 0)
    return DecodeFailure(format, TakeVipsError());
  Status st = EncodeThumbnail(thumb.im, extra_orientation, jpeg);
  if (!st.ok()) return DecodeFailure(format, st.message());
  return st;
}

// libheif decodes some files that libvips 8.14 rejects ("bad image dimensions on decode",
// seen on Samsung HEICs). Decode the primary image ourselves, then shrink.
Status HeifThumbnailFallback(const uint8_t* data, size_t size, int target,
                             std::vector<uint8_t>* jpeg) {
  heif_context* ctx = heif_context_alloc();
  heif_image_handle* handle = nullptr;
  heif_image* img = nullptr;
  Status st = Corrupt("damaged HEIF, cannot decode");
  heif_error err = heif_context_read_from_memory_without_copy(ctx, data, size, nullptr);
  if (err.code == heif_error_Ok) err = heif_context_get_primary_image_handle(ctx, &handle);
  if (err.code == heif_error_Ok)
    err = heif_decode_image(handle, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr);
  if (err.code == heif_error_Ok) {
    int stride = 0;
    const uint8_t* px = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
    int w = heif_image_get_width(img, heif_channel_interleaved);
    int h = heif_image_get_height(img, heif_channel_interleaved);
    if (px && w > 0 && h > 0) {
      // Copy out row by row: the plane stride may exceed w * 3.
      std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
      for (int y = 0; y < h; ++y)
        std::memcpy(rgb.data() + static_cast<size_t>(y) * w * 3, px + static_cast<size_t>(y) * stride,
                    static_cast<size_t>(w) * 3);
      VipsRef full(vips_image_new_from_memory(rgb.data(), rgb.size(), w, h, 3, VIPS_FORMAT_UCHAR));
      VipsRef small;
      if (full.im && vips_thumbnail_image(full.im, small.out(), target, "height", target, "size",
                                          VIPS_SIZE_DOWN, nullptr) == 0)
        st = EncodeThumbnail(small.im, 0, jpeg);
      else
        st = Corrupt("damaged HEIF: " + TakeVipsError());
    }
  } else {
    st = Corrupt(std::string("damaged HEIF, cannot decode (") + (err.message ? err.message : "") + ")");
  }
  if (img) heif_image_release(img);
  if (handle) heif_image_handle_release(handle);
  heif_context_free(ctx);
  return st;
}

// ImageMagick reads some TIFF and BMP variants libvips' own loaders refuse.
Status MagickThumbnailFallback(const uint8_t* data, size_t size, int target,
                               std::vector<uint8_t>* jpeg) {
  VipsRef full;
  if (vips_magickload_buffer(const_cast<uint8_t*>(data), size, full.out(), nullptr) != 0)
    return Corrupt(TakeVipsError());
  VipsRef small;
  if (vips_thumbnail_image(full.im, small.out(), target, "height", target, "size", VIPS_SIZE_DOWN,
                           nullptr) != 0)
    return Corrupt(TakeVipsError());
  return EncodeThumbnail(small.im, 0, jpeg);
}

// Strict first, so that damage is noticed; a photo that decodes only leniently is still
// indexed, with the damage reported in *warning. Truncated files are errors either way.
Status ThumbnailFromBuffer(const uint8_t* data, size_t size, ImageFormat format, int target,
                           int extra_orientation, std::vector<uint8_t>* jpeg, std::string* warning) {
  Status strict = TryThumbnail(data, size, format, target, extra_orientation, "fail_on=warning", jpeg);
  if (strict.ok()) return strict;
  bool truncated = strict.message().rfind("truncated", 0) == 0;
  if (!truncated) {
    Status lenient = TryThumbnail(data, size, format, target, extra_orientation, "fail_on=truncated", jpeg);
    if (lenient.ok()) {
      if (warning) *warning = "decoded despite damage: " + strict.message();
      return lenient;
    }
  }
  if (format == ImageFormat::kHeic || format == ImageFormat::kAvif) {
    if (HeifThumbnailFallback(data, size, target, jpeg).ok()) return Status::Ok();
  } else if (format == ImageFormat::kTiff || format == ImageFormat::kBmp) {
    if (MagickThumbnailFallback(data, size, target, jpeg).ok()) return Status::Ok();
  }
  return strict;
}

Result<AnalyzedPhoto> AnalyzeRaw(const uint8_t* data, size_t size, const AnalyzeOptions& opt,
                                 AnalyzedPhoto photo, AnalyzedPhoto* partial) {
  auto preview = ExtractRawPreview(data, size);
  if (!preview.ok()) {
    if (partial) *partial = photo;
    return preview.status();
  }
  photo.width = preview->width;
  photo.height = preview->height;
  if (photo.metadata.orientation == 1) photo.metadata.orientation = preview->orientation;
  if (opt.make_thumbnail) {
    if (preview->is_jpeg) {
      // The camera's preview is unrotated; the RAW's orientation applies to it.
      Status st = ThumbnailFromBuffer(preview->preview.data(), preview->preview.size(),
                                      ImageFormat::kJpeg, opt.thumbnail_size,
                                      photo.metadata.orientation, &photo.thumbnail_jpeg, nullptr);
      if (!st.ok()) {
        if (partial) *partial = photo;
        return Corrupt("RAW preview: " + st.message());
      }
    } else {
      VipsRef bitmap(vips_image_new_from_memory(preview->preview.data(), preview->preview.size(),
                                                preview->preview_width, preview->preview_height, 3,
                                                VIPS_FORMAT_UCHAR));
      VipsRef small;
      if (!bitmap.im || vips_thumbnail_image(bitmap.im, small.out(), opt.thumbnail_size, "height",
                                             opt.thumbnail_size, "size", VIPS_SIZE_DOWN, nullptr) != 0)
        return Corrupt("RAW preview: " + TakeVipsError());
      SHOEBOX_RETURN_IF_ERROR(
          EncodeThumbnail(small.im, photo.metadata.orientation, &photo.thumbnail_jpeg));
    }
  }
  return photo;
}

// libvips reports decoder warnings through GLib logging. They are not per-call (they may come
// from libvips' worker threads), so they are dropped here; damage is detected by decoding
// strictly instead (see ThumbnailFromBuffer).
void QuietGlibLog(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

}  // namespace

Status InitImaging() {
  static std::once_flag once;
  static Status status;
  std::call_once(once, [] {
    if (VIPS_INIT("shoebox") != 0) {
      status = Internal("libvips failed to start: " + TakeVipsError());
      return;
    }
    // We parallelise across photos; one libvips worker per call avoids oversubscription.
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_leak_set(FALSE);
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
                                                          G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG),
                      QuietGlibLog, nullptr);
    InitMetadataReader();
  });
  return status;
}

Result<AnalyzedPhoto> AnalyzePhoto(const uint8_t* data, size_t size, std::string_view file_name,
                                   const AnalyzeOptions& opt, AnalyzedPhoto* partial) {
  if (size == 0) return Corrupt("empty file (0 bytes)");
  AnalyzedPhoto photo;
  photo.format = SniffFormat(data, std::min(size, kSniffBytes), file_name);
  if (photo.format == ImageFormat::kUnknown) return Unsupported(DescribeNonImage(data, size));
  if (size < 16) return Corrupt("truncated: only " + std::to_string(size) + " bytes");

  switch (photo.format) {
    case ImageFormat::kGif:
    case ImageFormat::kBmp:
    case ImageFormat::kJxl:
      break;  // exiv2 has nothing for these
    default:
      photo.metadata = ReadMetadataFromFile(data, size, &photo.warning);
  }
  if (photo.format == ImageFormat::kRaw) return AnalyzeRaw(data, size, opt, std::move(photo), partial);

  VipsRef header(vips_image_new_from_buffer(data, size, "fail_on=truncated", "access",
                                            VIPS_ACCESS_SEQUENTIAL, nullptr));
  if (!header.im && (photo.format == ImageFormat::kTiff || photo.format == ImageFormat::kBmp)) {
    (void)TakeVipsError();
    vips_magickload_buffer(const_cast<uint8_t*>(data), size, header.out(), nullptr);
  }
  if (!header.im) {
    if (partial) *partial = photo;
    return DecodeFailure(photo.format, TakeVipsError());
  }
  // exiv2 gives up on some HEIFs (a bad ICC profile in Samsung files); libheif still hands
  // libvips the EXIF block, so read it from there.
  if (photo.warning.rfind("metadata unreadable", 0) == 0 &&
      vips_image_get_typeof(header.im, VIPS_META_EXIF_NAME)) {
    const void* blob = nullptr;
    size_t blob_len = 0;
    if (vips_image_get_blob(header.im, VIPS_META_EXIF_NAME, &blob, &blob_len) == 0 && blob_len > 0) {
      std::string exif_warning;
      photo.metadata = ReadMetadataFromExifBlock(static_cast<const uint8_t*>(blob), blob_len, &exif_warning);
      photo.warning = exif_warning;
    }
  }
  photo.width = vips_image_get_width(header.im);
  photo.height = vips_image_get_height(header.im);
  if (photo.format == ImageFormat::kHeic || photo.format == ImageFormat::kAvif) {
    int w, h;
    if (HeifStoredSize(data, size, &w, &h)) {
      photo.width = w;
      photo.height = h;
    }
  }
  uint64_t pixels = static_cast<uint64_t>(photo.width) * static_cast<uint64_t>(photo.height);
  if (photo.width <= 0 || photo.height <= 0) {
    if (partial) *partial = photo;
    return Corrupt("image reports no pixels (" + std::to_string(photo.width) + "x" +
                   std::to_string(photo.height) + ")");
  }
  if (pixels > opt.max_pixels) {
    if (partial) *partial = photo;
    return TooLarge(std::to_string(photo.width) + "x" + std::to_string(photo.height) + " is " +
                    std::to_string(pixels / 1'000'000) + " megapixels, over the limit of " +
                    std::to_string(opt.max_pixels / 1'000'000) +
                    " (possible decompression bomb; raise --max-megapixels to allow it)");
  }
  if (opt.make_thumbnail) {
    // HEIF/AVIF: libheif already applied irot/imir, which the HEIF spec makes authoritative;
    // the EXIF tag merely mirrors it and must not be applied twice. Everywhere else
    // vips_thumbnail applies EXIF orientation itself.
    std::string damage;
    Status st = ThumbnailFromBuffer(data, size, photo.format, opt.thumbnail_size, 0,
                                    &photo.thumbnail_jpeg, &damage);
    if (!damage.empty()) photo.warning = photo.warning.empty() ? damage : photo.warning + "; " + damage;
    if (!st.ok()) {
      if (partial) *partial = photo;
      return st;
    }
  }
  return photo;
}

}  // namespace shoebox
