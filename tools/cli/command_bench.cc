#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "base/file_io.h"
#include "model/embed_benchmark.h"
#include "model/image_text_model.h"
#include "model/tensor/compute_pool.h"
#include "model/tensor/gemm.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {
namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double PeakRssMb() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// `bench load`: a real-sized checkpoint of the config's architecture (random float32 weights)
// loaded without the packed-weights cache, then with it (first: packs and writes the cache;
// then: maps it), each in a fresh process (a process that has freed memory reuses its pages,
// which hides the page faults a real first load pays), each followed by one image through the
// network, which pays whatever faults the load left behind.
void RegisterBenchLoad(CLI::App* bench, int& exit_code) {
  struct Args {
    std::string config, checkpoint, mode;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      bench->add_subcommand("load", "Model load time, with and without the packed-weights cache");
  cmd->add_option("--config", args->config, "A model's config.json")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_option("--checkpoint", args->checkpoint)
      ->group("");  // internal: one load, in this process
  cmd->add_option("--mode", args->mode)->group("");
  cmd->callback([&exit_code, args] {
    if (!args->checkpoint.empty()) {  // the child: one load, one JSON line
      const std::filesystem::path dir = args->checkpoint;
      model::PackCacheStats stats;
      model::LoadOptions o;
      if (args->mode != "no-cache") o = {dir.parent_path() / "packed", &stats};
      auto t0 = std::chrono::steady_clock::now();
      auto m = model::LoadImageTextModel(dir, o);
      if (!m.ok()) {
        exit_code = Fail(m.status());
        return;
      }
      nlohmann::json j = {
          {"s", Since(t0)}, {"peak_rss_mb", PeakRssMb()}, {"cache_hits", stats.hits}};
      const int64_t s = (*m)->image_size();
      std::vector<float> pixels(static_cast<size_t>(3 * s * s), 0.1f);
      t0 = std::chrono::steady_clock::now();
      (void)(*m)->EncodeImages(pixels.data(), 1);
      j["first_image_s"] = Since(t0);
      t0 = std::chrono::steady_clock::now();
      (void)(*m)->EncodeImages(pixels.data(), 1);
      j["second_image_s"] = Since(t0);
      std::printf("%s\n", Dump(j).c_str());
      return;
    }
    auto text = ReadWholeFile(args->config, 16 << 20);
    if (!text.ok()) {
      exit_code = Fail(Status(text.status().code(), args->config + ": " + text.status().message()));
      return;
    }
    const auto tmp = std::filesystem::temp_directory_path() /
                     ("shoebox-bench-load-" + std::to_string(::getpid()));
    Status st =
        model::WriteRandomCheckpoint(std::string(text->begin(), text->end()), tmp / "model", 1);
    if (!st.ok()) {
      exit_code = Fail(st);
      return;
    }
    nlohmann::json j = {
        {"config", args->config},
        {"checkpoint_mb",
         static_cast<double>(std::filesystem::file_size(tmp / "model/model.safetensors")) /
             (1 << 20)}};
    for (const char* mode : {"no-cache", "packing-into-cache", "from-cache"}) {
      std::error_code self_ec;
      const std::string self = std::filesystem::read_symlink("/proc/self/exe", self_ec).string();
      const std::string command = "'" + self + "' bench load --config '" + args->config +
                                  "' --checkpoint '" + (tmp / "model").string() + "' --mode " +
                                  mode;
      std::FILE* child = ::popen(command.c_str(), "r");
      std::string out;
      char buf[4096];
      while (child && std::fgets(buf, sizeof buf, child)) out += buf;
      if (!child || ::pclose(child) != 0 || !nlohmann::json::accept(out)) {
        exit_code = Fail(Internal(std::string("the ") + mode + " load failed: " + out));
        return;
      }
      j[mode] = nlohmann::json::parse(out);
    }
    std::error_code ec;
    j["cache_mb"] = 0;
    for (const auto& e : std::filesystem::directory_iterator(tmp / "packed", ec))
      j["cache_mb"] = static_cast<double>(e.file_size()) / (1 << 20);
    std::filesystem::remove_all(tmp, ec);
    if (args->json) {
      std::printf("%s\n", Dump(j).c_str());
    } else {
      for (auto& [k, v] : j.items()) std::printf("%-20s %s\n", k.c_str(), Dump(v).c_str());
    }
  });
}

}  // namespace

void RegisterBench(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string config;
    int threads = 0;
    double seconds = 3;
    bool json = false;
    bool int8 = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* bench = app.add_subcommand("bench", "Measure hot paths");
  RegisterBenchSearch(bench, g, exit_code);
  RegisterBenchLoad(bench, exit_code);
  CLI::App* cmd = bench->add_subcommand(
      "embed",
      "Embeddings per second for a model architecture (random weights in the config's shapes)");
  bench->require_subcommand(1);
  cmd->add_option("--config", args->config, "A model's config.json")->required();
  cmd->add_option("--threads", args->threads, "Compute threads (default: one per core)");
  cmd->add_option("--seconds", args->seconds, "Seconds per measurement")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag(
      "--int8", args->int8,
      "Then the same in the int8 mode (*_int8 figures), with its worst cosine to float32 over 32 "
      "images and 32 texts");
  cmd->callback([&exit_code, args] {
    auto result = model::RunEmbedBenchmark(
        args->config, {.threads = args->threads, .seconds = args->seconds, .int8 = args->int8});
    if (!result.ok()) {
      exit_code = Fail(result.status());
      return;
    }
    const nlohmann::json& j = *result;
    if (args->json) {
      std::printf("%s\n", Dump(j).c_str());
    } else {
      for (auto& [k, v] : j.items()) std::printf("%-16s %s\n", k.c_str(), Dump(v).c_str());
    }
  });
}

}  // namespace shoebox::cli
