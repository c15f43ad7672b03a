#include "embedding/embedding_model.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "base/file_io.h"
#include "base/xdg_dirs.h"
#include "engine/hub/model_store.h"
#include "imaging/photo_analyzer.h"

namespace shoebox {

namespace {

std::string Fingerprint(const std::filesystem::path& dir) {
  std::string material = "shoebox-model-v1\n";
  for (const char* f : {"config.json", "preprocessor_config.json"}) {
    auto bytes = ReadWholeFile(dir / f, 16 << 20);
    if (bytes.ok()) material.append(bytes->begin(), bytes->end());
    material += '\n';
  }
  std::vector<std::string> weights;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".safetensors") || name.ends_with(".bin"))
      weights.push_back(name + " " + std::to_string(e.file_size(ec)));
  }
  std::sort(weights.begin(), weights.end());
  for (const auto& w : weights) material += w + "\n";
  return ContentHashHex(reinterpret_cast<const uint8_t*>(material.data()), material.size());
}

}  // namespace

Result<std::unique_ptr<EmbeddingModel>> EmbeddingModel::Load(const std::string& name_or_dir,
                                                             const ModelLoadOptions& options) {
  std::filesystem::path dir = name_or_dir;
  std::error_code ec;
  // A path ("/data/clip", "./clip", "~/m"), not a model name or an org/name Hub id: pulling it
  // would not help, so say that the folder is not there.
  const bool path_like = name_or_dir.starts_with('/') || name_or_dir.starts_with('.') ||
                         name_or_dir.starts_with('~') ||
                         std::count(name_or_dir.begin(), name_or_dir.end(), '/') > 1;
  if (path_like && !std::filesystem::is_directory(dir, ec))
    return NotFound(
        "model folder " + name_or_dir +
        (std::filesystem::exists(dir, ec) ? " is a file, not a folder" : " does not exist") +
        ": give the folder that holds the model's config.json, model.safetensors, "
        "preprocessor_config.json and tokenizer files, or a model name for "
        "`shoebox models pull` (`shoebox models list` shows them)");
  if (!std::filesystem::is_directory(dir, ec)) {
    std::string repo = ResolveRepo(name_or_dir);
    dir = ModelDir(repo);
    if (!std::filesystem::is_directory(dir, ec))
      return NotFound("model '" + name_or_dir +
                      "' is not a folder and is not downloaded: run `shoebox models pull " +
                      name_or_dir +
                      "`, or (offline) put its Hugging Face files (config.json, model.safetensors, "
                      "preprocessor_config.json and the tokenizer files) in " +
                      dir.string());
  }
  // A folder with part of a model (a half-copied download): what is missing, before reading.
  for (const char* f : {"config.json", "preprocessor_config.json"})
    if (!std::filesystem::exists(dir / f, ec))
      return NotFound("model folder " + dir.string() + " has no " + f +
                      ": a CLIP or SigLIP model needs config.json, model.safetensors, "
                      "preprocessor_config.json and its tokenizer files from the model's "
                      "Hugging Face repository (`shoebox models pull NAME` downloads them all)");
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  std::unique_ptr<EmbeddingModel> m(new EmbeddingModel());
  m->dir_ = dir;
  m->label_ = dir.filename().string();
  if (m->label_.find("--") != std::string::npos) {  // the model cache's "org--name" folders
    m->label_.replace(m->label_.find("--"), 2, "/");
  }
  m->fingerprint_ = Fingerprint(dir);
  // Packed weights are cached per checkpoint and CPU kernel: later loads map them (ms).
  engine::LoadOptions load;
  load.pack_cache_dir = CacheDir() / "packed";
  load.precision = options.precision;
  load.auto_precision = options.auto_precision;
  // Each product's backend is measured once per machine and kept (tensor/product_tuner.h).
  load.tuning_file = CacheDir() / "tuning.json";
  auto net = engine::LoadImageTextNetwork(dir, load);
  if (!net.ok()) return net.status();
  m->net_ = std::move(*net);
  m->family_ = m->net_->family();
  auto pre_text = ReadWholeFile(dir / "preprocessor_config.json", 16 << 20);
  if (!pre_text.ok())
    return Status(pre_text.status().code(),
                  (dir / "preprocessor_config.json").string() + ": " + pre_text.status().message());
  auto pre = ParsePreprocessConfig(std::string(pre_text->begin(), pre_text->end()),
                                   (dir / "preprocessor_config.json").string());
  if (!pre.ok()) return pre.status();
  m->preprocess_ = *pre;
  if (m->preprocess_.out_height() != m->net_->image_size() ||
      m->preprocess_.out_width() != m->net_->image_size())
    return Corrupt(
        dir.string() + ": preprocessor output " + std::to_string(m->preprocess_.out_width()) + "x" +
        std::to_string(m->preprocess_.out_height()) + " does not match the model's image size " +
        std::to_string(m->net_->image_size()));
  SHOEBOX_RETURN_IF_ERROR(m->LoadFamily(dir));
  return m;
}

