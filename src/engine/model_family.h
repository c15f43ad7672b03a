// The one table of model families (llama.cpp's architecture table, in small): everything that
// differs between CLIP and SigLIP outside their towers' own arithmetic. To add a family, add a
// row in model_family.cc; docs/adding-a-model.md lists what each field needs.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/image_text_network.h"
#include "engine/model_config.h"
#include "engine/transformer.h"

namespace shoebox::engine {

// A family's tokenizer as its text tower reads it.
class TextTokenizer {
 public:
  virtual ~TextTokenizer() = default;
  // Appends one text's len ids (padded or cut as the family's processor does) to *ids, and
  // len attention-mask values to *mask when the tower takes a mask (uses_mask()).
  virtual void Encode(const std::string& text, int64_t len, std::vector<int64_t>* ids,
                      std::vector<int64_t>* mask) const = 0;
  virtual bool uses_mask() const = 0;
};

struct ModelFamily {
  std::string_view model_type;  // config.json's model_type: "clip", "siglip"
  // transformers' defaults for every key save_pretrained leaves out (tower sizes, vocabulary,
  // patch size), read from the config's root, text_config and vision_config objects.
  void (*config_defaults)(const nlohmann::json& root, const nlohmann::json& text,
                          const nlohmann::json& vision, ImageTextConfig* config);
  // Both towers from the checkpoint's Hugging Face parameter names.
  Result<std::unique_ptr<ImageTextNetwork>> (*load_towers)(const ImageTextConfig& config,
                                                           WeightLoader& weights);
  // The tokenizer its checkpoints ship (files in the model folder).
  Result<std::unique_ptr<TextTokenizer>> (*make_tokenizer)(const std::filesystem::path& dir);
  // A text-image score's calibrated "this text matches" probability, for families trained
  // with one (SigLIP's sigmoid); nullopt for the others (CLIP's softmax only ranks texts
  // against each other).
  std::optional<double> (*probability)(float score, const ImageTextNetwork& net);
};

const std::vector<ModelFamily>& ModelFamilies();
// The row of a model_type; kUnsupported naming the ones there are otherwise.
Result<const ModelFamily*> FindModelFamily(std::string_view model_type, const std::string& label);

}  // namespace shoebox::engine
