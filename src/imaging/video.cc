#include "imaging/video.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

namespace shoebox {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kIoBufferBytes = 64 * 1024;
constexpr double kSecondsPerSlice = 2.0;  // at most one frame per this much video

std::string AvError(int rc) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(rc, buf, sizeof buf);
  return buf;
}

// The reader FFmpeg pulls bytes through, with the deadline its interrupt callback checks.
struct IoState {
  const VideoBytes* bytes = nullptr;
  uint64_t pos = 0;
  Clock::time_point deadline;
  bool timed_out = false;
};

int ReadPacket(void* opaque, uint8_t* buf, int size) {
  auto* io = static_cast<IoState*>(opaque);
  if (io->pos >= io->bytes->size) return AVERROR_EOF;
  const int64_t got = io->bytes->read_at(io->pos, buf, static_cast<size_t>(size));
  if (got < 0) return AVERROR(EIO);
  if (got == 0) return AVERROR_EOF;
  io->pos += static_cast<uint64_t>(got);
  return static_cast<int>(got);
}

int64_t Seek(void* opaque, int64_t offset, int whence) {
  auto* io = static_cast<IoState*>(opaque);
  const int64_t size = static_cast<int64_t>(io->bytes->size);
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size;
    case SEEK_SET:
      break;
    case SEEK_CUR:
      offset += static_cast<int64_t>(io->pos);
      break;
    case SEEK_END:
      offset += size;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (offset < 0) return AVERROR(EINVAL);
  io->pos = static_cast<uint64_t>(offset);
  return offset;
}

// FFmpeg's own log would print every damaged macroblock to stderr; failures come back as
// return codes, which the caller words.
void QuietFfmpegLog() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

int Interrupt(void* opaque) {
  auto* io = static_cast<IoState*>(opaque);
  if (Clock::now() > io->deadline) io->timed_out = true;
  return io->timed_out ? 1 : 0;
}

// One opened video: its demuxer on our reader, and the decoder of its main video stream.
class OpenVideo {
 public:
  ~OpenVideo() {
    if (sws_) sws_freeContext(sws_);
    if (frame_) av_frame_free(&frame_);
    if (packet_) av_packet_free(&packet_);
    if (codec_) avcodec_free_context(&codec_);
    if (fmt_) avformat_close_input(&fmt_);  // frees the context, not our custom pb
    if (avio_) {
      av_freep(&avio_->buffer);
      avio_context_free(&avio_);
    }
  }

