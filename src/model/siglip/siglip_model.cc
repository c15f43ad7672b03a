#include "model/siglip/siglip_model.h"

#include <cmath>

#include "model/transformer.h"
#include "model/vision_patches.h"

namespace shoebox::model {
namespace {

class SiglipModel : public ImageTextModel {
 public:
  explicit SiglipModel(const ImageTextConfig& c) : cfg_(c) {}

  Status Load(WeightLoader& w, const std::string& label) {
    const auto& vt = cfg_.vision.tower;
    const auto& tt = cfg_.text.tower;
    const int64_t p = cfg_.vision.patch_size, d = vt.hidden;
    patch_w_ = w.Get("vision_model.embeddings.patch_embedding.weight", {d, 3, p, p});
    patch_b_ = w.Get("vision_model.embeddings.patch_embedding.bias", {d});
    vision_pos_ = w.Get("vision_model.embeddings.position_embedding.weight", {cfg_.vision.num_patches(), d});
    vision_layers_ = LoadEncoderLayers(w, "vision_model.encoder.layers.", vt);
    post_ln_g_ = w.Get("vision_model.post_layernorm.weight", {d});
    post_ln_b_ = w.Get("vision_model.post_layernorm.bias", {d});
    const std::string h = "vision_model.head.";
    probe_ = w.Get(h + "probe", {1, 1, d});
    in_proj_w_ = w.Get(h + "attention.in_proj_weight", {3 * d, d});
    in_proj_b_ = w.Get(h + "attention.in_proj_bias", {3 * d});
    head_out_w_ = w.Get(h + "attention.out_proj.weight", {d, d});
    head_out_b_ = w.Get(h + "attention.out_proj.bias", {d});
    head_ln_g_ = w.Get(h + "layernorm.weight", {d});
    head_ln_b_ = w.Get(h + "layernorm.bias", {d});
    head_fc1_w_ = w.Get(h + "mlp.fc1.weight", {vt.intermediate, d});
    head_fc1_b_ = w.Get(h + "mlp.fc1.bias", {vt.intermediate});
    head_fc2_w_ = w.Get(h + "mlp.fc2.weight", {d, vt.intermediate});
    head_fc2_b_ = w.Get(h + "mlp.fc2.bias", {d});
    token_emb_ = w.Get("text_model.embeddings.token_embedding.weight", {cfg_.text.vocab_size, tt.hidden});
    text_pos_ = w.Get("text_model.embeddings.position_embedding.weight", {cfg_.text.max_positions, tt.hidden});
    text_layers_ = LoadEncoderLayers(w, "text_model.encoder.layers.", tt);
    final_ln_g_ = w.Get("text_model.final_layer_norm.weight", {tt.hidden});
    final_ln_b_ = w.Get("text_model.final_layer_norm.bias", {tt.hidden});
    text_head_w_ = w.Get("text_model.head.weight", {tt.hidden, tt.hidden});
    text_head_b_ = w.Get("text_model.head.bias", {tt.hidden});
    auto scale = w.Get("logit_scale", {1});
    auto bias = w.Get("logit_bias", {1});
    SHOEBOX_RETURN_IF_ERROR(w.Finish());
    if (vt.hidden != tt.hidden)
      return Corrupt(label + ": SigLIP needs equal text and vision widths (" + std::to_string(tt.hidden) +
                     " vs " + std::to_string(vt.hidden) + ")");
    logit_scale_ = std::exp(scale[0]);
    logit_bias_ = bias[0];
    return Status::Ok();
  }

  std::string family() const override { return "siglip"; }
  int64_t image_size() const override { return cfg_.vision.image_size; }
  int64_t embed_dim() const override { return cfg_.vision.tower.hidden; }
  int64_t text_length() const override { return cfg_.text.max_positions; }
  float logit_scale() const override { return logit_scale_; }
  float logit_bias() const override { return logit_bias_; }

