#include "engine/model_config.h"

#include "engine/model_family.h"

namespace shoebox::engine {
using nlohmann::json;

namespace {

Status ParseTower(const json& j, const TowerConfig& defaults, TowerConfig* out,
                  const std::string& where) {
  *out = defaults;
  out->hidden = ConfigOr<int64_t>(j, "hidden_size", defaults.hidden);
  out->intermediate = ConfigOr<int64_t>(j, "intermediate_size", defaults.intermediate);
  out->layers = ConfigOr<int64_t>(j, "num_hidden_layers", defaults.layers);
  out->heads = ConfigOr<int64_t>(j, "num_attention_heads", defaults.heads);
  out->eps = static_cast<float>(ConfigOr<double>(j, "layer_norm_eps", defaults.eps));
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
    c.model_type = ConfigOr<std::string>(j, "model_type", "");
    const json empty = json::object();
    const json& tj =
        j.contains("text_config") && j["text_config"].is_object() ? j["text_config"] : empty;
    const json& vj =
        j.contains("vision_config") && j["vision_config"].is_object() ? j["vision_config"] : empty;
    auto family = FindModelFamily(c.model_type, label);
    if (!family.ok()) return family.status();
    (*family)->config_defaults(j, tj, vj, &c);
    c.vision.image_size = ConfigOr<int64_t>(vj, "image_size", 224);
    const TowerConfig text_defaults = c.text.tower, vision_defaults = c.vision.tower;
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

}  // namespace shoebox::engine
