#include "imaging/video.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "imaging/image_format.h"
#include "imaging/photo_analyzer.h"
#include "test_util.h"

namespace shoebox {
namespace {

using testing::ReadFile;
using testing::TestVideos;

struct Clip {
  std::string bytes;
  VideoBytes reader() const {
    return VideoBytes::FromMemory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  ImageFormat format(const std::string& name) const {
    return SniffFormat(reinterpret_cast<const uint8_t*>(bytes.data()),
                       std::min(bytes.size(), kSniffBytes), name);
  }
};

Clip Load(const std::string& name) { return {ReadFile(TestVideos() / name)}; }

// How far from grey a picture is: the mean |R-G| + |G-B| per pixel (0 for the cameraman).
double Colourfulness(const RgbImage& rgb) {
  double sum = 0;
  for (size_t i = 0; i + 2 < rgb.pixels.size(); i += 3)
    sum += std::abs(rgb.pixels[i] - rgb.pixels[i + 1]) +
           std::abs(rgb.pixels[i + 1] - rgb.pixels[i + 2]);
  return sum / (rgb.pixels.size() / 3);
}

TEST(VideoFrameTimes, AVideoIsLookedAtInTheMiddleOfEqualSlicesOfAtLeastTwoSeconds) {
  EXPECT_EQ(VideoFrameTimes(8, 8), (std::vector<double>{1, 3, 5, 7}));
  EXPECT_EQ(VideoFrameTimes(60, 8).size(), 8u);
  EXPECT_DOUBLE_EQ(VideoFrameTimes(60, 8).front(), 3.75);
  EXPECT_EQ(VideoFrameTimes(1, 8), (std::vector<double>{0.5}));
  EXPECT_EQ(VideoFrameTimes(0, 8), (std::vector<double>{0}));  // unknown length: the start
  EXPECT_TRUE(VideoFrameTimes(10, 0).empty());
}

TEST(VideoMetadata, Iso6709LocationsAreReadAsQuickTimeAndAndroidWriteThem) {
  double lat = 0, lon = 0;
  std::optional<double> alt;
  ASSERT_TRUE(ParseIso6709("+35.6586+139.7454+012.000/", &lat, &lon, &alt));
  EXPECT_DOUBLE_EQ(lat, 35.6586);
  EXPECT_DOUBLE_EQ(lon, 139.7454);
  EXPECT_DOUBLE_EQ(*alt, 12.0);
  ASSERT_TRUE(ParseIso6709("-33.8568+151.2153/", &lat, &lon, &alt));
  EXPECT_DOUBLE_EQ(lat, -33.8568);
  EXPECT_FALSE(alt.has_value());
  EXPECT_FALSE(ParseIso6709("", &lat, &lon, &alt));
  EXPECT_FALSE(ParseIso6709("+95.0+10.0/", &lat, &lon, &alt));  // no such latitude
  EXPECT_FALSE(ParseIso6709("Tokyo", &lat, &lon, &alt));
  EXPECT_FALSE(ParseIso6709("+35.6586", &lat, &lon, &alt));
}

TEST(VideoMetadata, ARotationBecomesTheOrientationThatShowsTheFrameUpright) {
  EXPECT_EQ(OrientationForRotation(0), 1);
  EXPECT_EQ(OrientationForRotation(90), 6);
  EXPECT_EQ(OrientationForRotation(180), 3);
  EXPECT_EQ(OrientationForRotation(270), 8);
  EXPECT_EQ(OrientationForRotation(-90), 8);
}

TEST(VideoFormat, EveryContainerIsRecognisedByItsContentAndAudioOrTextIsNot) {
  EXPECT_EQ(Load("scenes.mp4").format("scenes.mp4"), ImageFormat::kMp4);
  EXPECT_EQ(Load("rotated.mov").format("rotated.mov"), ImageFormat::kMov);
  EXPECT_EQ(Load("clip.webm").format("clip.webm"), ImageFormat::kWebm);
  EXPECT_EQ(Load("clip.mkv").format("clip.mkv"), ImageFormat::kMkv);
  EXPECT_EQ(Load("clip.avi").format("clip.avi"), ImageFormat::kAvi);
  EXPECT_EQ(Load("not-a-video.mp4").format("not-a-video.mp4"), ImageFormat::kUnknown);
  for (ImageFormat f : {ImageFormat::kMp4, ImageFormat::kMov, ImageFormat::kWebm, ImageFormat::kMkv,
                        ImageFormat::kAvi, ImageFormat::k3gp}) {
    EXPECT_TRUE(IsVideoFormat(f));
    EXPECT_EQ(FormatFromName(FormatName(f)), f);
  }
  EXPECT_FALSE(IsVideoFormat(ImageFormat::kHeic));
  // A HEIC photo is ISO-BMFF too, and stays a photo.
  const std::string heic = ReadFile(testing::DataPath("fixtures/cheers_1440x960.heic"));
  EXPECT_EQ(SniffFormat(reinterpret_cast<const uint8_t*>(heic.data()), kSniffBytes, "x.heic"),
            ImageFormat::kHeic);
}

TEST(AnalyzeVideo, AClipGivesItsLengthCodecPlaceTimeAndAPosterPastItsFirstFrame) {
  Clip clip = Load("scenes.mp4");
  auto v = AnalyzeVideo(clip.reader(), ImageFormat::kMp4, {}, 0);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->width, 320);
  EXPECT_EQ(v->height, 240);
  EXPECT_NEAR(v->facts.duration_s, 8.0, 0.1);
  EXPECT_EQ(v->facts.codec, "h264");
  EXPECT_EQ(v->metadata.orientation, 1);
  ASSERT_TRUE(v->metadata.gps_lat && v->metadata.gps_lon);
  EXPECT_NEAR(*v->metadata.gps_lat, 35.6586, 1e-9);
  EXPECT_NEAR(*v->metadata.gps_lon, 139.7454, 1e-9);
  EXPECT_EQ(v->metadata.taken_at.value_or(""), "2021-07-04T09:30:00");
  EXPECT_EQ(v->metadata.tz_offset.value_or(""), "+00:00");  // the container's time is UTC
  // The first of 4 slices is [0, 2): its middle, 1 s, is a keyframe (one every second).
  EXPECT_DOUBLE_EQ(v->facts.poster_at, 1.0);
  ASSERT_TRUE(v->poster);
  EXPECT_EQ(v->poster->rgb.width, 320);
  EXPECT_EQ(v->poster->rgb.height, 240);
  EXPECT_GT(Colourfulness(v->poster->rgb), 10) << "the astronaut, not the grey cameraman";
  EXPECT_TRUE(v->warning.empty()) << v->warning;
}

TEST(AnalyzeVideo, APortraitPhoneClipIsTurnedUprightAndKeepsItsLocalTimeAndCamera) {
  Clip clip = Load("rotated.mov");
  auto v = AnalyzeVideo(clip.reader(), ImageFormat::kMov, {}, 0);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->width, 240);  // as stored
  EXPECT_EQ(v->height, 160);
  EXPECT_EQ(v->metadata.orientation, 6);  // shown turned clockwise, as ffmpeg plays it
  ASSERT_TRUE(v->poster);
  EXPECT_EQ(v->poster->rgb.width, 160);  // upright
  EXPECT_EQ(v->poster->rgb.height, 240);
  EXPECT_EQ(v->metadata.taken_at.value_or(""), "2022-03-05T18:04:12");
  EXPECT_EQ(v->metadata.tz_offset.value_or(""), "+01:00");
  EXPECT_EQ(v->metadata.make.value_or(""), "Apple");
  EXPECT_EQ(v->metadata.model.value_or(""), "iPhone 12");
}

TEST(AnalyzeVideo, ThePosterIsScaledWhileConvertingButNeverUp) {
  Clip clip = Load("scenes.mp4");
  auto v = AnalyzeVideo(clip.reader(), ImageFormat::kMp4, {}, 120);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->poster->rgb.height, 120);
  EXPECT_EQ(v->poster->rgb.width, 160);
  v = AnalyzeVideo(clip.reader(), ImageFormat::kMp4, {}, 1000);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->poster->rgb.height, 240);
}