  Result<std::vector<float>> EncodeImages(const float* pixels, int64_t n) override {
    const auto& vt = cfg_.vision.tower;
    const int64_t s = cfg_.vision.image_size, p = cfg_.vision.patch_size;
    const int64_t t = cfg_.vision.num_patches(), d = vt.hidden;
    std::vector<float> out(static_cast<size_t>(n * d));
    patches_.resize(static_cast<size_t>(t * 3 * p * p));
    x_.resize(static_cast<size_t>(t * d));
    std::vector<float> q(d), kv(static_cast<size_t>(t * 2 * d)), a(d), attn(d), norm(d),
        mlp(static_cast<size_t>(vt.intermediate)), scores(static_cast<size_t>(t));
    for (int64_t b = 0; b < n; ++b) {
      ExtractPatches(pixels + b * 3 * s * s, s, p, patches_.data());
      ops::Linear(patches_.data(), t, 3 * p * p, patch_w_.data(), patch_b_.data(), d, x_.data());
      ops::AddInPlace(x_.data(), vision_pos_.data(), t * d);
      for (const auto& layer : vision_layers_) RunEncoderLayer(layer, vt, x_.data(), 1, t, false, nullptr, &scratch_);
      ops::LayerNorm(x_.data(), t, d, post_ln_g_.data(), post_ln_b_.data(), vt.eps, x_.data());
      // Attention pooling (torch.nn.MultiheadAttention): in_proj = [Wq; Wk; Wv].
      ops::Linear(probe_.data(), 1, d, in_proj_w_.data(), in_proj_b_.data(), d, q.data());
      ops::Linear(x_.data(), t, d, in_proj_w_.data() + d * d, in_proj_b_.data() + d, 2 * d, kv.data());
      ops::Attention(q.data(), kv.data(), kv.data() + d, 2 * d, 1, t, vt.heads, vt.head_dim(), false,
                     nullptr, attn.data(), d, scores.data());
      // Attention's q stride is 2d too, but t_q = 1 reads only the first row.
      ops::Linear(attn.data(), 1, d, head_out_w_.data(), head_out_b_.data(), d, a.data());
      ops::LayerNorm(a.data(), 1, d, head_ln_g_.data(), head_ln_b_.data(), vt.eps, norm.data());
      ops::Linear(norm.data(), 1, d, head_fc1_w_.data(), head_fc1_b_.data(), vt.intermediate, mlp.data());
      ops::Activate(vt.act, mlp.data(), vt.intermediate);
      float* h = out.data() + b * d;
      ops::Linear(mlp.data(), 1, vt.intermediate, head_fc2_w_.data(), head_fc2_b_.data(), d, h);
      ops::AddInPlace(h, a.data(), d);
    }
    return out;
  }

  Result<std::vector<float>> EncodeTexts(const int64_t* ids, const int64_t* /*mask*/, int64_t n,
                                         int64_t len) override {
    // SigLIP was trained attending to the padding too: no mask, and the last position pools.
    const auto& tt = cfg_.text.tower;
    const int64_t d = tt.hidden;
    if (len != cfg_.text.max_positions)
      return InvalidArgument("SigLIP texts must be padded to exactly " + std::to_string(cfg_.text.max_positions) +
                             " tokens, got " + std::to_string(len));
    std::vector<float> out(static_cast<size_t>(n * d));
    x_.resize(static_cast<size_t>(len * d));
    std::vector<float> pooled(d);
    for (int64_t b = 0; b < n; ++b) {
      const int64_t* row = ids + b * len;
      for (int64_t i = 0; i < len; ++i) {
        if (row[i] < 0 || row[i] >= cfg_.text.vocab_size)
          return InvalidArgument("token id " + std::to_string(row[i]) + " is outside the vocabulary");
        for (int64_t j = 0; j < d; ++j)
          x_[static_cast<size_t>(i * d + j)] = token_emb_[static_cast<size_t>(row[i] * d + j)] +
                                               text_pos_[static_cast<size_t>(i * d + j)];
      }
      for (const auto& layer : text_layers_) RunEncoderLayer(layer, tt, x_.data(), 1, len, false, nullptr, &scratch_);
      ops::LayerNorm(x_.data() + (len - 1) * d, 1, d, final_ln_g_.data(), final_ln_b_.data(), tt.eps, pooled.data());
      ops::Linear(pooled.data(), 1, d, text_head_w_.data(), text_head_b_.data(), d, out.data() + b * d);
    }
    return out;
  }

 private:
  ImageTextConfig cfg_;
  std::vector<float> patch_w_, patch_b_, vision_pos_, post_ln_g_, post_ln_b_, probe_, in_proj_w_, in_proj_b_,
      head_out_w_, head_out_b_, head_ln_g_, head_ln_b_, head_fc1_w_, head_fc1_b_, head_fc2_w_, head_fc2_b_,
      token_emb_, text_pos_, final_ln_g_, final_ln_b_, text_head_w_, text_head_b_;
  std::vector<EncoderLayer> vision_layers_, text_layers_;
  float logit_scale_ = 1.0f, logit_bias_ = 0.0f;
  std::vector<float> patches_, x_;
  Scratch scratch_;
};

}  // namespace

Result<std::unique_ptr<ImageTextModel>> LoadSiglip(const ImageTextConfig& config, WeightLoader& weights) {
  auto m = std::make_unique<SiglipModel>(config);
  SHOEBOX_RETURN_IF_ERROR(m->Load(weights, weights.label()));
  return std::unique_ptr<ImageTextModel>(std::move(m));
}

}  // namespace shoebox::model
