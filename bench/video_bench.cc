// A video catalogued and its frames made ready for the model, against `ffmpeg -ss` extracting
// the same frames, in the same run (issue 17).
//
// Ours, in this process on one thread, as a worker of `index` does it: hash the file in
// pieces, read the container and metadata, decode the poster keyframe, make the thumbnail and
// the poster's model input (CLIP's 224 px), then decode the later keyframes (up to 8 frames in
// all) and make their model inputs (embed_frames.cc). The model's own time is not included.
// The peer: one `ffmpeg -ss T -i FILE -frames:v 1` per frame at the same keyframe times,
// scaled to the same size and written as raw RGB to /dev/null, as a script would extract
// frames (each process's CPU, children's rusage). Targets: ours <= 1.5 s of CPU for a 60 s
// 1080p H.264 clip, and >= 1.0x the peer's speed (CPU).
// Usage: video_bench [VIDEO] [--rounds N]   (no VIDEO: tests/data/make_videos.sh --bench makes
// a 60 s 1080p clip in /tmp)
#include <sys/resource.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "imaging/photo_analyzer.h"
#include "imaging/video.h"

namespace {

using namespace shoebox;
using Clock = std::chrono::steady_clock;

double Cpu(int who) {
  rusage u{};
  getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

int main(int argc, char** argv) {
  std::string video;
  int rounds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc)
      rounds = std::max(1, std::atoi(argv[++i]));
    else
      video = a;
  }
  if (video.empty()) {
    video = "/tmp/shoebox-video-bench/long-1080p.mp4";
    if (!std::filesystem::exists(video)) {
      const std::string corpus = std::getenv("SHOEBOX_CORPUS") ? std::getenv("SHOEBOX_CORPUS")
                                                               : SHOEBOX_SOURCE_DIR
                                     "/../shared/corpus";
      const std::string cmd = Quote(SHOEBOX_SOURCE_DIR "/tests/data/make_videos.sh") +
                              " /tmp/shoebox-video-bench " + Quote(corpus + "/photos") + " --bench";
      if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "could not make the bench clip: %s\n", cmd.c_str());
        return 1;
      }
    }
  }
  if (!InitImaging().ok()) return 1;
  PreprocessConfig clip;  // CLIP ViT-B/32's processor
  clip.shortest_edge = 224;
  clip.do_center_crop = true;
  AnalyzeOptions opt;
  opt.model_input = &clip;

  std::vector<double> ours_cpu, ours_wall, peer_cpu, peer_wall;
  std::vector<double> times;
  int frames = 0;
  std::string codec, size;
  double duration = 0;
  for (int round = 0; round < rounds; ++round) {
    // Ours.
    const double c0 = Cpu(RUSAGE_SELF);
    const auto w0 = Clock::now();
    auto file = OpenRegularFile(video);
    if (!file.ok()) {
      std::fprintf(stderr, "%s\n", file.status().ToString().c_str());
      return 1;
    }
    auto head = ReadFilePrefix(video, kSniffBytes);
    const ImageFormat format = SniffFormat(head->data(), head->size(), video);
    auto hash = ContentHashHexOfFile(**file);
    auto analyzed = AnalyzeVideoBytes(VideoBytes::FromFile(*file), format, opt);
    if (!hash.ok() || !analyzed.ok()) {
      std::fprintf(stderr, "%s\n", analyzed.status().ToString().c_str());
      return 1;
    }
    auto later =
        DecodeVideoFrames(VideoBytes::FromFile(*file), VideoOptions{}, 2 * ModelMinShortSide(clip));
    if (!later.ok()) {
      std::fprintf(stderr, "%s\n", later.status().ToString().c_str());
      return 1;
    }
    size_t inputs = analyzed->model_input.size();
    for (const VideoFrame& f : *later) inputs += Preprocess(f.rgb, clip).size();
    ours_cpu.push_back(Cpu(RUSAGE_SELF) - c0);
    ours_wall.push_back(std::chrono::duration<double>(Clock::now() - w0).count());
    if (inputs == 0) return 1;
    times = {analyzed->video->poster_at};
    for (const VideoFrame& f : *later) times.push_back(f.at);
    frames = static_cast<int>(times.size());
    codec = analyzed->video->codec;
    duration = analyzed->video->duration_s;
    size = std::to_string(analyzed->width) + "x" + std::to_string(analyzed->height);

    // The peer: the same frames, one ffmpeg each.
    const double p0 = Cpu(RUSAGE_CHILDREN);
    const auto pw0 = Clock::now();
    for (double t : times) {
      char ss[32];
      std::snprintf(ss, sizeof ss, "%.3f", t);
      const std::string cmd =
          "ffmpeg -hide_banner -loglevel error -nostdin -ss " + std::string(ss) + " -i " +
          Quote(video) + " -frames:v 1 -vf scale=-2:448 -f rawvideo -pix_fmt rgb24 -y /dev/null";
      if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "peer failed: %s\n", cmd.c_str());
        return 1;
      }
    }
    peer_cpu.push_back(Cpu(RUSAGE_CHILDREN) - p0);
    peer_wall.push_back(std::chrono::duration<double>(Clock::now() - pw0).count());
  }
  const double ours = Median(ours_cpu), peer = Median(peer_cpu);
  nlohmann::json j = {{"video", video},
                      {"codec", codec},
                      {"size", size},
                      {"duration_s", duration},
                      {"frames", frames},
                      {"times", times},
                      {"rounds", rounds},
                      {"ours_cpu_s", ours},
                      {"ours_wall_s", Median(ours_wall)},
                      {"peer", "ffmpeg -ss T -i FILE -frames:v 1 (one process per frame)"},
                      {"peer_cpu_s", peer},
                      {"peer_wall_s", Median(peer_wall)},
                      {"speed_vs_peer_cpu", peer / ours},
                      {"target_ours_cpu_s", 1.5},
                      {"target_speed_vs_peer", 1.0}};
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}
