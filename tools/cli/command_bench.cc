// `shoebox bench embed|load|search`: embeddings per second of an architecture (random weights,
// engine/embed_benchmark.h); load and search are in their own files.
#include <cstdio>

#include "engine/embed_benchmark.h"
#include "tools/cli/cli_common.h"

namespace shoebox::cli {

void RegisterBench(CLI::App& app, GlobalOptions& g, int& exit_code) {
  struct Args {
    std::string config;
    int threads = 0;
    double seconds = 3;
    bool json = false;
    bool int8 = false;
    std::string precision;
  };
  auto args = std::make_shared<Args>();
  CLI::App* bench = app.add_subcommand("bench", "Measure hot paths");
  RegisterBenchSearch(bench, g, exit_code);
  RegisterBenchLoad(bench, g, exit_code);
  CLI::App* cmd = bench->add_subcommand(
      "embed",
      "Embeddings per second for a model architecture (random weights in the config's shapes)");
  bench->require_subcommand(1);
  cmd->add_option("--config", args->config, "A model's config.json")->required();
  cmd->add_option("--threads", args->threads, "Compute threads (default: one per core)");
  cmd->add_option("--seconds", args->seconds, "Seconds per measurement")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_option("--precision", args->precision,
                  "Then the same in this mode (*_MODE figures), with its worst cosine to float32 "
                  "over 32 images and 32 texts")
      ->check(CLI::IsMember({"float32", "fp32", "bf16", "int8"}));
  cmd->add_flag("--int8", args->int8, "The same as --precision int8");
  cmd->callback([&exit_code, args] {
    ops::Precision precision = ops::Precision::kFloat32;
    if (args->int8) precision = ops::Precision::kInt8;
    if (!args->precision.empty()) (void)ops::ParsePrecision(args->precision, &precision);
    auto result = engine::RunEmbedBenchmark(
        args->config, {.threads = args->threads, .seconds = args->seconds, .precision = precision});
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
