#include "imaging/model_input.h"

#include <vips/vips.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "imaging/image_format.h"
#include "imaging/photo_metadata.h"
#include "imaging/reduced_decode.h"
#include "imaging/video.h"

namespace shoebox {
namespace {

using nlohmann::json;

// Pillow's bicubic kernel, a = -0.5.
double BicubicKernel(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
  return 0.0;
}

constexpr int kPrecisionBits = 32 - 8 - 2;

struct Coefficients {
  int ksize = 0;
  std::vector<int> bounds;  // per output: xmin, count
  std::vector<int32_t> k;   // per output: ksize fixed-point weights
};

// precompute_coeffs + normalize_coeffs_8bpc from Pillow's Resample.c.
Coefficients Precompute(int in_size, int out_size) {
  Coefficients c;
  double scale = static_cast<double>(in_size) / out_size;
  double filterscale = std::max(scale, 1.0);
  double support = 2.0 * filterscale;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.bounds.resize(static_cast<size_t>(out_size) * 2);
  c.k.assign(static_cast<size_t>(out_size) * c.ksize, 0);
  std::vector<double> w(static_cast<size_t>(c.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    double center = (xx + 0.5) * scale;
    double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[static_cast<size_t>(x)] = BicubicKernel((x + xmin - center + 0.5) * ss);
      ww += w[static_cast<size_t>(x)];
    }
    for (int x = 0; x < xmax; ++x) {
      double v = ww != 0.0 ? w[static_cast<size_t>(x)] / ww : w[static_cast<size_t>(x)];
      c.k[static_cast<size_t>(xx) * c.ksize + x] =
          static_cast<int32_t>(v < 0 ? std::trunc(v * (1 << kPrecisionBits) - 0.5)
                                     : std::trunc(v * (1 << kPrecisionBits) + 0.5));
    }
    c.bounds[static_cast<size_t>(xx) * 2] = xmin;
    c.bounds[static_cast<size_t>(xx) * 2 + 1] = xmax;
  }
  return c;
}

inline uint8_t Clip8(int64_t v) {
  v >>= kPrecisionBits;
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

RgbImage ResizeHorizontal(const RgbImage& in, int out_w) {
  Coefficients c = Precompute(in.width, out_w);
  RgbImage out{out_w, in.height, std::vector<uint8_t>(static_cast<size_t>(out_w) * in.height * 3)};
  for (int y = 0; y < in.height; ++y) {
    const uint8_t* row = in.pixels.data() + static_cast<size_t>(y) * in.width * 3;
    uint8_t* dst = out.pixels.data() + static_cast<size_t>(y) * out_w * 3;
    for (int xx = 0; xx < out_w; ++xx) {
      int xmin = c.bounds[static_cast<size_t>(xx) * 2],
          n = c.bounds[static_cast<size_t>(xx) * 2 + 1];
      const int32_t* k = c.k.data() + static_cast<size_t>(xx) * c.ksize;
      int64_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
      for (int x = 0; x < n; ++x) {
        const uint8_t* p = row + (x + xmin) * 3;
        s0 += p[0] * static_cast<int64_t>(k[x]);
        s1 += p[1] * static_cast<int64_t>(k[x]);
        s2 += p[2] * static_cast<int64_t>(k[x]);
      }
      dst[xx * 3] = Clip8(s0);
      dst[xx * 3 + 1] = Clip8(s1);
      dst[xx * 3 + 2] = Clip8(s2);
    }
  }
  return out;
}

RgbImage ResizeVertical(const RgbImage& in, int out_h) {
  Coefficients c = Precompute(in.height, out_h);
  const size_t stride = static_cast<size_t>(in.width) * 3;
  RgbImage out{in.width, out_h, std::vector<uint8_t>(stride * out_h)};
  for (int yy = 0; yy < out_h; ++yy) {
    int ymin = c.bounds[static_cast<size_t>(yy) * 2], n = c.bounds[static_cast<size_t>(yy) * 2 + 1];
    const int32_t* k = c.k.data() + static_cast<size_t>(yy) * c.ksize;
    uint8_t* dst = out.pixels.data() + yy * stride;
    for (size_t xc = 0; xc < stride; ++xc) {
      int64_t s = 1 << (kPrecisionBits - 1);
      for (int y = 0; y < n; ++y)
        s += in.pixels[(y + ymin) * stride + xc] * static_cast<int64_t>(k[y]);
      dst[xc] = Clip8(s);
    }
  }
  return out;
}

template <typename T>
T Get(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

}  // namespace

Result<PreprocessConfig> ParsePreprocessConfig(const std::string& text, const std::string& label) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corrupt(label + ": not a JSON object");
  PreprocessConfig c;
  try {
    c.do_resize = Get<bool>(j, "do_resize", true);
    c.do_center_crop = Get<bool>(j, "do_center_crop", false);
    c.do_rescale = Get<bool>(j, "do_rescale", true);
    c.rescale_factor = Get<double>(j, "rescale_factor", 1.0 / 255.0);
    c.do_normalize = Get<bool>(j, "do_normalize", true);
    c.resample = Get<int>(j, "resample", 3);
    if (c.resample != 3)
      return Unsupported(label + ": resample " + std::to_string(c.resample) + " (only bicubic, 3)");
    if (auto s = j.find("size"); s != j.end()) {
      if (s->is_number_integer()) {
        c.shortest_edge = s->get<int>();  // legacy layout: an int means the shortest edge
      } else if (!s->is_object()) {
        return Corrupt(label + ": size must be a number or an object");
      } else {
        if (s->contains("shortest_edge"))
          c.shortest_edge = (*s)["shortest_edge"].get<int>();
        else {
          c.height = Get<int>(*s, "height", 224);
          c.width = Get<int>(*s, "width", 224);
        }
      }
    }
    if (auto s = j.find("crop_size"); s != j.end()) {
      if (s->is_number_integer())
        c.crop_height = c.crop_width = s->get<int>();
      else if (s->is_object()) {
        c.crop_height = Get<int>(*s, "height", 224);
        c.crop_width = Get<int>(*s, "width", 224);
      }
    }
    for (const char* key : {"image_mean", "image_std"}) {
      auto it = j.find(key);
      if (it == j.end()) continue;
      if (!it->is_array() || it->size() != 3)
        return Corrupt(label + ": " + key + " must list 3 values");
      float* dst = std::string(key) == "image_mean" ? c.mean : c.std;
      for (int i = 0; i < 3; ++i) dst[i] = (*it)[i].get<float>();
    }
  } catch (const json::exception& e) {
    return Corrupt(label + ": a value has the wrong type (" + e.what() + ")");
  }
  auto sane = [](int v) { return v > 0 && v <= 8192; };
  if (!sane(c.height) || !sane(c.width) || !sane(c.crop_height) || !sane(c.crop_width) ||
      c.shortest_edge < 0 || c.shortest_edge > 8192 || c.std[0] == 0 || c.std[1] == 0 ||
      c.std[2] == 0)
    return Corrupt(label + ": sizes or image_std out of range");
  return c;
}

Result<RgbImage> DecodeRgb(const uint8_t* data, size_t size, bool apply_orientation) {
  CountPhotoDecode();
  VipsRef im(vips_image_new_from_buffer(data, size, "", "access", VIPS_ACCESS_RANDOM, nullptr));
  if (!im.im) return Corrupt("cannot decode image");
  if (apply_orientation) {
    VipsRef rotated;
    if (vips_autorot(im.im, rotated.out(), nullptr) != 0) return Corrupt("cannot rotate image");
    im.reset(rotated.release());
  }
  return ToRgb(im.im);
}

int ModelMinShortSide(const PreprocessConfig& c) {
  if (!c.do_resize) return 0;
  return c.shortest_edge > 0 ? c.shortest_edge : std::max(c.height, c.width);
}

Result<ModelImage> DecodeForModel(const uint8_t* data, size_t size, const PreprocessConfig& config,
                                  std::string_view file_name) {
  if (size == 0) return Corrupt("empty file (0 bytes)");
  const ImageFormat format = SniffFormat(data, std::min(size, kSniffBytes), file_name);
  if (format == ImageFormat::kUnknown) return Unsupported(DescribeNonImage(data, size));
  const int min_short = ModelMinShortSide(config);
  CountPhotoDecode();
  if (IsVideoFormat(format)) {  // the poster frame, as the index took it
    auto video =
        AnalyzeVideo(VideoBytes::FromMemory(data, size), format, VideoOptions{}, 2 * min_short);
    if (!video.ok()) return video.status();
    return ModelImage{std::move(video->poster->rgb), "frame"};
  }
  Result<ReducedImage> open = Status(Internal("not opened"));
  if (format == ImageFormat::kRaw) {
    auto preview = ExtractRawPreview(data, size);
    if (!preview.ok()) return preview.status();
    // The orientation the analyzer gives the RAW: its EXIF tag, else LibRaw's flip.
    std::string ignored;
    int orientation = ReadMetadataFromFile(data, size, &ignored).orientation;
    if (orientation == 1) orientation = preview->orientation;
    open = OpenRawPreview(std::move(*preview), orientation, min_short, "truncated");
  } else {
    open = OpenReduced(data, size, format, min_short, "truncated");
  }
  if (!open.ok()) return open.status();
  auto rgb = ToRgb(open->image.im);
  if (!rgb.ok()) return rgb.status();
  return ModelImage{std::move(*rgb), open->source};
}

RgbImage ResizeBicubicLikePillow(const RgbImage& in, int out_w, int out_h) {
  // Pillow skips a pass whose size does not change.
  RgbImage h = out_w != in.width ? ResizeHorizontal(in, out_w) : in;
  return out_h != h.height ? ResizeVertical(h, out_h) : h;
}

std::vector<float> Preprocess(const RgbImage& rgb, const PreprocessConfig& c) {
  RgbImage img = rgb;
  if (c.do_resize) {
    int w = c.width, h = c.height;
    if (c.shortest_edge > 0) {
      bool portrait = img.height > img.width;
      int short_side = std::min(img.width, img.height), long_side = std::max(img.width, img.height);
      int new_long =
          static_cast<int>(static_cast<int64_t>(c.shortest_edge) * long_side / short_side);
      w = portrait ? c.shortest_edge : new_long;
      h = portrait ? new_long : c.shortest_edge;
    }
    img = ResizeBicubicLikePillow(img, w, h);
  }
  int top = 0, left = 0, oh = img.height, ow = img.width;
  if (c.do_center_crop) {
    oh = c.crop_height;
    ow = c.crop_width;
    top = (img.height - oh) / 2;
    left = (img.width - ow) / 2;
  }
  std::vector<float> out(static_cast<size_t>(3) * oh * ow, 0.0f);
  for (int ch = 0; ch < 3; ++ch)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        int sy = y + top, sx = x + left;
        if (sy < 0 || sx < 0 || sy >= img.height || sx >= img.width)
          continue;  // crop larger than image
        double u = img.pixels[(static_cast<size_t>(sy) * img.width + sx) * 3 + ch];
        float v = static_cast<float>(c.do_rescale ? u * c.rescale_factor : u);
        if (c.do_normalize) v = (v - c.mean[ch]) / c.std[ch];
        out[(static_cast<size_t>(ch) * oh + y) * ow + x] = v;
      }
  return out;
}

}  // namespace shoebox