  Status Open(const VideoBytes& bytes, const VideoOptions& opt) {
    QuietFfmpegLog();
    io_.bytes = &bytes;
    io_.deadline = Clock::now() + std::chrono::milliseconds(
                                      static_cast<int64_t>(std::max(0.0, opt.time_limit_s) * 1000));
    time_limit_s_ = opt.time_limit_s;
    max_pixels_ = opt.max_pixels;
    auto* buf = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
    if (!buf) return Internal("out of memory");
    avio_ = avio_alloc_context(buf, kIoBufferBytes, 0, &io_, ReadPacket, nullptr, Seek);
    if (!avio_) {
      av_free(buf);
      return Internal("out of memory");
    }
    fmt_ = avformat_alloc_context();
    if (!fmt_) return Internal("out of memory");
    fmt_->pb = avio_;
    fmt_->flags |= AVFMT_FLAG_CUSTOM_IO;
    fmt_->interrupt_callback = {Interrupt, &io_};
    // Only the containers we read; and no protocol at all for anything a file refers to.
    fmt_->format_whitelist = av_strdup("mov,matroska,webm,avi");
    fmt_->protocol_whitelist = av_strdup("none");
    int rc = avformat_open_input(&fmt_, nullptr, nullptr, nullptr);
    if (rc < 0) {
      fmt_ = nullptr;  // freed by avformat_open_input on failure
      return Failure("not a readable video", rc);
    }
    rc = avformat_find_stream_info(fmt_, nullptr);
    if (rc < 0) return Failure("video streams unreadable", rc);
    const AVCodec* decoder = nullptr;
    stream_ = av_find_best_stream(fmt_, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (stream_ == AVERROR_STREAM_NOT_FOUND) return Unsupported("no video stream (audio only?)");
    if (stream_ < 0 || !decoder) {
      const AVCodecParameters* par = stream_ >= 0 ? fmt_->streams[stream_]->codecpar : nullptr;
      return Unsupported("no decoder for its video codec" +
                         (par ? std::string(" (") + avcodec_get_name(par->codec_id) + ")" : ""));
    }
    st_ = fmt_->streams[stream_];
    for (unsigned i = 0; i < fmt_->nb_streams; ++i)
      if (static_cast<int>(i) != stream_) fmt_->streams[i]->discard = AVDISCARD_ALL;
    codec_ = avcodec_alloc_context3(decoder);
    if (!codec_) return Internal("out of memory");
    rc = avcodec_parameters_to_context(codec_, st_->codecpar);
    if (rc < 0) return Failure("video codec parameters unreadable", rc);
    codec_->thread_count = 1;  // the caller's worker is the thread; the pool runs the others
    codec_->skip_frame = AVDISCARD_NONKEY;  // only keyframes are ever wanted
    AVDictionary* opts = nullptr;
    rc = avcodec_open2(codec_, decoder, &opts);
    av_dict_free(&opts);
    if (rc < 0) return Failure("video decoder failed to start", rc);
    const uint64_t pixels =
        static_cast<uint64_t>(std::max(0, codec_->width)) * std::max(0, codec_->height);
    if (pixels > opt.max_pixels)
      return TooLarge(std::to_string(codec_->width) + "x" + std::to_string(codec_->height) +
                      " frames exceed the " + std::to_string(opt.max_pixels / 1'000'000) +
                      " megapixel limit");
    packet_ = av_packet_alloc();
    frame_ = av_frame_alloc();
    if (!packet_ || !frame_) return Internal("out of memory");
    return Status::Ok();
  }

  double Duration() const {
    if (fmt_->duration > 0) return static_cast<double>(fmt_->duration) / AV_TIME_BASE;
    if (st_->duration > 0) return static_cast<double>(st_->duration) * av_q2d(st_->time_base);
    return 0;
  }
  int Width() const { return codec_->width; }
  int Height() const { return codec_->height; }
  std::string CodecName() const { return avcodec_get_name(st_->codecpar->codec_id); }

  // Clockwise degrees the frames are turned to be shown (the display matrix), 0/90/180/270.
  int Rotation() const {
    const uint8_t* m = av_stream_get_side_data(st_, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
    if (!m) return 0;
    double theta = -av_display_rotation_get(reinterpret_cast<const int32_t*>(m));
    if (std::isnan(theta)) return 0;
    int deg = static_cast<int>(std::lround(theta / 90.0)) * 90;
    return ((deg % 360) + 360) % 360;
  }

  std::string Tag(const char* key) const {
    const AVDictionaryEntry* e = av_dict_get(fmt_->metadata, key, nullptr, 0);
    if (!e) e = av_dict_get(st_->metadata, key, nullptr, 0);
    return e && e->value ? e->value : "";
  }

  // The keyframe at or before `at` seconds, decoded and scaled so its short side is at least
  // short_side (0: full size). nullopt when nothing decodes there.
  Result<std::optional<VideoFrame>> KeyframeAt(double at, int short_side) {
    // In the stream's time base, kept representable whatever the file claims.
    const double tb = av_q2d(st_->time_base);
    const double units = tb > 0 ? std::clamp(at / tb, 0.0, 4e18) : 0.0;
    const int64_t start = st_->start_time != AV_NOPTS_VALUE &&
                                  st_->start_time > -(int64_t{1} << 60) &&
                                  st_->start_time < (int64_t{1} << 60)
                              ? st_->start_time
                              : 0;
    const int64_t ts = static_cast<int64_t>(units) + start;  // |start| < 2^60: no overflow
    int rc = av_seek_frame(fmt_, stream_, ts, AVSEEK_FLAG_BACKWARD);
    if (rc < 0 && at > 0) rc = av_seek_frame(fmt_, stream_, ts, AVSEEK_FLAG_ANY);
    avcodec_flush_buffers(codec_);
    // A few packets past a seek may precede the keyframe; a stream with broken packets ends
    // the search after this many rather than reading the whole file.
    for (int packets = 0; packets < 2000; ++packets) {
      if (io_.timed_out || Clock::now() > io_.deadline) return TimedOut();
      rc = av_read_frame(fmt_, packet_);
      if (rc < 0) {
        if (io_.timed_out) return TimedOut();
        avcodec_send_packet(codec_, nullptr);  // drain: the last keyframe may be buffered
        if (auto f = Receive(short_side); f) return f;
        return std::optional<VideoFrame>();
      }
      if (packet_->stream_index != stream_) {
        av_packet_unref(packet_);
        continue;
      }
      rc = avcodec_send_packet(codec_, packet_);
      av_packet_unref(packet_);
      if (rc < 0 && rc != AVERROR(EAGAIN)) {
        damage_ = "damaged frame: " + AvError(rc);
        continue;
      }
      if (auto f = Receive(short_side); f) return f;
    }
    return std::optional<VideoFrame>();
  }

  const std::string& damage() const { return damage_; }

 private:
  Status Failure(const std::string& what, int rc) {
    if (io_.timed_out) return TimedOut();
    return Corrupt(what + ": " + AvError(rc));
  }
  Status TimedOut() const {
    return TooLarge("gave up after " +
                    std::to_string(static_cast<int>(std::lround(time_limit_s_))) +
                    " s (the time limit per video)");
  }

  std::optional<VideoFrame> Receive(int short_side) {
    int rc = avcodec_receive_frame(codec_, frame_);
    if (rc < 0) return std::nullopt;
    std::optional<VideoFrame> out = Convert(short_side);
    av_frame_unref(frame_);
    return out;
  }

  std::optional<VideoFrame> Convert(int short_side) {
    const int w = frame_->width, h = frame_->height;
    if (w <= 0 || h <= 0) return std::nullopt;
    // A stream may change size midway: each frame is held to the limit, not only the first.
    if (static_cast<uint64_t>(w) * static_cast<uint64_t>(h) > max_pixels_) {
      damage_ = "a frame over the pixel limit";
      return std::nullopt;
    }
    // Pixels that are not square (DV, anamorphic, a scaled clip's 4:3 pixels) are shown
    // stretched along one side, as browsers show them; so is the frame we hand on.
    const AVRational sar = av_guess_sample_aspect_ratio(fmt_, st_, frame_);
    double aspect = sar.num > 0 && sar.den > 0 ? av_q2d(sar) : 1.0;
    if (!(aspect >= 0.25 && aspect <= 4)) aspect = 1;
    const int dw = aspect > 1 ? std::max(1, static_cast<int>(std::lround(w * aspect))) : w;
    const int dh = aspect < 1 ? std::max(1, static_cast<int>(std::lround(h / aspect))) : h;
    int ow = dw, oh = dh;
    const int src_short = std::min(dw, dh);
    if (short_side > 0 && src_short > short_side) {
      const double s = static_cast<double>(short_side) / src_short;
      ow = std::max(1, static_cast<int>(std::lround(dw * s)));
      oh = std::max(1, static_cast<int>(std::lround(dh * s)));
    }
    sws_ = sws_getCachedContext(sws_, w, h, static_cast<AVPixelFormat>(frame_->format), ow, oh,
                                AV_PIX_FMT_RGB24, SWS_AREA | SWS_ACCURATE_RND, nullptr, nullptr,
                                nullptr);
    if (!sws_) {
      damage_ = "frame pixel format not convertible";
      return std::nullopt;
    }
    VideoFrame f;
    int64_t pts = frame_->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = frame_->pts;
    const double start = st_->start_time != AV_NOPTS_VALUE ? st_->start_time : 0;
    const double at = (static_cast<double>(pts) - start) * av_q2d(st_->time_base);
    f.at = pts == AV_NOPTS_VALUE || !std::isfinite(at) ? 0 : std::max(0.0, at);
    f.rgb.width = ow;
    f.rgb.height = oh;
    f.rgb.pixels.resize(static_cast<size_t>(ow) * oh * 3);
    uint8_t* dst[4] = {f.rgb.pixels.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {ow * 3, 0, 0, 0};
    if (sws_scale(sws_, frame_->data, frame_->linesize, 0, h, dst, dst_stride) != oh) {
      damage_ = "frame conversion failed";
      return std::nullopt;
    }
    return f;
  }

  IoState io_;
  double time_limit_s_ = 0;
  uint64_t max_pixels_ = 0;
  AVIOContext* avio_ = nullptr;
  AVFormatContext* fmt_ = nullptr;
  AVCodecContext* codec_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  SwsContext* sws_ = nullptr;
  AVStream* st_ = nullptr;
  int stream_ = -1;
  std::string damage_;
};

RgbImage Rotate(const RgbImage& in, int degrees) {
  if (degrees == 0) return in;
  RgbImage out;
  const bool swap = degrees == 90 || degrees == 270;
  out.width = swap ? in.height : in.width;
  out.height = swap ? in.width : in.height;
  out.pixels.resize(in.pixels.size());
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      int ox, oy;
      if (degrees == 90) {
        ox = in.height - 1 - y;
        oy = x;
      } else if (degrees == 180) {
        ox = in.width - 1 - x;
        oy = in.height - 1 - y;
      } else {
        ox = y;
        oy = in.width - 1 - x;
      }
      std::memcpy(&out.pixels[(static_cast<size_t>(oy) * out.width + ox) * 3],
                  &in.pixels[(static_cast<size_t>(y) * in.width + x) * 3], 3);
    }
  return out;
}

// QuickTime's local capture time with its offset ("2019-08-21T11:21:36+0200"), else the
// container's UTC creation time ("2019-08-21T09:21:36.000000Z").
void ReadCaptureTime(const OpenVideo& v, PhotoMetadata* m) {
  std::string local = v.Tag("com.apple.quicktime.creationdate");
  if (!local.empty()) {
    // "+0200" -> "+02:00", as XMP dates write it.
    if (local.size() >= 5) {
      const size_t tz = local.size() - 5;
      if ((local[tz] == '+' || local[tz] == '-') && local.find(':', tz) == std::string::npos)
        local.insert(tz + 3, ":");
    }
    std::string offset;
    if (auto iso = XmpDateToIso(local, &offset)) {
      m->taken_at = *iso;
      if (!offset.empty()) m->tz_offset = offset;
      return;
    }
  }
  const std::string utc = v.Tag("creation_time");
  std::string offset;
  if (auto iso = XmpDateToIso(utc, &offset);
      iso && iso->rfind("1970-01-01", 0) != 0 && iso->rfind("1904-01-01", 0) != 0) {
    m->taken_at = *iso;
    m->tz_offset = offset.empty() ? "+00:00" : offset;
  }
}

void ReadPlaceAndCamera(const OpenVideo& v, PhotoMetadata* m) {
  for (const char* key : {"com.apple.quicktime.location.ISO6709", "location"}) {
    double lat = 0, lon = 0;
    std::optional<double> alt;
    if (ParseIso6709(v.Tag(key), &lat, &lon, &alt) && (lat != 0 || lon != 0)) {
      m->gps_lat = lat;
      m->gps_lon = lon;
      m->gps_alt = alt;
      break;
    }
  }
  for (const char* key : {"com.apple.quicktime.make", "com.android.manufacturer", "make"})
    if (std::string s = v.Tag(key); !s.empty()) {
      m->make = s;
      break;
    }
  for (const char* key : {"com.apple.quicktime.model", "com.android.model", "model"})
    if (std::string s = v.Tag(key); !s.empty()) {
      m->model = s;
      break;
    }
}

}  // namespace

VideoBytes VideoBytes::FromMemory(const uint8_t* data, size_t size) {
  VideoBytes b;
  b.size = size;
  b.read_at = [data, size](uint64_t offset, uint8_t* out, size_t n) -> int64_t {
    if (offset >= size) return 0;
    const size_t k = std::min<uint64_t>(n, size - offset);
    std::memcpy(out, data + offset, k);
    return static_cast<int64_t>(k);
  };
  return b;
}

VideoBytes VideoBytes::FromFile(std::shared_ptr<const OpenedFile> file) {
  VideoBytes b;
  b.size = file->size();
  b.read_at = [file](uint64_t offset, uint8_t* out, size_t n) -> int64_t {
    return file->ReadAt(offset, out, n);
  };
  return b;
}

std::vector<double> VideoFrameTimes(double duration_s, int max_frames) {
  if (max_frames <= 0) return {};
  if (!(duration_s > 0) || !std::isfinite(duration_s)) return {0.0};
  const int n = static_cast<int>(
      std::clamp(std::floor(duration_s / kSecondsPerSlice), 1.0, static_cast<double>(max_frames)));
  std::vector<double> t;
  for (int i = 0; i < n; ++i) t.push_back((i + 0.5) * duration_s / n);
  return t;
}

int OrientationForRotation(int degrees) {
  switch (((degrees % 360) + 360) % 360) {
    case 90:
      return 6;
    case 180:
      return 3;
    case 270:
      return 8;
    default:
      return 1;
  }
}

bool ParseIso6709(const std::string& text, double* lat, double* lon, std::optional<double>* alt) {
  // Signed decimal numbers one after another: ±DD.DDDD±DDD.DDDD[±AAA.AAA][CRS...]/
  std::vector<double> parts;
  size_t i = 0;
  while (i < text.size() && parts.size() < 3) {
    if (text[i] != '+' && text[i] != '-') break;
    size_t j = i + 1;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.'))
      ++j;
    if (j == i + 1) return false;
    try {
      parts.push_back(std::stod(text.substr(i, j - i)));
    } catch (...) {
      return false;
    }
    i = j;
  }
  if (parts.size() < 2) return false;
  if (std::fabs(parts[0]) > 90 || std::fabs(parts[1]) > 180) return false;
  *lat = parts[0];
  *lon = parts[1];
  *alt = parts.size() > 2 ? std::optional<double>(parts[2]) : std::nullopt;
  return true;
}

Result<AnalyzedVideo> AnalyzeVideo(const VideoBytes& bytes, ImageFormat format,
                                   const VideoOptions& options, int poster_short_side,
                                   AnalyzedVideo* partial) {
  AnalyzedVideo out;
  out.format = format;
  if (bytes.size == 0) return Corrupt("empty file (0 bytes)");
  OpenVideo v;
  Status st = v.Open(bytes, options);
  if (!st.ok()) {
    if (partial) *partial = out;
    return st;
  }
  out.width = v.Width();
  out.height = v.Height();
  out.facts.duration_s = v.Duration();
  out.facts.codec = v.CodecName();
  const int rotation = v.Rotation();
  out.metadata.orientation = OrientationForRotation(rotation);
  ReadCaptureTime(v, &out.metadata);
  ReadPlaceAndCamera(v, &out.metadata);
  const std::vector<double> times = VideoFrameTimes(out.facts.duration_s, options.max_frames);
  auto frame = v.KeyframeAt(times.front(), poster_short_side);
  // A damaged stretch at the poster's time: the very first keyframe may still decode.
  if (frame.ok() && !*frame && times.front() > 0) frame = v.KeyframeAt(0, poster_short_side);
  if (!frame.ok() || !*frame) {
    if (partial) *partial = out;
    if (!frame.ok()) return frame.status();
    return Corrupt("no frame of the video could be decoded" +
                   (v.damage().empty() ? std::string() : " (" + v.damage() + ")"));
  }
  (*frame)->rgb = Rotate((*frame)->rgb, rotation);
  out.facts.poster_at = (*frame)->at;
  out.poster = std::move(**frame);
  out.warning = v.damage();
  return out;
}

Result<std::vector<VideoFrame>> DecodeVideoFrames(const VideoBytes& bytes,
                                                  const VideoOptions& options, int short_side) {
  OpenVideo v;
  SHOEBOX_RETURN_IF_ERROR(v.Open(bytes, options));
  const std::vector<double> times = VideoFrameTimes(v.Duration(), options.max_frames);
  const int rotation = v.Rotation();
  std::vector<VideoFrame> out;
  std::vector<double> seen;  // keyframe times already given (the poster's among them)
  bool any = false;
  for (size_t i = 0; i < times.size(); ++i) {
    auto frame = v.KeyframeAt(times[i], short_side);
    if (!frame.ok()) return frame.status();
    if (!*frame) continue;
    any = true;
    const double at = (*frame)->at;
    if (std::any_of(seen.begin(), seen.end(), [&](double s) { return std::fabs(s - at) < 1e-3; }))
      continue;
    seen.push_back(at);
    if (i == 0) continue;  // the poster
    (*frame)->rgb = Rotate((*frame)->rgb, rotation);
    out.push_back(std::move(**frame));
  }
  if (!any)
    return Corrupt("no frame of the video could be decoded" +
                   (v.damage().empty() ? std::string() : " (" + v.damage() + ")"));
  return out;
}

}  // namespace shoebox