Result<std::shared_ptr<EmbeddingModel>> EmbeddingModel::LoadShared(
    const std::string& name_or_dir, const ModelLoadOptions& options) {
  static std::mutex mu;  // held through a load: a second caller gets the first one's model
  static std::map<std::string, std::weak_ptr<EmbeddingModel>> loaded;
  std::error_code ec;
  std::string key = std::filesystem::is_directory(name_or_dir, ec)
                        ? std::filesystem::weakly_canonical(name_or_dir, ec).string()
                        : name_or_dir;
  if (ec) key = name_or_dir;
  key +=
      std::string("\n") + (options.auto_precision ? "auto" : ops::PrecisionName(options.precision));
  std::lock_guard<std::mutex> lock(mu);
  if (auto held = loaded[key].lock()) return held;
  auto m = Load(name_or_dir, options);
  if (!m.ok()) return m.status();
  // Named another way (a short name, a repo id, the folder it resolves to): the same files.
  const std::string same =
      (*m)->fingerprint() + "\n" +
      (options.auto_precision ? "auto" : ops::PrecisionName(options.precision));
  if (auto held = loaded[same].lock()) {
    loaded[key] = held;
    return held;
  }
  std::shared_ptr<EmbeddingModel> shared = std::move(*m);
  loaded[key] = shared;
  loaded[same] = shared;
  return shared;
}

Status EmbeddingModel::LoadFamily(const std::filesystem::path& dir) {
  auto row = engine::FindModelFamily(net_->family(), dir.string());
  if (!row.ok()) return row.status();
  family_row_ = *row;
  auto t = family_row_->make_tokenizer(dir);
  if (!t.ok()) return t.status();
  tokenizer_ = std::move(*t);
  return Status::Ok();
}

Result<std::unique_ptr<EmbeddingModel>> EmbeddingModel::CreateRandom(
    const std::string& config_json, const std::filesystem::path& tokenizer_dir,
    const std::string& label, const ModelLoadOptions& options) {
  SHOEBOX_RETURN_IF_ERROR(InitImaging());
  std::unique_ptr<EmbeddingModel> m(new EmbeddingModel());
  auto net = engine::CreateRandomImageTextNetwork(config_json, label, 1);
  if (!net.ok()) return net.status();
  if (options.precision != ops::Precision::kFloat32)
    (void)(*net)->UsePrecision(options.precision, nullptr);
  m->net_ = std::move(*net);
  m->family_ = m->net_->family();
  m->label_ = label;
  m->fingerprint_ = "random:" + label;
  m->dir_ = tokenizer_dir;
  // The reference processors' defaults for the model's input size (CLIP's mean and std).
  const int size = static_cast<int>(m->net_->image_size());
  auto pre = ParsePreprocessConfig(
      "{\"do_resize\": true, \"size\": {\"shortest_edge\": " + std::to_string(size) +
          "}, \"do_center_crop\": true, \"crop_size\": {\"height\": " + std::to_string(size) +
          ", \"width\": " + std::to_string(size) +
          "}, \"image_mean\": [0.4815, 0.4578, 0.4082], \"image_std\": [0.2686, 0.2613, 0.2758]}",
      label);
  if (!pre.ok()) return pre.status();
  m->preprocess_ = *pre;
  SHOEBOX_RETURN_IF_ERROR(m->LoadFamily(tokenizer_dir));
  return m;
}

