// The whole model as people use it: a photo or a sentence in, an L2-normalised embedding out.
//
//   auto m = shoebox::Model::Load("path/to/clip-vit-base-patch32");
//   auto v = (*m)->EmbedImage("cat.jpg");          // Result<std::vector<float>>
//   auto t = (*m)->EmbedText("a photo of a cat");
//
// A model folder is a Hugging Face snapshot: config.json, model.safetensors,
// preprocessor_config.json and the tokenizer files (vocab.json + merges.txt for CLIP,
// spiece.model for SigLIP). Photos are decoded with libvips and turned upright by their EXIF
// orientation before the reference preprocessing (a deliberate difference from the
// reference processors, which ignore orientation).
// Thread-safety: one call at a time per Model.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "imaging/model_input.h"
#include "model/image_text_model.h"
#include "model/tokenizer/clip_tokenizer.h"
#include "model/tokenizer/siglip_tokenizer.h"

namespace shoebox {

class Model {
 public:
  // name_or_dir: a model folder, a short name ("clip-vit-b32") or a Hub repo id, the
  // latter two looked up in the model cache (see model/hub/model_store.h).
  static Result<std::unique_ptr<Model>> Load(const std::string& name_or_dir);

  Result<std::vector<float>> EmbedImage(const std::filesystem::path& photo);
  Result<std::vector<float>> EmbedImageBytes(const uint8_t* data, size_t size);
  Result<std::vector<float>> EmbedText(const std::string& text);
  // Batches: one Result per input, in order; a bad photo does not fail the others.
  std::vector<Result<std::vector<float>>> EmbedImages(const std::vector<std::filesystem::path>& photos);
  Result<std::vector<std::vector<float>>> EmbedTexts(const std::vector<std::string>& texts);

  int64_t dim() const { return net_->embed_dim(); }
  const std::string& family() const { return family_; }
  model::ImageTextModel& network() { return *net_; }

 private:
  Model() = default;
  std::string family_;
  std::unique_ptr<model::ImageTextModel> net_;
  PreprocessConfig preprocess_;
  std::unique_ptr<model::ClipTokenizer> clip_tokenizer_;
  std::unique_ptr<model::SiglipTokenizer> siglip_tokenizer_;
};

}  // namespace shoebox
