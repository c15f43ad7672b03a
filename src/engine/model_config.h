// config.json of CLIP / SigLIP checkpoints, with transformers' defaults for missing keys
// (checkpoints written by save_pretrained omit every key that equals the default).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "engine/transformer.h"

namespace shoebox::engine {

struct TextTowerConfig {
  TowerConfig tower;
  int64_t vocab_size = 49408;
  int64_t max_positions = 77;
  int64_t eos_token_id = 49407;
};

struct VisionTowerConfig {
  TowerConfig tower;
  int64_t image_size = 224;
  int64_t patch_size = 32;
  int64_t num_patches() const { return (image_size / patch_size) * (image_size / patch_size); }
};

struct ImageTextConfig {
  std::string model_type;  // a row of model_family.h: "clip", "siglip"
  TextTowerConfig text;
  VisionTowerConfig vision;
  int64_t projection_dim = 512;  // CLIP only
};

// A config value, or the fallback when the key is missing or null (throws json::exception on a
// value of another type: ParseImageTextConfig turns that into kCorrupt).
template <typename T>
T ConfigOr(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

// Parses config.json text: the family's defaults (model_family.h), then what the file says.
// label names the file in errors.
Result<ImageTextConfig> ParseImageTextConfig(const std::string& json_text,
                                             const std::string& label);

}  // namespace shoebox::engine