Result<EmbeddingModel::Prepared> EmbeddingModel::PrepareBytes(const uint8_t* data, size_t size,
                                                              std::string_view name) const {
  auto image = DecodeForModel(data, size, preprocess_, name);
  if (!image.ok()) return image.status();
  return Prepared{Preprocess(image->rgb, preprocess_), image->source};
}

Result<EmbeddingModel::Prepared> EmbeddingModel::PreparePhoto(
    const std::filesystem::path& photo) const {
  auto bytes = ReadWholeFile(photo, uint64_t{2} << 30);
  if (!bytes.ok())
    return Status(bytes.status().code(), photo.string() + ": " + bytes.status().message());
  auto pixels = PrepareBytes(bytes->data(), bytes->size(), photo.filename().string());
  if (!pixels.ok())
    return Status(pixels.status().code(), photo.string() + ": " + pixels.status().message());
  return pixels;
}

Result<std::vector<float>> EmbeddingModel::EmbedPrepared(const float* pixels, int64_t n) {
  const int64_t turn = turn_images_.load();
  if (turn > 0 && n > turn) {  // shared: one turn at a time, so a query waits for one only
    std::vector<float> out;
    out.reserve(static_cast<size_t>(n * dim()));
    for (int64_t i = 0; i < n; i += turn) {
      auto part = EmbedPrepared(pixels + i * prepared_floats(), std::min(turn, n - i));
      if (!part.ok()) return part.status();
      out.insert(out.end(), part->begin(), part->end());
    }
    return out;
  }
  std::lock_guard<std::mutex> lock(net_mu_);
  auto e = net_->EncodeImages(pixels, n);
  if (!e.ok()) return e.status();
  engine::NormalizeRows(e->data(), n, dim());
  return e;
}

Result<std::vector<float>> EmbeddingModel::EmbedImageBytes(const uint8_t* data, size_t size,
                                                           std::string_view name) {
  auto prepared = PrepareBytes(data, size, name);
  if (!prepared.ok()) return prepared.status();
  return EmbedPrepared(prepared->pixels.data(), 1);
}

Result<std::vector<float>> EmbeddingModel::EmbedImage(const std::filesystem::path& photo) {
  auto bytes = ReadWholeFile(photo, uint64_t{2} << 30);
  if (!bytes.ok())
    return Status(bytes.status().code(), photo.string() + ": " + bytes.status().message());
  auto e = EmbedImageBytes(bytes->data(), bytes->size(), photo.filename().string());
  if (!e.ok()) return Status(e.status().code(), photo.string() + ": " + e.status().message());
  return e;
}

std::vector<Result<std::vector<float>>> EmbeddingModel::EmbedImages(
    const std::vector<std::filesystem::path>& photos) {
  std::vector<Result<std::vector<float>>> out;
  for (const auto& p : photos) out.push_back(EmbedImage(p));
  return out;
}

Result<std::vector<std::vector<float>>> EmbeddingModel::EmbedTexts(
    const std::vector<std::string>& texts) {
  const int64_t len = net_->text_length(), n = static_cast<int64_t>(texts.size());
  std::lock_guard<std::mutex> lock(net_mu_);
  std::vector<int64_t> ids, mask;
  for (const auto& t : texts) tokenizer_->Encode(t, len, &ids, &mask);
  auto emb = net_->EncodeTexts(ids.data(), mask.empty() ? nullptr : mask.data(), n, len);
  if (!emb.ok()) return emb.status();
  engine::NormalizeRows(emb->data(), n, dim());
  std::vector<std::vector<float>> out;
  for (int64_t i = 0; i < n; ++i)
    out.emplace_back(emb->begin() + i * dim(), emb->begin() + (i + 1) * dim());
  return out;
}

Result<std::vector<float>> EmbeddingModel::EmbedText(const std::string& text) {
  auto all = EmbedTexts({text});
  if (!all.ok()) return all.status();
  return std::move((*all)[0]);
}

}  // namespace shoebox
