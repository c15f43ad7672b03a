#include "engine/clip/clip_model.h"

#include <algorithm>
#include <cmath>

#include "engine/transformer.h"
#include "engine/vision_patches.h"

namespace shoebox::engine {
namespace {

class ClipNetwork : public ImageTextNetwork {
 public:
  explicit ClipNetwork(const ImageTextConfig& c) : cfg_(c) {}

  Status Load(WeightLoader& w, const std::string& label) {
    const auto& vt = cfg_.vision.tower;
    const auto& tt = cfg_.text.tower;
    const int64_t p = cfg_.vision.patch_size, tokens = cfg_.vision.num_patches() + 1;
    patch_w_ = w.GetPacked("vision_model.embeddings.patch_embedding.weight", vt.hidden, 3 * p * p,
                           {vt.hidden, 3, p, p});
    class_emb_ = w.Get("vision_model.embeddings.class_embedding", {vt.hidden});
    vision_pos_ = w.Get("vision_model.embeddings.position_embedding.weight", {tokens, vt.hidden});
    pre_ln_g_ = w.Get("vision_model.pre_layrnorm.weight", {vt.hidden});
    pre_ln_b_ = w.Get("vision_model.pre_layrnorm.bias", {vt.hidden});
    vision_layers_ = LoadEncoderLayers(w, "vision_model.encoder.layers.", vt);
    post_ln_g_ = w.Get("vision_model.post_layernorm.weight", {vt.hidden});
    post_ln_b_ = w.Get("vision_model.post_layernorm.bias", {vt.hidden});
    visual_proj_ = GetPacked(w, "visual_projection.weight", cfg_.projection_dim, vt.hidden);
    token_emb_ =
        w.Get("text_model.embeddings.token_embedding.weight", {cfg_.text.vocab_size, tt.hidden});
    text_pos_ = w.Get("text_model.embeddings.position_embedding.weight",
                      {cfg_.text.max_positions, tt.hidden});
    text_layers_ = LoadEncoderLayers(w, "text_model.encoder.layers.", tt);
    final_ln_g_ = w.Get("text_model.final_layer_norm.weight", {tt.hidden});
    final_ln_b_ = w.Get("text_model.final_layer_norm.bias", {tt.hidden});
    text_proj_ = GetPacked(w, "text_projection.weight", cfg_.projection_dim, tt.hidden);
    auto scale = w.Get("logit_scale", {});
    SHOEBOX_RETURN_IF_ERROR(w.Finish());
    logit_scale_ = std::exp(scale[0]);
    return Status::Ok();
  }

  std::string family() const override { return "clip"; }
  int64_t pad_token_id() const override { return cfg_.text.eos_token_id; }
  bool text_uses_mask() const override { return true; }
  bool UsePrecision(ops::Precision p, ops::ProductTuner* tuner) override {
    if (switched_ || !SetTowersPrecision(
                         vision_layers_,
                         std::min<int64_t>(kMaxBatch * (cfg_.vision.num_patches() + 1), kTuneRows),
                         text_layers_, cfg_.text.max_positions, p, tuner))
      return false;
    precision_ = p;
    switched_ = true;
    return true;
  }
  std::string precision() const override { return ops::PrecisionName(precision_); }
  std::unique_ptr<ImageTextNetwork> Clone() const override {
    return std::make_unique<ClipNetwork>(*this);
  }
  std::map<std::string, std::map<std::string, int>> backends() const override {
    return TowersBackends(vision_layers_, text_layers_);
  }
  int64_t image_size() const override { return cfg_.vision.image_size; }
  int64_t embed_dim() const override { return cfg_.projection_dim; }
  int64_t text_length() const override { return cfg_.text.max_positions; }
  float logit_scale() const override { return logit_scale_; }

