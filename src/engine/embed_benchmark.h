// Embeddings per second for a model architecture, with random weights in the shapes its
// config.json gives (no checkpoint needed): what `shoebox bench embed` and the bench/embed
// binary print, and what bench/embed.sh sets beside PyTorch and ONNX Runtime.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "engine/tensor/product_tuner.h"

namespace shoebox::engine {

struct EmbedBenchmarkOptions {
  int threads = 0;     // compute threads; 0 = one per core
  double seconds = 3;  // per measurement (after one warm-up call)
  // Then the same in this precision, and its worst cosine to float32 (float32: nothing more).
  ops::Precision precision = ops::Precision::kFloat32;
};

// One JSON object: config, family, threads, kernel (our float32 kernel), onednn (version and
// ISA), tuning_s (timing every product shape, as a first load does), backend_float32 (which
// backend runs how many layer products per tower), image_per_s_b1/_b8/_b32,
// text_per_s_b1/_b32 in float32, each product on the backend measured fastest. With a
// precision MODE besides float32 also the same figures suffixed _MODE, backend_MODE, and
// MODE_cosine_image_min/_text_min over 32 images and 32 texts (or "MODE": "unavailable on
// this CPU").
Result<nlohmann::json> RunEmbedBenchmark(const std::string& config_path,
                                         const EmbedBenchmarkOptions& options);

// One load of the checkpoint in dir (with the packed-weights cache in pack_cache_dir, or none
// when empty; with tuning_file, in precision auto keeping its choices there), then two
// images: {"s", "peak_rss_mb", "cache_hits", "first_image_s", "second_image_s",
// "precision"}. `shoebox bench load` runs it in a fresh process per mode.
Result<nlohmann::json> MeasureOneLoad(const std::filesystem::path& dir,
                                      const std::filesystem::path& pack_cache_dir,
                                      const std::filesystem::path& tuning_file = {});

}  // namespace shoebox::engine
