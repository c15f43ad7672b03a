// OpenAI CLIP (model_type "clip"), as transformers' CLIPModel computes it:
// vision: patch conv (no bias) -> [CLS] + patches + positions -> pre_layrnorm -> encoder ->
//         post_layernorm([CLS]) -> visual_projection;
// text:   tokens + positions -> causal encoder (plus padding mask) -> final_layer_norm ->
//         the EOS position -> text_projection.
#pragma once

#include <memory>

#include "model/image_text_model.h"
#include "model/model_config.h"
#include "model/transformer.h"

namespace shoebox::model {

// transformers' ClipConfig defaults (model_family.h).
void ClipConfigDefaults(const nlohmann::json& root, const nlohmann::json& text,
                        const nlohmann::json& vision, ImageTextConfig* config);
Result<std::unique_ptr<ImageTextModel>> LoadClip(const ImageTextConfig& config,
                                                 WeightLoader& weights);

}  // namespace shoebox::model
