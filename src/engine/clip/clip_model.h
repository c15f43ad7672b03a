// OpenAI CLIP (model_type "clip"), as transformers' CLIPModel computes it:
// vision: patch conv (no bias) -> [CLS] + patches + positions -> pre_layrnorm -> encoder ->
//         post_layernorm([CLS]) -> visual_projection;
// text:   tokens + positions -> causal encoder (plus padding mask) -> final_layer_norm ->
//         the EOS position -> text_projection.
#pragma once

#include <memory>

#include "engine/image_text_network.h"
#include "engine/model_config.h"
#include "engine/transformer.h"

namespace shoebox::engine {

// transformers' ClipConfig defaults (model_family.h).
void ClipConfigDefaults(const nlohmann::json& root, const nlohmann::json& text,
                        const nlohmann::json& vision, ImageTextConfig* config);
Result<std::unique_ptr<ImageTextNetwork>> LoadClip(const ImageTextConfig& config,
                                                   WeightLoader& weights);

}  // namespace shoebox::engine
