#include "imaging/photo_analyzer.h"

#include <libheif/heif.h>
#include <vips/vips.h>
// vector.h needs vips.h first
#include <vips/vector.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <shared_mutex>

#include "imaging/raw_preview.h"
#include "imaging/reduced_decode.h"

namespace shoebox {
namespace {

// libvips keeps one process-wide error buffer that every thread appends to, so a message
// read after a failure may belong to another photo. Jobs run under a shared lock; a job that
// fails is run again alone (exclusive lock, buffer cleared), so the message it leaves is its
// own. Failures are rare, so the serialisation costs nothing on healthy libraries.
std::shared_mutex g_vips_error_mu;
// While a failed job re-runs alone, GLib warnings from libvips (and its worker threads) are
// collected here too: some decoders only warn ("IHDR: CRC error") before failing silently.
std::mutex g_log_capture_mu;
std::string* g_log_capture = nullptr;

constexpr const char* kNoMessage = "decoder failed without a message";

std::string TakeVipsError() {
  char* raw = vips_error_buffer_copy();
  std::string msg = raw ? raw : "";
  g_free(raw);
  std::string joined;  // one line for a human; libvips repeats itself across lines
  size_t start = 0;
  while (start < msg.size() && joined.size() < 200) {
    size_t end = msg.find('\n', start);
    std::string line =
        msg.substr(start, end == std::string::npos ? std::string::npos : end - start);
    // "source: bad seek to N" is libvips probing past the end, not the reason.
    bool noise = line.find("bad seek to") != std::string::npos;
    if (!line.empty() && !noise && joined.find(line) == std::string::npos) {
      if (!joined.empty()) joined += "; ";
      joined += line;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return joined.empty() ? kNoMessage : joined;
}

// job() returns true on success. On failure *error receives the job's own libvips message.
template <typename Job>
bool RunVipsJob(Job&& job, std::string* error) {
  {
    std::shared_lock<std::shared_mutex> lock(g_vips_error_mu);
    if (job()) return true;
  }
  std::unique_lock<std::shared_mutex> lock(g_vips_error_mu);
  vips_error_clear();
  std::string warnings;
  {
    std::lock_guard<std::mutex> capture(g_log_capture_mu);
    g_log_capture = &warnings;
  }
  bool ok = job();
  {
    std::lock_guard<std::mutex> capture(g_log_capture_mu);
    g_log_capture = nullptr;
  }
  if (ok) return true;
  *error = TakeVipsError();
  if (*error == kNoMessage && !warnings.empty()) *error = warnings;
  return false;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ::toupper);
  return out;
}

// Whether a failed decode ran out of data. libvips reports its loaders' failures as text only
// (no codes: libjpeg's "Premature end of JPEG file", libpng's "Not enough image data",
// libtiff's "unexpected end"...), so this is the one place that reads that text; everything
// after it passes the answer on as a value.
bool LooksTruncated(const std::string& detail) {
  std::string lower = detail;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower.find("premature end") != std::string::npos ||
         lower.find("truncated") != std::string::npos ||
         lower.find("not enough data") != std::string::npos ||
         lower.find("unexpected end") != std::string::npos;
}

Status DecodeFailure(ImageFormat format, const std::string& detail, bool truncated) {
  const std::string fmt = Upper(FormatName(format));
  if (truncated) return Corrupt("truncated " + fmt + " (" + detail + ")");
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

// Turns a thumbnail-sized image into an upright, opaque, 8-bit sRGB JPEG. Evaluating the
// JPEG is what runs the decoder, so decode errors surface here too.
bool EncodeThumbnail(VipsImage* in, int orientation_to_apply, std::vector<uint8_t>* jpeg) {
  g_object_ref(in);
  VipsRef cur(in);
  if (orientation_to_apply > 1) {
    // vips_autorot reads the orientation tag; set the one we want applied.
    VipsRef copy, rotated;
    if (vips_copy(cur.im, copy.out(), nullptr) != 0) return false;
    vips_image_set_int(copy.im, VIPS_META_ORIENTATION, orientation_to_apply);
    if (vips_autorot(copy.im, rotated.out(), nullptr) != 0) return false;
    cur.reset(rotated.release());
  }
  if (vips_image_hasalpha(cur.im)) {
    double max = cur.im->BandFmt == VIPS_FORMAT_USHORT ? 65535 : 255;
    double bg[3] = {max, max, max};
    VipsArrayDouble* background = vips_array_double_new(bg, cur.im->Bands >= 4 ? 3 : 1);
    VipsRef flat;
    int rc = vips_flatten(cur.im, flat.out(), "background", background, nullptr);
    vips_area_unref(VIPS_AREA(background));
    if (rc != 0) return false;
    cur.reset(flat.release());
  }
  if (vips_image_guess_interpretation(cur.im) != VIPS_INTERPRETATION_sRGB) {
    VipsRef srgb;
    if (vips_colourspace(cur.im, srgb.out(), VIPS_INTERPRETATION_sRGB, nullptr) != 0) return false;
    cur.reset(srgb.release());
  }
  if (cur.im->BandFmt != VIPS_FORMAT_UCHAR) {
    VipsRef cast;
    if (vips_cast(cur.im, cast.out(), VIPS_FORMAT_UCHAR, nullptr) != 0) return false;
    cur.reset(cast.release());
  }
  void* buf = nullptr;
  size_t len = 0;
  if (vips_jpegsave_buffer(cur.im, &buf, &len, "Q", 82, "strip", TRUE, nullptr) != 0) return false;
  jpeg->assign(static_cast<uint8_t*>(buf), static_cast<uint8_t*>(buf) + len);
  g_free(buf);
  return true;
}

// Decodes at reduced size (shrink-on-load: libjpeg DCT scaling, WebP/HEIF/JXL reduced
// decodes; never upscaling) and encodes, with the given loader strictness. On failure
// *truncated (when given) says whether the file ran out of data.
Status TryThumbnail(const uint8_t* data, size_t size, ImageFormat format, int target,
                    int extra_orientation, const char* fail_on, std::vector<uint8_t>* jpeg,
                    bool* truncated = nullptr) {
  CountPhotoDecode();
  std::string error;
  bool ok = RunVipsJob(
      [&] {
        VipsRef thumb;
        if (vips_thumbnail_buffer(const_cast<uint8_t*>(data), size, thumb.out(), target, "height",
                                  target, "size", VIPS_SIZE_DOWN, "option_string", fail_on,
                                  nullptr) != 0)
          return false;
        return EncodeThumbnail(thumb.im, extra_orientation, jpeg);
      },
      &error);
  if (ok) return Status::Ok();
  const bool short_file = LooksTruncated(error);
  if (truncated) *truncated = short_file;
  return DecodeFailure(format, error, short_file);
}

// Shrinks an already decoded image (a RAW's bitmap preview, a libheif or ImageMagick decode).
Status ThumbnailFromImage(VipsImage* full, int target, int orientation,
                          std::vector<uint8_t>* jpeg) {
  std::string error;
  bool ok = RunVipsJob(
      [&] {
        VipsRef small;
        if (vips_thumbnail_image(full, small.out(), target, "height", target, "size",
                                 VIPS_SIZE_DOWN, nullptr) != 0)
          return false;
        return EncodeThumbnail(small.im, orientation, jpeg);
      },
      &error);
  return ok ? Status::Ok() : Corrupt(error);
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
    err =
        heif_decode_image(handle, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr);
  if (err.code == heif_error_Ok) {
    int stride = 0;
    const uint8_t* px = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
    int w = heif_image_get_width(img, heif_channel_interleaved);
    int h = heif_image_get_height(img, heif_channel_interleaved);
    if (px && w > 0 && h > 0) {
      // Copy out row by row: the plane stride may exceed w * 3.
      std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
      for (int y = 0; y < h; ++y)
        std::memcpy(rgb.data() + static_cast<size_t>(y) * w * 3,
                    px + static_cast<size_t>(y) * stride, static_cast<size_t>(w) * 3);
      VipsRef full(vips_image_new_from_memory(rgb.data(), rgb.size(), w, h, 3, VIPS_FORMAT_UCHAR));
      st = full.im ? ThumbnailFromImage(full.im, target, 0, jpeg) : Corrupt("damaged HEIF");
    }
  } else {
    st = Corrupt(std::string("damaged HEIF, cannot decode (") + (err.message ? err.message : "") +
                 ")");
  }
  if (img) heif_image_release(img);
  if (handle) heif_image_handle_release(handle);
  heif_context_free(ctx);
  return st;
}

// ImageMagick reads some TIFF and BMP variants libvips' own loaders refuse.
Status MagickThumbnailFallback(const uint8_t* data, size_t size, int target,
                               std::vector<uint8_t>* jpeg) {
  std::string error;
  bool ok = RunVipsJob(
      [&] {
        VipsRef full, small;
        if (vips_magickload_buffer(const_cast<uint8_t*>(data), size, full.out(), nullptr) != 0)
          return false;
        if (vips_thumbnail_image(full.im, small.out(), target, "height", target, "size",
                                 VIPS_SIZE_DOWN, nullptr) != 0)
          return false;
        return EncodeThumbnail(small.im, 0, jpeg);
      },
      &error);
  return ok ? Status::Ok() : Corrupt(error);
}

// Strict first, so that damage is noticed; a photo that decodes only leniently is still
// indexed, with the damage reported in *warning. Truncated files are errors either way.
Status ThumbnailFromBuffer(const uint8_t* data, size_t size, ImageFormat format, int target,
                           int extra_orientation, std::vector<uint8_t>* jpeg,
                           std::string* warning) {
  bool truncated = false;
  Status strict = TryThumbnail(data, size, format, target, extra_orientation, "fail_on=warning",
                               jpeg, &truncated);
  if (strict.ok()) return strict;
  if (!truncated) {
    Status lenient =
        TryThumbnail(data, size, format, target, extra_orientation, "fail_on=truncated", jpeg);
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

// The thumbnail and the model input from one decode (AnalyzeOptions::model_input). False
// when that cannot be done here (damage, or a reduced decode too small for the thumbnail):
// the caller then makes the thumbnail alone, and the model decodes the photo itself later.
template <typename Open>
bool ThumbnailAndModelInput(const Open& open, const AnalyzeOptions& opt, AnalyzedPhoto* photo) {
  std::shared_lock<std::shared_mutex> lock(g_vips_error_mu);  // see RunVipsJob
  Result<ReducedImage> r = open(ModelMinShortSide(*opt.model_input));
  if (!r.ok()) return false;
  VipsImage* im = r->image.im;
  const int w = im->Xsize, h = im->Ysize, long_side = std::max(w, h);
  const bool reduced = r->source != "photo" || long_side < std::max(photo->width, photo->height);
  if (reduced && long_side < opt.thumbnail_size) return false;
  CountPhotoDecode();
  std::vector<uint8_t> jpeg;
  Result<RgbImage> rgb = Status(Internal("not decoded"));
  if (im->BandFmt == VIPS_FORMAT_UCHAR && (im->Bands == 3 || im->Bands == 1)) {
    // Plain 8-bit RGB or grey, nearly every camera photo: both images are resized from the
    // same RGB by the Pillow-exact bicubic (vips_resize took 50-60 ms on these ~1 MP
    // decodes here, more than the decode itself).
    rgb = ToRgb(im);
    if (!rgb.ok()) return false;
    const double scale = std::min(1.0, static_cast<double>(opt.thumbnail_size) / long_side);
    const int tw = std::max(1, static_cast<int>(std::lround(w * scale)));
    const int th = std::max(1, static_cast<int>(std::lround(h * scale)));
    RgbImage small = ResizeBicubicLikePillow(*rgb, tw, th);
    VipsRef thumb(vips_image_new_from_memory(small.pixels.data(), small.pixels.size(), tw, th, 3,
                                             VIPS_FORMAT_UCHAR));
    if (!thumb.im || !EncodeThumbnail(thumb.im, 0, &jpeg)) return false;
  } else {
    // Alpha, CMYK, 16 bits: the thumbnail needs libvips' flattening and colour conversion,
    // which the model input (Pillow's convert("RGB")) must not get. Still one decode.
    VipsRef decoded(vips_image_copy_memory(im));
    VipsRef small;
    if (!decoded.im ||
        vips_thumbnail_image(decoded.im, small.out(), opt.thumbnail_size, "height",
                             opt.thumbnail_size, "size", VIPS_SIZE_DOWN, nullptr) != 0 ||
        !EncodeThumbnail(small.im, 0, &jpeg))
      return false;
    rgb = ToRgb(decoded.im);
    if (!rgb.ok()) return false;
  }
  photo->thumbnail_jpeg = std::move(jpeg);
  photo->model_input = Preprocess(*rgb, *opt.model_input);
  photo->model_input_source = r->source;
  return true;
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
  if (!opt.make_thumbnail) return photo;
  if (opt.model_input) {
    auto open = [&](int min_short) {
      return OpenRawPreview(*preview, photo.metadata.orientation, min_short, "warning");
    };
    if (ThumbnailAndModelInput(open, opt, &photo)) return photo;
  }
  Status st;
  if (preview->is_jpeg) {
    // The camera's preview is stored unrotated; the RAW's orientation applies to it.
    st = ThumbnailFromBuffer(preview->preview.data(), preview->preview.size(), ImageFormat::kJpeg,
                             opt.thumbnail_size, photo.metadata.orientation, &photo.thumbnail_jpeg,
                             nullptr);
  } else {
    VipsRef bitmap(vips_image_new_from_memory(preview->preview.data(), preview->preview.size(),
                                              preview->preview_width, preview->preview_height, 3,
                                              VIPS_FORMAT_UCHAR));
    st = bitmap.im ? ThumbnailFromImage(bitmap.im, opt.thumbnail_size, photo.metadata.orientation,
                                        &photo.thumbnail_jpeg)
                   : Corrupt("unreadable bitmap");
  }
  if (!st.ok()) {
    if (partial) *partial = photo;
    return Corrupt("RAW preview: " + st.message());
  }
  return photo;
}

// libvips reports decoder warnings through GLib logging. They are not per-call (they may come
// from libvips' worker threads), so they are dropped here; damage is detected by decoding
// strictly instead (see ThumbnailFromBuffer).
void QuietGlibLog(const gchar*, GLogLevelFlags, const gchar* message, gpointer) {
  std::lock_guard<std::mutex> lock(g_log_capture_mu);
  if (!g_log_capture || !message || g_log_capture->size() > 200) return;
  std::string m = message;
  if (m.find("error in tile") != std::string::npos || g_log_capture->find(m) != std::string::npos)
    return;  // libvips' own echo, not the decoder's reason
  if (!g_log_capture->empty()) *g_log_capture += "; ";
  *g_log_capture += m;
}

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
    // No Orc-compiled vector code: with photos decoded on several threads at once it corrupted
    // the heap now and then (a 300-photo burst aborted in malloc about 1 run in 25 here;
    // none in 180 without it), and the first index of camera JPEGs costs the same without it
    // (bench/index_bench: 27-29 ms CPU a photo either way). libvips 8.15 replaced Orc with Highway.
    vips_vector_set_enabled(FALSE);
    vips_cache_set_max(0);
    vips_leak_set(FALSE);
    g_log_set_handler("VIPS",
                      static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
                                                  G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG),
                      QuietGlibLog, nullptr);
    InitMetadataReader();
  });
  return status;
}

namespace {

// What exiv2 cannot reach but the decoder hands over: a PNG's eXIf chunk (exiv2 0.27 reads
// only the older text-chunk form of EXIF in PNG) and its XMP; any format whose loader sets
// them (libvips 8.14's JPEG XL loader does not yet). Fills only what is still missing.
void FillFromDecoderMetadata(VipsImage* im, PhotoMetadata* m) {
  if (m->taken_at && m->make && m->gps_lat) return;
  const void* blob = nullptr;
  size_t len = 0;
  std::string ignored;  // a damaged fallback block changes nothing that was read
  if (vips_image_get_typeof(im, VIPS_META_EXIF_NAME) &&
      vips_image_get_blob(im, VIPS_META_EXIF_NAME, &blob, &len) == 0 && len > 0)
    FillMissing(m, ReadMetadataFromExifBlock(static_cast<const uint8_t*>(blob), len, &ignored));
  if (vips_image_get_typeof(im, VIPS_META_XMP_NAME) &&
      vips_image_get_blob(im, VIPS_META_XMP_NAME, &blob, &len) == 0 && len > 0)
    FillMissing(m, ReadMetadataFromXmpPacket(static_cast<const char*>(blob), len, &ignored));
}

}  // namespace

Result<std::vector<uint8_t>> ThumbnailFromRgb(const RgbImage& rgb, int target) {
  const int long_side = std::max(rgb.width, rgb.height);
  if (long_side <= 0) return Corrupt("image has no pixels");
  const double scale = std::min(1.0, static_cast<double>(target) / long_side);
  const int tw = std::max(1, static_cast<int>(std::lround(rgb.width * scale)));
  const int th = std::max(1, static_cast<int>(std::lround(rgb.height * scale)));
  RgbImage small = ResizeBicubicLikePillow(rgb, tw, th);
  std::vector<uint8_t> jpeg;
  VipsRef thumb(vips_image_new_from_memory(small.pixels.data(), small.pixels.size(), tw, th, 3,
                                           VIPS_FORMAT_UCHAR));
  if (!thumb.im || !EncodeThumbnail(thumb.im, 0, &jpeg))
    return Internal("thumbnail not encoded: " + TakeVipsError());
  return jpeg;
}

Result<AnalyzedPhoto> AnalyzeVideoBytes(const VideoBytes& bytes, ImageFormat format,
                                        const AnalyzeOptions& opt, AnalyzedPhoto* partial) {
  AnalyzedPhoto photo;
  photo.format = format;
  VideoOptions vopt;
  vopt.max_pixels = opt.max_pixels;
  const int min_short = opt.model_input ? 2 * ModelMinShortSide(*opt.model_input) : 0;
  const int poster_short = opt.make_thumbnail ? std::max(min_short, opt.thumbnail_size) : 1;
  AnalyzedVideo got;
  auto video = AnalyzeVideo(bytes, format, vopt, poster_short, &got);
  if (video.ok()) got = std::move(*video);
  photo.width = got.width;
  photo.height = got.height;
  photo.metadata = got.metadata;
  photo.video = got.facts;
  photo.warning = got.warning;
  if (!video.ok()) {
    if (partial) *partial = photo;
    return video.status();
  }
  if (opt.make_thumbnail && got.poster) {
    auto jpeg = ThumbnailFromRgb(got.poster->rgb, opt.thumbnail_size);
    if (!jpeg.ok()) {
      if (partial) *partial = photo;
      return jpeg.status();
    }
    photo.thumbnail_jpeg = std::move(*jpeg);
    if (opt.model_input) {
      photo.model_input = Preprocess(got.poster->rgb, *opt.model_input);
      photo.model_input_source = "frame";
    }
  }
  return photo;
}

Result<AnalyzedPhoto> AnalyzePhoto(const uint8_t* data, size_t size, std::string_view file_name,
                                   const AnalyzeOptions& opt, AnalyzedPhoto* partial) {
  if (size == 0) return Corrupt("empty file (0 bytes)");
  AnalyzedPhoto photo;
  photo.format = SniffFormat(data, std::min(size, kSniffBytes), file_name);
  if (photo.format == ImageFormat::kUnknown) return Unsupported(DescribeNonImage(data, size));
  if (IsVideoFormat(photo.format))
    return AnalyzeVideoBytes(VideoBytes::FromMemory(data, size), photo.format, opt, partial);
  if (photo.format == ImageFormat::kJpeg) photo.motion = FindMotionPhotoVideo(data, size);
  if (size < 16) return Corrupt("truncated: only " + std::to_string(size) + " bytes");

  switch (photo.format) {
    case ImageFormat::kGif:
    case ImageFormat::kBmp:
    case ImageFormat::kJxl:
      break;  // exiv2 has nothing for these
    default:
      photo.metadata = ReadMetadataFromFile(data, size, &photo.warning);
  }
  if (photo.format == ImageFormat::kRaw)
    return AnalyzeRaw(data, size, opt, std::move(photo), partial);

  // The header alone (lazy load): size, and the EXIF block for formats exiv2 could not read.
  VipsRef header;
  std::string header_error;
  bool magick = photo.format == ImageFormat::kTiff || photo.format == ImageFormat::kBmp;
  bool have_header = RunVipsJob(
      [&] {
        header.reset(vips_image_new_from_buffer(data, size, "fail_on=truncated", "access",
                                                VIPS_ACCESS_SEQUENTIAL, nullptr));
        if (!header.im && magick)
          vips_magickload_buffer(const_cast<uint8_t*>(data), size, header.out(), nullptr);
        return header.im != nullptr;
      },
      &header_error);
  if (!have_header) {
    if (partial) *partial = photo;
    return DecodeFailure(photo.format, header_error, LooksTruncated(header_error));
  }
  // exiv2 gives up on some HEIFs (a bad ICC profile in Samsung files); libheif still hands
  // libvips the EXIF block, so read it from there.
  if (photo.warning.rfind("metadata unreadable", 0) == 0 &&
      vips_image_get_typeof(header.im, VIPS_META_EXIF_NAME)) {
    const void* blob = nullptr;
    size_t blob_len = 0;
    if (vips_image_get_blob(header.im, VIPS_META_EXIF_NAME, &blob, &blob_len) == 0 &&
        blob_len > 0) {
      std::string exif_warning;
      photo.metadata =
          ReadMetadataFromExifBlock(static_cast<const uint8_t*>(blob), blob_len, &exif_warning);
      photo.warning = exif_warning;
    }
  }
  FillFromDecoderMetadata(header.im, &photo.metadata);
  photo.width = vips_image_get_width(header.im);
  photo.height = vips_image_get_height(header.im);
  if (photo.format == ImageFormat::kHeic || photo.format == ImageFormat::kAvif) {
    int w, h;
    if (HeifStoredSize(data, size, &w, &h)) {
      photo.width = w;
      photo.height = h;
    }
  }
  if (photo.width <= 0 || photo.height <= 0) {
    if (partial) *partial = photo;
    return Corrupt("image reports no pixels (" + std::to_string(photo.width) + "x" +
                   std::to_string(photo.height) + ")");
  }
  uint64_t pixels = static_cast<uint64_t>(photo.width) * static_cast<uint64_t>(photo.height);
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
    if (opt.model_input) {
      auto open = [&](int min_short) {
        return OpenReduced(data, size, photo.format, min_short, "warning");
      };
      if (ThumbnailAndModelInput(open, opt, &photo)) return photo;
    }
    std::string damage;
    Status st = ThumbnailFromBuffer(data, size, photo.format, opt.thumbnail_size, 0,
                                    &photo.thumbnail_jpeg, &damage);
    if (!damage.empty())
      photo.warning = photo.warning.empty() ? damage : photo.warning + "; " + damage;
    if (!st.ok()) {
      if (partial) *partial = photo;
      return st;
    }
  }
  return photo;
}

}  // namespace shoebox
