// The whole model as people use it: a photo or a sentence in, an L2-normalised embedding out.
//
//   auto m = shoebox::EmbeddingModel::Load("path/to/clip-vit-base-patch32");
//   auto v = (*m)->EmbedImage("cat.jpg");          // Result<std::vector<float>>
//   auto t = (*m)->EmbedText("a photo of a cat");
//
// A model folder is a Hugging Face snapshot: config.json, model.safetensors,
// preprocessor_config.json and the tokenizer files (vocab.json + merges.txt for CLIP,
// spiece.model for SigLIP). Photos are decoded with libvips and turned upright by their EXIF
// orientation before the reference preprocessing (a deliberate difference from the
// reference processors, which ignore orientation).
// Thread-safety: any thread may call; the network runs one call at a time (see the class).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/image_text_network.h"
#include "engine/model_family.h"
#include "imaging/model_input.h"

namespace shoebox {

// How a model is loaded: options, not environment variables (the CLI reads --precision and
// $SHOEBOX_PRECISION and passes them on).
struct ModelLoadOptions {
  // The layers' number format (engine/image_text_network.h: UsePrecision). bf16 and int8 are
  // faster at cosine >= 0.999 to float32, so their vectors share the catalog with float32
  // ones (same fingerprint). Where the CPU cannot run it the model stays float32.
  ops::Precision precision = ops::Precision::kFloat32;
  // Instead: the fastest mode within cosine 0.999 of float32, measured at the model's first
  // load on this machine and kept (engine::LoadOptions::auto_precision).
  bool auto_precision = false;
};

// The network runs one call at a time (a query service and a watcher in one process share one
// model instead of holding two copies of its weights); preparing inputs runs beside it.
class EmbeddingModel {
 public:
  // name_or_dir: a model folder, a short name ("clip-vit-b32") or a Hub repo id, the
  // latter two looked up in the model cache (see engine/hub/model_store.h).
  static Result<std::unique_ptr<EmbeddingModel>> Load(const std::string& name_or_dir,
                                                      const ModelLoadOptions& options = {});
  // As Load, but one instance per (name_or_dir, options) in this process while anyone holds
  // it: a query service and a watcher asking for the same model share its weights (a
  // ViT-B/32 is 600 MB of them). A second caller waits for the first one's load.
  static Result<std::shared_ptr<EmbeddingModel>> LoadShared(const std::string& name_or_dir,
                                                            const ModelLoadOptions& options = {});
  // The architecture config.json describes with random weights, and the tokenizer of
  // tokenizer_dir: for benchmarks of everything around the network. Its fingerprint is
  // "random:" + label.
  static Result<std::unique_ptr<EmbeddingModel>> CreateRandom(
      const std::string& config_json, const std::filesystem::path& tokenizer_dir,
      const std::string& label, const ModelLoadOptions& options = {});

  Result<std::vector<float>> EmbedImage(const std::filesystem::path& photo);
  Result<std::vector<float>> EmbedImageBytes(const uint8_t* data, size_t size,
                                             std::string_view name = {});
  Result<std::vector<float>> EmbedText(const std::string& text);
  // Batches: one Result per input, in order; a bad photo does not fail the others.
  std::vector<Result<std::vector<float>>> EmbedImages(
      const std::vector<std::filesystem::path>& photos);
  Result<std::vector<std::vector<float>>> EmbedTexts(const std::vector<std::string>& texts);

  // Decode + preprocess only, without touching the network: safe to call from several
  // threads while another embeds, so a pipeline can prepare the next batch meanwhile.
  // The decode is DecodeForModel's (imaging/model_input.h): reduced where the format allows.
  struct Prepared {
    std::vector<float> pixels;  // [3, image_size, image_size]
    std::string source;         // "photo" or "preview" (a HEIF's or RAW's embedded image)
  };
  Result<Prepared> PreparePhoto(const std::filesystem::path& photo) const;
  // name: the file's name, if known (tells RAW files from TIFFs).
  Result<Prepared> PrepareBytes(const uint8_t* data, size_t size, std::string_view name = {}) const;
  // What the network's input is made from; the indexer prepares it while making thumbnails.
  const PreprocessConfig& preprocess() const { return preprocess_; }
  // Embeds n prepared inputs laid end to end; returns [n, dim], rows L2-normalised.
  Result<std::vector<float>> EmbedPrepared(const float* pixels, int64_t n);
  // When the model is shared with interactive queries: image batches run at most this many
  // images per turn of the network, so a text query waits for one turn, not a whole batch
  // (0: whole batches, for indexing alone).
  void set_turn_images(int64_t n) { turn_images_ = n; }
  int64_t prepared_floats() const { return 3 * net_->image_size() * net_->image_size(); }

  // Identity of the model's files (config, preprocessing, weight names and sizes): vectors
  // are comparable only between models with the same fingerprint.
  const std::string& fingerprint() const { return fingerprint_; }
  // Human name: the Hub repo or the folder's name.
  const std::string& label() const { return label_; }
  const std::filesystem::path& dir() const { return dir_; }
  // Bumped whenever our decode/preprocessing changes the pixels a model sees.
  // 2: photos decoded at reduced size (JPEG DCT scaling, HEIF/RAW embedded previews).
  static constexpr int kPreprocessVersion = 2;

  int64_t dim() const { return net_->embed_dim(); }
  std::string precision() const { return net_->precision(); }  // "float32", "bf16", "int8"
  // Which backend runs how many layer products per tower (ImageTextNetwork::backends).
  std::map<std::string, std::map<std::string, int>> backends() const { return net_->backends(); }
  const std::string& family() const { return family_; }
  // A text-image score's calibrated "this text matches" probability, when the family has one
  // (SigLIP); nullopt otherwise (model_family.h).
  std::optional<double> MatchProbability(float score) const {
    return family_row_->probability(score, *net_);
  }
  engine::ImageTextNetwork& network() { return *net_; }

 private:
  EmbeddingModel() = default;
  Status LoadFamily(const std::filesystem::path& tokenizer_dir);  // of net_: row and tokenizer
  std::string family_, fingerprint_, label_;
  const engine::ModelFamily* family_row_ = nullptr;
  std::filesystem::path dir_;
  std::unique_ptr<engine::ImageTextNetwork> net_;
  PreprocessConfig preprocess_;
  std::unique_ptr<engine::TextTokenizer> tokenizer_;
  std::mutex net_mu_;  // the network and tokenizer: one call at a time
  std::atomic<int64_t> turn_images_{0};
};

}  // namespace shoebox
