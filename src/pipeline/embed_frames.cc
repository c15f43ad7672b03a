#include <chrono>
#include <ctime>

#include "base/file_io.h"
#include "imaging/animation_frames.h"
#include "imaging/image_format.h"
#include "imaging/video.h"
#include "pipeline/embedder.h"

namespace shoebox {
namespace {

constexpr float kSameFrame = 0.95f;  // cosine above which two frames say the same
constexpr uint64_t kMaxAnimationBytes = 256 << 20;

float Dot(const float* a, const float* b, int64_t n) {
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

// A video's frames after its poster (imaging/video.h), read through the file's descriptor;
// frame numbers count the frames looked at, the poster being 0.
Result<std::vector<AnimationFrame>> DecodeVideoFramesOf(const std::string& path,
                                                        const PreprocessConfig& config) {
  auto file = OpenRegularFile(path);
  if (!file.ok()) return file.status();
  VideoOptions vopt;
  vopt.max_frames = kMaxAnimationFrames;
  auto frames = DecodeVideoFrames(VideoBytes::FromFile(*file), vopt, 2 * ModelMinShortSide(config));
  if (!frames.ok()) return frames.status();
  std::vector<AnimationFrame> out;
  int index = 0;
  for (const VideoFrame& f : *frames) out.push_back({++index, f.at, Preprocess(f.rgb, config)});
  return out;
}

// An animation's (GIF, WebP) or a video's frames after the first, for the model.
Result<std::vector<AnimationFrame>> DecodeLaterFrames(const std::string& path,
                                                      const PreprocessConfig& config) {
  auto head = ReadFilePrefix(path, kSniffBytes);
  if (!head.ok()) return head.status();
  if (IsVideoFormat(SniffFormat(head->data(), head->size(), path)))
    return DecodeVideoFramesOf(path, config);
  auto bytes = ReadWholeFile(path, kMaxAnimationBytes);
  if (!bytes.ok()) return bytes.status();
  return DecodeAnimationFrames(bytes->data(), bytes->size(), config, kMaxAnimationFrames - 1);
}

}  // namespace

Result<FrameReport> EmbedFrames(Catalog& catalog, EmbeddingModel& model,
                                const EmbedOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  FrameReport report;
  EmbeddingStore store = catalog.Embeddings();
  auto rec = store.FindModel(model.fingerprint());
  if (!rec.ok()) return rec.status();
  if (!*rec) return report;  // nothing embedded with it yet
  const int64_t model_id = (*rec)->id, dim = model.dim();
  int64_t after = 0;
  for (;;) {
    auto batch = store.PendingFrames(model_id, after, 16);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const PendingAsset& a : *batch) {
      if (options.stop && options.stop->load())
        return Cancelled("stopped before every animation's frames were embedded");
      after = a.asset_id;
      ++report.animations;
      Result<std::vector<AnimationFrame>> frames = DecodeLaterFrames(a.path, model.preprocess());
      if (!frames.ok()) {
        ++report.failed;
        SHOEBOX_RETURN_IF_ERROR(catalog.RecordError(
            a.path, "indexed, but its later frames were not: " + frames.status().message(),
            "warning", static_cast<int64_t>(std::time(nullptr))));
        SHOEBOX_RETURN_IF_ERROR(store.PutFrames(model_id, a.asset_id, {}));
        continue;
      }
      std::vector<FrameVector> kept;
      auto first = store.Get(a.asset_id, model_id);
      if (!first.ok()) return first.status();
      if (!frames->empty() && *first) {
        std::vector<float> pixels;
        for (const AnimationFrame& f : *frames)
          pixels.insert(pixels.end(), f.model_input.begin(), f.model_input.end());
        auto vectors = model.EmbedPrepared(pixels.data(), static_cast<int64_t>(frames->size()));
        if (!vectors.ok()) return vectors.status();
        std::vector<const float*> seen = {(*first)->data()};
        for (size_t i = 0; i < frames->size(); ++i) {
          const float* v = vectors->data() + static_cast<int64_t>(i) * dim;
          bool same = false;
          for (const float* s : seen) same = same || Dot(v, s, dim) >= kSameFrame;
          if (same) continue;
          kept.push_back({(*frames)[i].index, (*frames)[i].at, std::vector<float>(v, v + dim)});
          seen.push_back(v);
        }
      }
      SHOEBOX_RETURN_IF_ERROR(store.PutFrames(model_id, a.asset_id, kept));
      report.frames += static_cast<int64_t>(kept.size());
    }
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace shoebox