  Result<std::vector<float>> EncodeImages(const float* pixels, int64_t n) override {
    const auto& vt = cfg_.vision.tower;
    const int64_t s = cfg_.vision.image_size, p = cfg_.vision.patch_size;
    const int64_t np = cfg_.vision.num_patches(), t = np + 1, d = vt.hidden;
    std::vector<float> out(static_cast<size_t>(n * cfg_.projection_dim));
    std::vector<float> pooled;
    for (int64_t b0 = 0; b0 < n; b0 += kMaxBatch) {
      const int64_t nb = std::min(kMaxBatch, n - b0);
      patches_.resize(static_cast<size_t>(nb * np * 3 * p * p));
      x_.resize(static_cast<size_t>(nb * t * d));
      for (int64_t b = 0; b < nb; ++b)
        ExtractPatches(pixels + (b0 + b) * 3 * s * s, s, p, patches_.data() + b * np * 3 * p * p);
      embedded_.resize(static_cast<size_t>(nb * np * d));
      ops::Linear(patches_.data(), nb * np, patch_w_, nullptr, embedded_.data());
      for (int64_t b = 0; b < nb; ++b) {
        float* xb = x_.data() + b * t * d;
        std::copy(class_emb_.begin(), class_emb_.end(), xb);
        std::copy(embedded_.begin() + b * np * d, embedded_.begin() + (b + 1) * np * d, xb + d);
        ops::AddInPlace(xb, vision_pos_.data(), t * d);
      }
      ops::LayerNorm(x_.data(), nb * t, d, pre_ln_g_.data(), pre_ln_b_.data(), vt.eps, x_.data());
      // Pooling reads the class token alone: the last layer computes only its row.
      const std::vector<int64_t> class_token(static_cast<size_t>(nb), 0);
      for (size_t i = 0; i < vision_layers_.size(); ++i) {
        if (i + 1 < vision_layers_.size())
          RunEncoderLayer(vision_layers_[i], vt, x_.data(), nb, t, false, nullptr, &scratch_);
        else
          RunEncoderLayerAt(vision_layers_[i], vt, x_.data(), nb, t, false, nullptr,
                            class_token.data(), &scratch_);
      }
      pooled.resize(static_cast<size_t>(nb * d));
      for (int64_t b = 0; b < nb; ++b)
        ops::LayerNorm(x_.data() + b * t * d, 1, d, post_ln_g_.data(), post_ln_b_.data(), vt.eps,
                       pooled.data() + b * d);
      ops::Linear(pooled.data(), nb, visual_proj_, nullptr, out.data() + b0 * cfg_.projection_dim);
    }
    return out;
  }

  Result<std::vector<float>> EncodeTexts(const int64_t* ids, const int64_t* mask, int64_t n,
                                         int64_t len) override {
    const auto& tt = cfg_.text.tower;
    const int64_t d = tt.hidden;
    if (len > cfg_.text.max_positions)
      return InvalidArgument("text of " + std::to_string(len) + " tokens exceeds the model's " +
                             std::to_string(cfg_.text.max_positions));
    for (int64_t i = 0; i < n * len; ++i)
      if (ids[i] < 0 || ids[i] >= cfg_.text.vocab_size)
        return InvalidArgument("token id " + std::to_string(ids[i]) + " is outside the vocabulary");
    std::vector<float> out(static_cast<size_t>(n * cfg_.projection_dim));
    std::vector<float> pooled;
    for (int64_t b0 = 0; b0 < n; b0 += kMaxBatch) {
      const int64_t nb = std::min(kMaxBatch, n - b0);
      // The text tower is causal: the output at the EOS position depends only on the tokens up
      // to it, so positions after the last EOS of the batch are never computed (a short query
      // is a few tokens of 77). Exact, not an approximation.
      std::vector<int64_t> eos(static_cast<size_t>(nb));
      int64_t t = 1;
      for (int64_t b = 0; b < nb; ++b) {
        eos[static_cast<size_t>(b)] = EosPosition(ids + (b0 + b) * len, len);
        t = std::max(t, eos[static_cast<size_t>(b)] + 1);
      }
      x_.resize(static_cast<size_t>(nb * t * d));
      std::vector<int64_t> valid;
      if (mask) {
        valid.resize(static_cast<size_t>(nb * t));
        for (int64_t b = 0; b < nb; ++b)
          std::copy(mask + (b0 + b) * len, mask + (b0 + b) * len + t, valid.begin() + b * t);
      }
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t* row = ids + (b0 + b) * len;
        for (int64_t i = 0; i < t; ++i)
          for (int64_t j = 0; j < d; ++j)
            x_[static_cast<size_t>((b * t + i) * d + j)] =
                token_emb_[static_cast<size_t>(row[i] * d + j)] +
                text_pos_[static_cast<size_t>(i * d + j)];
      }
      for (size_t i = 0; i < text_layers_.size(); ++i) {
        const int64_t* key_valid = mask ? valid.data() : nullptr;
        if (i + 1 < text_layers_.size())
          RunEncoderLayer(text_layers_[i], tt, x_.data(), nb, t, true, key_valid, &scratch_);
        else
          RunEncoderLayerAt(text_layers_[i], tt, x_.data(), nb, t, true, key_valid, eos.data(),
                            &scratch_);
      }
      pooled.resize(static_cast<size_t>(nb * d));
      for (int64_t b = 0; b < nb; ++b)
        ops::LayerNorm(x_.data() + (b * t + eos[static_cast<size_t>(b)]) * d, 1, d,
                       final_ln_g_.data(), final_ln_b_.data(), tt.eps, pooled.data() + b * d);
      ops::Linear(pooled.data(), nb, text_proj_, nullptr, out.data() + b0 * cfg_.projection_dim);
    }
    return out;
  }

