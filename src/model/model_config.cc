#include "model/model_config.h"

namespace shoebox::model {
namespace {

using nlohmann::json;

template <typename T>
T Or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

Status ParseTower(const json& j, const TowerConfig& defaults, TowerConfig* out,
                  const std::string& where) {
  *out = defaults;
  out->hidden = Or<int64_t>(j, "hidden_size", defaults.hidden);
  out->intermediate = Or<int64_t>(j, "intermediate_size", defaults.intermediate);
  out->layers = Or<int64_t>(j, "num_hidden_layers", defaults.layers);
  out->heads = Or<int64_t>(j, "num_attention_heads", defaults.heads);
  out->eps = static_cast<float>(Or<double>(j, "layer_norm_eps", defaults.eps));
  if (j.contains("hidden_act")) {
    std::string act = j["hidden_act"].get<std::string>();
    if (!ops::ParseActivation(act, &out->act))
      return Unsupported(where + ": unsupported hidden_act '" + act + "'");
  }
  if (out->hidden <= 0 || out->heads <= 0 || out->hidden % out->heads != 0 || out->layers < 0 ||
      out->intermediate <= 0 || out->hidden > 65536 || out->intermediate > 262144 ||
      out->layers > 256)
    return Corrupt(where + ": inconsistent sizes (hidden " + std::to_string(out->hidden) +
                   ", heads " + std::to_string(out->heads) + ")");
  return Status::Ok();
}

}  // namespace

Result<ImageTextConfig> ParseImageTextConfig(const std::string& text, const std::string& label) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corrupt(label + ": not a JSON object");
  ImageTextConfig c;
  try {
    c.model_type = Or<std::string>(j, "model_type", "");
    const json empty = json::object();
    const json& tj =
        j.contains("text_config") && j["text_config"].is_object() ? j["text_config"] : empty;
    const json& vj =
        j.contains("vision_config") && j["vision_config"].is_object() ? j["vision_config"] : empty;
    TowerConfig text_defaults, vision_defaults;
    if (c.model_type == "clip") {
      text_defaults = {512, 2048, 12, 8, 1e-5f, ops::Activation::kQuickGelu};
      vision_defaults = {768, 3072, 12, 12, 1e-5f, ops::Activation::kQuickGelu};
      c.text.vocab_size = Or<int64_t>(tj, "vocab_size", 49408);
      c.text.max_positions = Or<int64_t>(tj, "max_position_embeddings", 77);
      c.text.eos_token_id = Or<int64_t>(tj, "eos_token_id", 49407);
      c.vision.patch_size = Or<int64_t>(vj, "patch_size", 32);
      c.projection_dim = Or<int64_t>(j, "projection_dim", 512);
    } else if (c.model_type == "siglip") {
      text_defaults = {768, 3072, 12, 12, 1e-6f, ops::Activation::kGeluTanh};
      vision_defaults = {768, 3072, 12, 12, 1e-6f, ops::Activation::kGeluTanh};
      c.text.vocab_size = Or<int64_t>(tj, "vocab_size", 32000);
      c.text.max_positions = Or<int64_t>(tj, "max_position_embeddings", 64);
      c.text.eos_token_id = Or<int64_t>(tj, "eos_token_id", 49407);
      c.vision.patch_size = Or<int64_t>(vj, "patch_size", 16);
    } else {
      return Unsupported(label + ": model_type '" + c.model_type +
                         "' is not supported (supported: clip, siglip)");
    }
    c.vision.image_size = Or<int64_t>(vj, "image_size", 224);
    SHOEBOX_RETURN_IF_ERROR(ParseTower(tj, text_defaults, &c.text.tower, label + " text_config"));
    SHOEBOX_RETURN_IF_ERROR(
        ParseTower(vj, vision_defaults, &c.vision.tower, label + " vision_config"));
    if (c.vision.patch_size <= 0 || c.vision.image_size <= 0 ||
        c.vision.image_size % c.vision.patch_size != 0 || c.vision.image_size > 4096 ||
        c.text.max_positions <= 0 || c.text.max_positions > 4096 || c.text.vocab_size <= 0 ||
        c.text.vocab_size > 10'000'000 || c.projection_dim <= 0)
      return Corrupt(label + ": inconsistent image/patch/text sizes");
  } catch (const json::exception& e) {
    return Corrupt(label + ": a value has the wrong type (" + e.what() + ")");
  }
  return c;
}

}  // namespace shoebox::model
