// bench/embed: embeddings per second of a model architecture, random weights in the shapes
// of its config.json, one JSON object (engine/embed_benchmark.h; also `shoebox bench embed`).
// usage: embed --config CONFIG.json [--threads N] [--seconds S] [--precision bf16|int8]
#include <CLI/CLI.hpp>
#include <cstdio>

#include "engine/embed_benchmark.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Embeddings per second for a model architecture (random weights in the config's shapes)"};
  std::string config;
  shoebox::engine::EmbedBenchmarkOptions options;
  app.add_option("--config", config, "A model's config.json")->required();
  app.add_option("--threads", options.threads, "Compute threads (default: one per core)");
  app.add_option("--seconds", options.seconds, "Seconds per measurement")->capture_default_str();
  std::string precision;
  app.add_option("--precision", precision, "Also this mode, with its worst cosine to float32")
      ->check(CLI::IsMember({"float32", "fp32", "bf16", "int8"}));
  bool int8 = false;
  app.add_flag("--int8", int8, "The same as --precision int8");
  CLI11_PARSE(app, argc, argv);
  if (int8) options.precision = shoebox::ops::Precision::kInt8;
  if (!precision.empty()) (void)shoebox::ops::ParsePrecision(precision, &options.precision);
  auto result = shoebox::engine::RunEmbedBenchmark(config, options);
  if (!result.ok()) {
    std::fprintf(stderr, "embed: %s\n", result.status().message().c_str());
    return 1;
  }
  std::printf("%s\n", result->dump().c_str());
  return 0;
}