 private:
  // Pooling position. Legacy configs (eos_token_id 2, as openai's) make transformers take the
  // argmax of the ids (the EOS token has the largest id); newer ones the first EOS.
  int64_t EosPosition(const int64_t* row, int64_t len) const {
    if (cfg_.text.eos_token_id != 2) {
      int64_t eos = std::find(row, row + len, cfg_.text.eos_token_id) - row;
      if (eos < len) return eos;
    }
    return std::max_element(row, row + len) - row;
  }

  ImageTextConfig cfg_;
  std::vector<float> class_emb_, vision_pos_, pre_ln_g_, pre_ln_b_, post_ln_g_, post_ln_b_,
      token_emb_, text_pos_, final_ln_g_, final_ln_b_;
  ops::PackedWeights patch_w_, visual_proj_, text_proj_;
  std::vector<EncoderLayer> vision_layers_, text_layers_;
  ops::Precision precision_ = ops::Precision::kFloat32;
  bool switched_ = false;  // UsePrecision succeeded once
  // Image products are tuned at a batch's rows, up to this many (more costs load time and
  // does not change which backend wins).
  static constexpr int64_t kTuneRows = 256;
  float logit_scale_ = 1.0f;
  // Images / texts per matrix product: large enough to amortise weight packing, small
  // enough that activations stay in a few tens of MB.
  static constexpr int64_t kMaxBatch = 32;
  std::vector<float> patches_, embedded_, x_;
  Scratch scratch_;
};

}  // namespace

Result<std::unique_ptr<ImageTextNetwork>> LoadClip(const ImageTextConfig& config,
                                                   WeightLoader& weights) {
  auto m = std::make_unique<ClipNetwork>(config);
  SHOEBOX_RETURN_IF_ERROR(m->Load(weights, weights.label()));
  return std::unique_ptr<ImageTextNetwork>(std::move(m));
}

void ClipConfigDefaults(const nlohmann::json& root, const nlohmann::json& text,
                        const nlohmann::json& vision, ImageTextConfig* c) {
  c->text.tower = {512, 2048, 12, 8, 1e-5f, ops::Activation::kQuickGelu};
  c->vision.tower = {768, 3072, 12, 12, 1e-5f, ops::Activation::kQuickGelu};
  c->text.vocab_size = ConfigOr<int64_t>(text, "vocab_size", 49408);
  c->text.max_positions = ConfigOr<int64_t>(text, "max_position_embeddings", 77);
  c->text.eos_token_id = ConfigOr<int64_t>(text, "eos_token_id", 49407);
  c->vision.patch_size = ConfigOr<int64_t>(vision, "patch_size", 32);
  c->projection_dim = ConfigOr<int64_t>(root, "projection_dim", 512);
}

}  // namespace shoebox::engine
