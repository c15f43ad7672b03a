#include "engine/embed_benchmark.h"

#include <sys/resource.h>

#include <chrono>
#include <random>
#include <vector>

#include "base/file_io.h"
#include "engine/image_text_network.h"
#include "engine/tensor/compute_pool.h"
#include "engine/tensor/gemm.h"
#include "engine/tensor/onednn_linear.h"
#include "engine/tensor/ops.h"

namespace shoebox::engine {
namespace {

// Runs fn(batch) repeatedly for about `seconds`; returns items per second.
template <typename Fn>
double Rate(int batch, double seconds, Fn fn) {
  fn(batch);  // warm-up: buffers sized, pages touched
  auto start = std::chrono::steady_clock::now();
  int64_t items = 0;
  double elapsed = 0;
  do {
    fn(batch);
    items += batch;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  return static_cast<double>(items) / elapsed;
}

}  // namespace

Result<nlohmann::json> RunEmbedBenchmark(const std::string& config_path,
                                         const EmbedBenchmarkOptions& options) {
  auto text = ReadWholeFile(config_path, 16 << 20);
  if (!text.ok()) return Status(text.status().code(), config_path + ": " + text.status().message());
  ops::ComputePool::Get().SetThreads(options.threads);
  const std::string config(text->begin(), text->end());
  auto m = CreateRandomImageTextNetwork(config, config_path, 1);
  if (!m.ok()) return m.status();
  ImageTextNetwork& net = **m;
  // Timed afresh, as at a model's first load on a machine (no file: nothing kept).
  ops::ProductTuner tuner("");
  const auto tune_start = std::chrono::steady_clock::now();
  (void)net.UsePrecision(ops::Precision::kFloat32, &tuner);
  const double tuning_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - tune_start).count();
  const int64_t s = net.image_size(), len = net.text_length();
  std::vector<float> pixels(static_cast<size_t>(32 * 3 * s * s));
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0, 1);
  for (auto& p : pixels) p = normal(rng);
  // Token ids: a short caption at the start, EOS, padding, like real queries.
  std::vector<int64_t> ids(static_cast<size_t>(32 * len), net.pad_token_id());
  std::vector<int64_t> mask(ids.size(), 0);
  for (int b = 0; b < 32; ++b)
    for (int i = 0; i < 10; ++i) {
      ids[static_cast<size_t>(b * len + i)] = 100 + (b * 7 + i) % 900;
      mask[static_cast<size_t>(b * len + i)] = 1;
    }
  for (int b = 0; b < 32; ++b) mask[static_cast<size_t>(b * len + 10)] = 1;
  const bool masked = net.text_uses_mask();
  ImageTextNetwork* current = &net;
  auto images = [&](int n) { (void)current->EncodeImages(pixels.data(), n); };
  auto texts = [&](int n) {
    (void)current->EncodeTexts(ids.data(), masked ? mask.data() : nullptr, n, len);
    (void)current->EncodeTexts(ids.data(), masked ? mask.data() : nullptr, n, len);
  };
  double q = options.seconds;
  nlohmann::json j = {{"config", config_path},
                      {"family", net.family()},
                      {"threads", ops::ComputePool::Get().threads()},
                      {"kernel", ops::ActiveKernel()},
                      {"onednn", ops::OnednnVersion() + " " + ops::OnednnIsa()},
                      {"tuning_s", tuning_s},
                      {"backend_float32", net.backends()},
                      {"image_per_s_b1", Rate(1, q, images)},
                      {"image_per_s_b8", Rate(8, q, images)},
                      {"image_per_s_b32", Rate(32, q, images)},
                      {"text_per_s_b1", Rate(1, q, texts)},
                      {"text_per_s_b32", Rate(32, q, texts)}};
  if (options.precision == ops::Precision::kFloat32) return j;
  const std::string mode = ops::PrecisionName(options.precision);
  auto f32_images = net.EncodeImages(pixels.data(), 32);
  auto f32_texts = net.EncodeTexts(ids.data(), masked ? mask.data() : nullptr, 32, len);
  // The same weights (same seed), switched from float32 to the mode.
  auto other = CreateRandomImageTextNetwork(config, config_path, 1);
  if (!other.ok()) return other.status();
  if (!(*other)->UsePrecision(options.precision, &tuner)) {
    j[mode] = "unavailable on this CPU";
    return j;
  }
  current = other->get();
  j["backend_" + mode] = current->backends();
  j["image_per_s_b1_" + mode] = Rate(1, q, images);
  j["image_per_s_b8_" + mode] = Rate(8, q, images);
  j["image_per_s_b32_" + mode] = Rate(32, q, images);
  j["text_per_s_b1_" + mode] = Rate(1, q, texts);
  j["text_per_s_b32_" + mode] = Rate(32, q, texts);
  auto q_images = current->EncodeImages(pixels.data(), 32);
  auto q_texts = current->EncodeTexts(ids.data(), masked ? mask.data() : nullptr, 32, len);
  const int64_t dim = net.embed_dim();
  if (f32_images.ok() && q_images.ok())
    j[mode + "_cosine_image_min"] =
        ops::WorstRowCosine(f32_images->data(), q_images->data(), 32, dim);
  if (f32_texts.ok() && q_texts.ok())
    j[mode + "_cosine_text_min"] = ops::WorstRowCosine(f32_texts->data(), q_texts->data(), 32, dim);
  return j;
}

Result<nlohmann::json> MeasureOneLoad(const std::filesystem::path& dir,
                                      const std::filesystem::path& pack_cache_dir,
                                      const std::filesystem::path& tuning_file) {
  auto since = [](std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  PackCacheStats stats;
  LoadOptions o;
  if (!pack_cache_dir.empty()) o = {pack_cache_dir, &stats};
  o.tuning_file = tuning_file;
  o.auto_precision = !tuning_file.empty();
  auto t0 = std::chrono::steady_clock::now();
  auto m = LoadImageTextNetwork(dir, o);
  if (!m.ok()) return m.status();
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  nlohmann::json j = {{"s", since(t0)},
                      {"peak_rss_mb", static_cast<double>(ru.ru_maxrss) / 1024.0},
                      {"cache_hits", stats.hits},
                      {"precision", (*m)->precision()}};
  const int64_t s = (*m)->image_size();
  std::vector<float> pixels(static_cast<size_t>(3 * s * s), 0.1f);
  t0 = std::chrono::steady_clock::now();
  (void)(*m)->EncodeImages(pixels.data(), 1);
  j["first_image_s"] = since(t0);
  t0 = std::chrono::steady_clock::now();
  (void)(*m)->EncodeImages(pixels.data(), 1);
  j["second_image_s"] = since(t0);
  return j;
}

}  // namespace shoebox::engine
