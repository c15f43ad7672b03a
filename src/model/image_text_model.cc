#include "model/image_text_model.h"

#include <cmath>

#include "base/file_io.h"
#include "model/clip/clip_model.h"
#include "model/model_config.h"
#include "model/siglip/siglip_model.h"
#include "model/weights/torch_checkpoint.h"

namespace shoebox::model {

Result<std::unique_ptr<ImageTextModel>> LoadImageTextModel(const std::filesystem::path& dir) {
  auto config_path = dir / "config.json";
  auto text = ReadWholeFile(config_path, 16 << 20);
  if (!text.ok()) return Status(text.status().code(), config_path.string() + ": " + text.status().message());
  auto config = ParseImageTextConfig(std::string(text->begin(), text->end()), config_path.string());
  if (!config.ok()) return config.status();
  // Weights as the Hub publishes them: one safetensors file, shards + index, or PyTorch's .bin.
  std::filesystem::path weights_path = dir / "model.safetensors";
  Result<std::unique_ptr<SafetensorsFile>> weights = NotFound("");
  if (std::filesystem::exists(weights_path)) {
    weights = SafetensorsFile::Open(weights_path);
  } else if (std::filesystem::exists(dir / "model.safetensors.index.json")) {
    weights_path = dir / "model.safetensors.index.json";
    weights = SafetensorsFile::OpenSharded(weights_path);
  } else if (std::filesystem::exists(dir / "pytorch_model.bin")) {
    weights_path = dir / "pytorch_model.bin";
    weights = OpenTorchCheckpoint(weights_path);
  } else {
    return NotFound(dir.string() + ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin)");
  }
  if (!weights.ok()) return weights.status();
  // The one registry of families.
  WeightLoader loader(weights->get(), weights_path.string());
  if (config->model_type == "clip") return LoadClip(*config, loader);
  return LoadSiglip(*config, loader);
}

Result<std::unique_ptr<ImageTextModel>> CreateRandomImageTextModel(const std::string& config_json,
                                                                  const std::string& label, uint64_t seed) {
  auto config = ParseImageTextConfig(config_json, label);
  if (!config.ok()) return config.status();
  WeightLoader loader(nullptr, label + " (random weights)", seed);
  if (config->model_type == "clip") return LoadClip(*config, loader);
  return LoadSiglip(*config, loader);
}

void NormalizeRows(float* x, int64_t n, int64_t dim) {
  for (int64_t r = 0; r < n; ++r) {
    float* row = x + r * dim;
    double ss = 0;
    for (int64_t i = 0; i < dim; ++i) ss += static_cast<double>(row[i]) * row[i];
    float inv = ss > 0 ? static_cast<float>(1.0 / std::sqrt(ss)) : 0.0f;
    for (int64_t i = 0; i < dim; ++i) row[i] *= inv;
  }
}

}  // namespace shoebox::model
