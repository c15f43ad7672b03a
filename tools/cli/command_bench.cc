#include <chrono>
#include <cstdio>
#include <random>

#include "base/file_io.h"
#include "model/image_text_model.h"
#include "model/tensor/compute_pool.h"
#include "model/tensor/gemm.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {
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

void RegisterBench(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string config;
    int threads = 0;
    double seconds = 3;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* bench = app.add_subcommand("bench", "Measure hot paths");
  RegisterBenchSearch(bench, g, exit_code);
  CLI::App* cmd = bench->add_subcommand(
      "embed", "Embeddings per second for a model architecture (random weights in the config's shapes)");
  bench->require_subcommand(1);
  cmd->add_option("--config", args->config, "A model's config.json")->required();
  cmd->add_option("--threads", args->threads, "Compute threads (default: one per core)");
  cmd->add_option("--seconds", args->seconds, "Seconds per measurement")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([&exit_code, args] {
    auto text = ReadWholeFile(args->config, 16 << 20);
    if (!text.ok()) {
      exit_code = Fail(Status(text.status().code(), args->config + ": " + text.status().message()));
      return;
    }
    ops::ComputePool::Get().SetThreads(args->threads);
    auto m = model::CreateRandomImageTextModel(std::string(text->begin(), text->end()), args->config, 1);
    if (!m.ok()) {
      exit_code = Fail(m.status());
      return;
    }
    model::ImageTextModel& net = **m;
    const int64_t s = net.image_size(), len = net.text_length();
    std::vector<float> pixels(static_cast<size_t>(32 * 3 * s * s));
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0, 1);
    for (auto& p : pixels) p = normal(rng);
    // Token ids: a short caption at the start, EOS, padding, like real queries.
    std::vector<int64_t> ids(static_cast<size_t>(32 * len), net.family() == "clip" ? 49407 : 1);
    std::vector<int64_t> mask(ids.size(), 0);
    for (int b = 0; b < 32; ++b)
      for (int i = 0; i < 10; ++i) {
        ids[static_cast<size_t>(b * len + i)] = 100 + (b * 7 + i) % 900;
        mask[static_cast<size_t>(b * len + i)] = 1;
      }
    for (int b = 0; b < 32; ++b) mask[static_cast<size_t>(b * len + 10)] = 1;
    const bool clip = net.family() == "clip";
    auto images = [&](int n) { (void)net.EncodeImages(pixels.data(), n); };
    auto texts = [&](int n) { (void)net.EncodeTexts(ids.data(), clip ? mask.data() : nullptr, n, len); };
    double q = args->seconds;
    nlohmann::json j = {{"config", args->config},
                        {"family", net.family()},
                        {"threads", ops::ComputePool::Get().threads()},
                        {"kernel", ops::ActiveKernel()},
                        {"image_per_s_b1", Rate(1, q, images)},
                        {"image_per_s_b8", Rate(8, q, images)},
                        {"image_per_s_b32", Rate(32, q, images)},
                        {"text_per_s_b1", Rate(1, q, texts)},
                        {"text_per_s_b32", Rate(32, q, texts)}};
    if (args->json) {
      std::printf("%s\n", Dump(j).c_str());
    } else {
      for (auto& [k, v] : j.items()) std::printf("%-16s %s\n", k.c_str(), Dump(v).c_str());
    }
  });
}

}  // namespace shoebox::cli