TEST(AnalyzeVideo, MatroskaWebmAndAviAreReadToo) {
  for (const char* name : {"clip.webm", "clip.mkv", "clip.avi"}) {
    Clip clip = Load(name);
    auto v = AnalyzeVideo(clip.reader(), clip.format(name), {}, 0);
    ASSERT_TRUE(v.ok()) << name << ": " << v.status().ToString();
    EXPECT_EQ(v->width, 160) << name;
    EXPECT_NEAR(v->facts.duration_s, 2.0, 0.1) << name;
    ASSERT_TRUE(v->poster) << name;
    EXPECT_LT(Colourfulness(v->poster->rgb), 3) << name << ": the cameraman is grey";
  }
  EXPECT_EQ(AnalyzeVideo(Load("clip.webm").reader(), ImageFormat::kWebm, {}, 0)->facts.codec,
            "vp8");
  // Stored 160x120 with 4:3 pixels (a square picture scaled): its poster is square, as a
  // player shows it.
  auto webm = AnalyzeVideo(Load("clip.webm").reader(), ImageFormat::kWebm, {}, 0);
  EXPECT_EQ(webm->poster->rgb.width, 160);
  EXPECT_EQ(webm->poster->rgb.height, 160);
  EXPECT_EQ(AnalyzeVideo(Load("clip.avi").reader(), ImageFormat::kAvi, {}, 0)->facts.codec,
            "mpeg4");
}

