// Google SigLIP (model_type "siglip"), as transformers' SiglipModel computes it:
// vision: patch conv (with bias) + positions (no class token) -> encoder -> post_layernorm ->
//         attention-pooling head (a learned probe attends over all tokens, then LN + MLP);
// text:   tokens + positions -> encoder with no mask at all -> final_layer_norm -> the last
//         position -> head (Linear with bias). Logits: exp(scale) * cos + bias.
#pragma once

#include <memory>

#include "engine/image_text_network.h"
#include "engine/model_config.h"
#include "engine/transformer.h"

namespace shoebox::engine {

// transformers' SiglipConfig defaults (model_family.h).
void SiglipConfigDefaults(const nlohmann::json& root, const nlohmann::json& text,
                          const nlohmann::json& vision, ImageTextConfig* config);
Result<std::unique_ptr<ImageTextNetwork>> LoadSiglip(const ImageTextConfig& config,
                                                     WeightLoader& weights);

}  // namespace shoebox::engine
