#include "engine/image_text_network.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "base/file_io.h"
#include "engine/model_config.h"
#include "engine/model_family.h"
#include "engine/tensor/ops.h"
#include "engine/transformer.h"
#include "engine/weights/torch_checkpoint.h"

namespace shoebox::engine {

namespace {

Result<std::unique_ptr<ImageTextNetwork>> LoadFloat32(const std::filesystem::path& dir,
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
  return model;
}

// What `auto` compares the modes on: 8 images (smooth gradients under noise, like photos more
// than pure noise) and 8 short token sequences, the same on every machine.
struct Probe {
  std::vector<float> pixels;
  std::vector<int64_t> ids, mask;
  int64_t n = 8, len = 0;
};

Probe MakeProbe(const ImageTextNetwork& net) {
  Probe p;
  const int64_t s = net.image_size();
  p.len = net.text_length();
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0, 0.3f);
  p.pixels.resize(static_cast<size_t>(p.n * 3 * s * s));
  for (int64_t i = 0; i < p.n; ++i)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t y = 0; y < s; ++y)
        for (int64_t x = 0; x < s; ++x)
          p.pixels[((i * 3 + c) * s + y) * s + x] =
              std::sin(0.02f * static_cast<float>((i + 1) * x + (c + 1) * y)) + noise(rng);
  // Ids below the pad id (CLIP's EOS is its largest id), a few words, EOS, padding.
  const int64_t pad = net.pad_token_id(), top = std::max<int64_t>(2, std::min<int64_t>(pad, 1000));
  p.ids.assign(static_cast<size_t>(p.n * p.len), pad);
  p.mask.assign(p.ids.size(), 0);
  for (int64_t i = 0; i < p.n; ++i) {
    const int64_t words = std::min<int64_t>(p.len - 1, 3 + i);
    for (int64_t k = 0; k < words; ++k) {
      p.ids[i * p.len + k] = 1 + (i * 37 + k * 11) % (top - 1);
      p.mask[i * p.len + k] = 1;
    }
    p.mask[i * p.len + words] = 1;
  }
  return p;
}

struct ProbeRun {
  std::vector<float> images, texts;
  double seconds = 0;
};

ProbeRun RunProbe(ImageTextNetwork& net, const Probe& p) {
  ProbeRun r;
  const int64_t* mask = net.text_uses_mask() ? p.mask.data() : nullptr;
  (void)net.EncodeImages(p.pixels.data(), 1);  // warm-up: buffers sized, primitives made
  const auto t0 = std::chrono::steady_clock::now();
  auto images = net.EncodeImages(p.pixels.data(), p.n);
  auto texts = net.EncodeTexts(p.ids.data(), mask, p.n, p.len);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (images.ok()) r.images = std::move(*images);
  if (texts.ok()) r.texts = std::move(*texts);
  return r;
}

// The checkpoint's identity for the kept `auto` choice: a changed file is measured again.
std::string CheckpointKey(const std::filesystem::path& dir) {
  std::string key = "auto " + dir.string();
  std::error_code ec;
  for (const char* f : {"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"}) {
    const auto path = dir / f;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) continue;
    const auto mtime = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    key += " " + std::string(f) + ":" + std::to_string(size) + ":" + std::to_string(mtime);
  }
  return key;
}

// The fastest faithful mode (LoadOptions::auto_precision), its model switched to it. One
// load: each mode is tried on a copy sharing the loaded float32 matrices.
Result<std::unique_ptr<ImageTextNetwork>> LoadAuto(const std::filesystem::path& dir,
                                                   const LoadOptions& options,
                                                   ops::ProductTuner* tuner) {
  auto loaded = LoadFloat32(dir, options);
  if (!loaded.ok()) return loaded;
  std::unique_ptr<ImageTextNetwork> source = std::move(*loaded);
  const std::string key = CheckpointKey(dir);
  ops::Precision kept = ops::Precision::kFloat32;
  if (ops::ParsePrecision(tuner->Kept(key), &kept) && source->UsePrecision(kept, tuner))
    return source;
  // float32 on its fastest backends: the reference the others must stay close to.
  std::unique_ptr<ImageTextNetwork> best = source->Clone();
  (void)best->UsePrecision(ops::Precision::kFloat32, tuner);
  const Probe probe = MakeProbe(*best);
  const ProbeRun reference = RunProbe(*best, probe);
  ops::Precision best_precision = ops::Precision::kFloat32;
  double best_s = reference.seconds;
  const int64_t dim = best->embed_dim();
  for (ops::Precision p : {ops::Precision::kBf16, ops::Precision::kInt8}) {
    if (!CanRunPrecision(p) || reference.images.empty() || reference.texts.empty()) continue;
    std::unique_ptr<ImageTextNetwork> candidate = source->Clone();
    if (!candidate->UsePrecision(p, tuner)) continue;
    const ProbeRun run = RunProbe(*candidate, probe);
    if (run.images.size() != reference.images.size() || run.texts.size() != reference.texts.size())
      continue;
    const double cosine =
        std::min(ops::WorstRowCosine(reference.images.data(), run.images.data(), probe.n, dim),
                 ops::WorstRowCosine(reference.texts.data(), run.texts.data(), probe.n, dim));
    if (cosine >= 0.999 && run.seconds < best_s) {
      best_precision = p;
      best_s = run.seconds;
      best = std::move(candidate);
    }
  }
  tuner->Keep(key, ops::PrecisionName(best_precision));
  return best;
}

}  // namespace

Result<std::unique_ptr<ImageTextNetwork>> LoadImageTextNetwork(const std::filesystem::path& dir,
                                                               const LoadOptions& options) {
  if (options.tuning_file.empty() && !options.auto_precision) {
    auto model = LoadFloat32(dir, options);
    if (model.ok() && options.precision != ops::Precision::kFloat32)
      (void)(*model)->UsePrecision(options.precision, nullptr);
    return model;
  }
  ops::ProductTuner tuner(options.tuning_file);
  Result<std::unique_ptr<ImageTextNetwork>> model = NotFound("");
  if (options.auto_precision) {
    model = LoadAuto(dir, options, &tuner);
  } else {
    model = LoadFloat32(dir, options);
    if (model.ok() && !(*model)->UsePrecision(options.precision, &tuner))
      (void)(*model)->UsePrecision(ops::Precision::kFloat32, &tuner);
  }
  (void)tuner.Save();  // failing to keep the choices costs only time next load
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