TEST(DecodeVideoFrames, TheLaterFramesAreTheKeyframesAtTheSliceMiddlesAndShowTheSceneChange) {
  Clip clip = Load("scenes.mp4");
  auto frames = DecodeVideoFrames(clip.reader(), {}, 0);
  ASSERT_TRUE(frames.ok()) << frames.status().ToString();
  ASSERT_EQ(frames->size(), 3u);  // 3, 5 and 7 s; 1 s is the poster
  EXPECT_DOUBLE_EQ((*frames)[0].at, 3.0);
  EXPECT_DOUBLE_EQ((*frames)[1].at, 5.0);
  EXPECT_DOUBLE_EQ((*frames)[2].at, 7.0);
  EXPECT_GT(Colourfulness((*frames)[0].rgb), 10) << "still the astronaut at 3 s";
  EXPECT_LT(Colourfulness((*frames)[1].rgb), 3) << "the cameraman from 4 s";
}

TEST(DecodeVideoFrames, ATurnedClipsFramesAreUprightToo) {
  auto frames = DecodeVideoFrames(Load("rotated.mov").reader(), {}, 0);
  ASSERT_TRUE(frames.ok()) << frames.status().ToString();
  // 2 s: one slice, the poster; no later frames.
  EXPECT_TRUE(frames->empty());
}

