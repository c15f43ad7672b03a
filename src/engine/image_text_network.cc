#include "engine/image_text_network.h"

#include <algorithm>
#include <cmath>

#include "base/file_io.h"
#include "engine/model_config.h"
#include "engine/model_family.h"
#include "engine/weights/torch_checkpoint.h"

namespace shoebox::engine {

Result<std::unique_ptr<ImageTextNetwork>> LoadImageTextNetwork(const std::filesystem::path& dir,
                                                               const LoadOptions& options) {
  auto config_path = dir / "config.json";
  auto text = ReadWholeFile(config_path, 16 << 20);
  if (!text.ok())
    return Status(text.status().code(), config_path.string() + ": " + text.status().message());
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
    return NotFound(
        dir.string() +
        ": no weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin)");
  }
  if (!weights.ok()) return weights.status();
  WeightLoader loader(weights->get(), weights_path.string());
  std::unique_ptr<PackCache> cache;
  if (!options.pack_cache_dir.empty()) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(".safetensors") || name.ends_with(".bin") ||
          name == "model.safetensors.index.json")
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    cache = PackCache::Open(options.pack_cache_dir, files);
    loader.set_pack_cache(cache.get());
  }
  auto family = FindModelFamily(config->model_type, config_path.string());
  if (!family.ok()) return family.status();
  auto model = (*family)->load_towers(*config, loader);
  // Only a complete load is worth keeping; failing to keep it costs only time next load.
  if (model.ok() && cache) (void)cache->Save();
  if (model.ok() && options.pack_cache_stats && cache)
    *options.pack_cache_stats = {cache->hits(), cache->misses(), cache->path()};
  if (model.ok() && !options.tuning_file.empty()) {
    ops::ProductTuner tuner(options.tuning_file);
    if (!(*model)->UsePrecision(options.precision, &tuner))
      (void)(*model)->UsePrecision(ops::Precision::kFloat32, &tuner);
    (void)tuner.Save();  // failing to keep the choices costs only time next load
  } else if (model.ok() && options.precision != ops::Precision::kFloat32) {
    (void)(*model)->UsePrecision(options.precision, nullptr);
  }
  return model;
}

Result<std::unique_ptr<ImageTextNetwork>> CreateRandomImageTextNetwork(
    const std::string& config_json, const std::string& label, uint64_t seed) {
  auto config = ParseImageTextConfig(config_json, label);
  if (!config.ok()) return config.status();
  auto family = FindModelFamily(config->model_type, label);
  if (!family.ok()) return family.status();
  WeightLoader loader(nullptr, label + " (random weights)", seed);
  return (*family)->load_towers(*config, loader);
}

Status WriteRandomCheckpoint(const std::string& config_json, const std::filesystem::path& dir,
                             uint64_t seed) {
  auto config = ParseImageTextConfig(config_json, "config");
  if (!config.ok()) return config.status();
  auto family = FindModelFamily(config->model_type, "config");
  if (!family.ok()) return family.status();
  WeightLoader loader(nullptr, "random", seed);
  std::vector<WeightLoader::Drawn> drawn;
  loader.set_record(&drawn);
  auto model = (*family)->load_towers(*config, loader);
  if (!model.ok()) return model.status();
  // safetensors: 8-byte header length, JSON header, then the data, in the order drawn.
  std::string header = "{";
  uint64_t offset = 0;
  for (const auto& d : drawn) {
    std::string shape;
    for (int64_t x : d.shape) shape += (shape.empty() ? "" : ",") + std::to_string(x);
    const uint64_t bytes = d.values.size() * sizeof(float);
    header += (header.size() > 1 ? "," : "") + std::string("\"") + d.name +
              "\":{\"dtype\":\"F32\",\"shape\":[" + shape + "],\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  SHOEBOX_RETURN_IF_ERROR(WriteFileAtomic(dir / "config.json",
                                          reinterpret_cast<const uint8_t*>(config_json.data()),
                                          config_json.size()));
  std::string out(8, '\0');
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  out += header;
  out.reserve(out.size() + offset);
  for (const auto& d : drawn)
    out.append(reinterpret_cast<const char*>(d.values.data()), d.values.size() * sizeof(float));
  return WriteFileAtomic(dir / "model.safetensors", reinterpret_cast<const uint8_t*>(out.data()),
                         out.size());
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

}  // namespace shoebox::engine