TEST(BadVideos, ALostIndexAudioOnlyOrTextIsAClearErrorNotACrash) {
  auto v = AnalyzeVideo(Load("no-moov.mp4").reader(), ImageFormat::kMp4, {}, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("not a readable video"), std::string::npos)
      << v.status().ToString();
  v = AnalyzeVideo(Load("audio-only.mp4").reader(), ImageFormat::kMp4, {}, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(v.status().message().find("no video stream"), std::string::npos);
  v = AnalyzeVideo(Load("not-a-video.mp4").reader(), ImageFormat::kMp4, {}, 0);
  EXPECT_FALSE(v.ok());
  v = AnalyzeVideo(VideoBytes::FromMemory(nullptr, 0), ImageFormat::kMp4, {}, 0);
  EXPECT_FALSE(v.ok());
}

TEST(BadVideos, ADamagedTailKeepsThePosterAndTheFramesBeforeIt) {
  Clip clip = Load("damaged-tail.mp4");
  auto v = AnalyzeVideo(clip.reader(), ImageFormat::kMp4, {}, 0);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_TRUE(v->poster);
  EXPECT_DOUBLE_EQ(v->facts.poster_at, 1.0);
  auto frames = DecodeVideoFrames(clip.reader(), {}, 0);
  ASSERT_TRUE(frames.ok()) << frames.status().ToString();
  EXPECT_LT(frames->size(), 3u);
  for (const VideoFrame& f : *frames) EXPECT_LT(f.at, 6.0);
}

TEST(BadVideos, AVideoThatTakesTooLongIsGivenUpWithTheReason) {
  VideoOptions opt;
  opt.time_limit_s = 0;
  auto v = AnalyzeVideo(Load("scenes.mp4").reader(), ImageFormat::kMp4, opt, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("time limit"), std::string::npos) << v.status().ToString();
}

TEST(BadVideos, FramesLargerThanThePixelLimitAreRefused) {
  VideoOptions opt;
  opt.max_pixels = 320 * 240 - 1;
  auto v = AnalyzeVideo(Load("scenes.mp4").reader(), ImageFormat::kMp4, opt, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kTooLarge);
}

TEST(BadVideos, RandomlyDamagedClipsNeverCrashOrHang) {
  const std::string good = Load("scenes.mp4").bytes;
  std::mt19937 rng(7);
  for (int round = 0; round < 40; ++round) {
    std::string bad = good;
    const int flips = 1 + static_cast<int>(rng() % 64);
    for (int i = 0; i < flips; ++i) bad[rng() % bad.size()] = static_cast<char>(rng());
    if (round % 4 == 0) bad.resize(rng() % bad.size());
    Clip clip{bad};
    VideoOptions opt;
    opt.time_limit_s = 10;
    auto v = AnalyzeVideo(clip.reader(), ImageFormat::kMp4, opt, 64);
    if (v.ok()) {
      ASSERT_TRUE(v->poster);
      EXPECT_GT(v->poster->rgb.width, 0);
    }
    auto frames = DecodeVideoFrames(clip.reader(), opt, 64);
    (void)frames;
  }
}

TEST(AnalyzeVideoBytes, AVideoBecomesAnAssetWithAnUprightThumbnailAndTheModelInputOfItsPoster) {
  ASSERT_TRUE(InitImaging().ok());
  Clip clip = Load("rotated.mov");
  PreprocessConfig config;
  config.shortest_edge = 224;
  config.do_center_crop = true;
  AnalyzeOptions opt;
  opt.model_input = &config;
  auto p = AnalyzePhoto(reinterpret_cast<const uint8_t*>(clip.bytes.data()), clip.bytes.size(),
                        "rotated.mov", opt);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->format, ImageFormat::kMov);
  ASSERT_TRUE(p->video);
  EXPECT_NEAR(p->video->duration_s, 2.0, 0.1);
  EXPECT_EQ(p->metadata.orientation, 6);
  ASSERT_FALSE(p->thumbnail_jpeg.empty());
  auto thumb = DecodeRgb(p->thumbnail_jpeg.data(), p->thumbnail_jpeg.size(), false);
  ASSERT_TRUE(thumb.ok());
  EXPECT_EQ(thumb->width, 160);
  EXPECT_EQ(thumb->height, 240);
  EXPECT_EQ(p->model_input.size(), 3u * 224 * 224);
  EXPECT_EQ(p->model_input_source, "frame");
  // The embedder's own decode (a model changed: embed-missing) gives the same input.
  auto again = DecodeForModel(reinterpret_cast<const uint8_t*>(clip.bytes.data()),
                              clip.bytes.size(), config, "rotated.mov");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Preprocess(again->rgb, config), p->model_input);
}

}  // namespace
}  // namespace shoebox
