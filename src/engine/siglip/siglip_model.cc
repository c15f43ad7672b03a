#include "engine/siglip/siglip_model.h"

#include <algorithm>
#include <cmath>

#include "engine/tensor/compute_pool.h"
#include "engine/transformer.h"
#include "engine/vision_patches.h"

namespace shoebox::engine {
namespace {

class SiglipNetwork : public ImageTextNetwork {
 public:
  explicit SiglipNetwork(const ImageTextConfig& c) : cfg_(c) {}

  Status Load(WeightLoader& w, const std::string& label) {
    const auto& vt = cfg_.vision.tower;
    const auto& tt = cfg_.text.tower;
    const int64_t p = cfg_.vision.patch_size, d = vt.hidden;
    patch_w_ =
        w.GetPacked("vision_model.embeddings.patch_embedding.weight", d, 3 * p * p, {d, 3, p, p});
    patch_b_ = w.Get("vision_model.embeddings.patch_embedding.bias", {d});
    vision_pos_ =
        w.Get("vision_model.embeddings.position_embedding.weight", {cfg_.vision.num_patches(), d});
    vision_layers_ = LoadEncoderLayers(w, "vision_model.encoder.layers.", vt);
    post_ln_g_ = w.Get("vision_model.post_layernorm.weight", {d});
    post_ln_b_ = w.Get("vision_model.post_layernorm.bias", {d});
    const std::string h = "vision_model.head.";
    probe_ = w.Get(h + "probe", {1, 1, d});
    // [Wq; Wk; Wv]: the probe's query once, keys and values per image.
    std::vector<float> in_proj;
    bool read = false;
    auto part = [&](int64_t first_row, int64_t rows) {
      return [&, first_row, rows]() -> ops::PackedWeights {
        if (!read) in_proj = w.Get(h + "attention.in_proj_weight", {3 * d, d});
        read = true;
        if (in_proj.empty()) return {};
        return ops::PackedWeights::Pack(in_proj.data() + first_row * d, rows, d);
      };
    };
    probe_q_w_ = w.Packed(h + "attention.in_proj_weight[q]", d, d, part(0, d));
    head_kv_w_ = w.Packed(h + "attention.in_proj_weight[kv]", 2 * d, d, part(d, 2 * d));
    in_proj_b_ = w.Get(h + "attention.in_proj_bias", {3 * d});
    head_out_w_ = GetPacked(w, h + "attention.out_proj.weight", d, d);
    head_out_b_ = w.Get(h + "attention.out_proj.bias", {d});
    head_ln_g_ = w.Get(h + "layernorm.weight", {d});
    head_ln_b_ = w.Get(h + "layernorm.bias", {d});
    head_fc1_w_ = GetPacked(w, h + "mlp.fc1.weight", vt.intermediate, d);
    head_fc1_b_ = w.Get(h + "mlp.fc1.bias", {vt.intermediate});
    head_fc2_w_ = GetPacked(w, h + "mlp.fc2.weight", d, vt.intermediate);
    head_fc2_b_ = w.Get(h + "mlp.fc2.bias", {d});
    token_emb_ =
        w.Get("text_model.embeddings.token_embedding.weight", {cfg_.text.vocab_size, tt.hidden});
    text_pos_ = w.Get("text_model.embeddings.position_embedding.weight",
                      {cfg_.text.max_positions, tt.hidden});
    text_layers_ = LoadEncoderLayers(w, "text_model.encoder.layers.", tt);
    final_ln_g_ = w.Get("text_model.final_layer_norm.weight", {tt.hidden});
    final_ln_b_ = w.Get("text_model.final_layer_norm.bias", {tt.hidden});
    text_head_w_ = GetPacked(w, "text_model.head.weight", tt.hidden, tt.hidden);
    text_head_b_ = w.Get("text_model.head.bias", {tt.hidden});
    auto scale = w.Get("logit_scale", {1});
    auto bias = w.Get("logit_bias", {1});
    SHOEBOX_RETURN_IF_ERROR(w.Finish());
    if (vt.hidden != tt.hidden)
      return Corrupt(label + ": SigLIP needs equal text and vision widths (" +
                     std::to_string(tt.hidden) + " vs " + std::to_string(vt.hidden) + ")");
    logit_scale_ = std::exp(scale[0]);
    logit_bias_ = bias[0];
    return Status::Ok();
  }

  std::string family() const override { return "siglip"; }
  int64_t pad_token_id() const override { return 1; }  // SentencePiece's </s>, repeated
  bool text_uses_mask() const override { return false; }
  bool UsePrecision(ops::Precision p, ops::ProductTuner* tuner) override {
    if (switched_ ||
        !SetTowersPrecision(vision_layers_,
                            std::min<int64_t>(kMaxBatch * cfg_.vision.num_patches(), kTuneRows),
                            text_layers_, cfg_.text.max_positions, p, tuner))
      return false;
    precision_ = p;
    switched_ = true;
    return true;
  }
  std::string precision() const override { return ops::PrecisionName(precision_); }
  std::unique_ptr<ImageTextNetwork> Clone() const override {
    return std::make_unique<SiglipNetwork>(*this);
  }
  std::map<std::string, std::map<std::string, int>> backends() const override {
    return TowersBackends(vision_layers_, text_layers_);
  }
  int64_t image_size() const override { return cfg_.vision.image_size; }
  int64_t embed_dim() const override { return cfg_.vision.tower.hidden; }
  int64_t text_length() const override { return cfg_.text.max_positions; }
  float logit_scale() const override { return logit_scale_; }
  float logit_bias() const override { return logit_bias_; }

  Result<std::vector<float>> EncodeImages(const float* pixels, int64_t n) override {
    const auto& vt = cfg_.vision.tower;
    const int64_t s = cfg_.vision.image_size, p = cfg_.vision.patch_size;
    const int64_t t = cfg_.vision.num_patches(), d = vt.hidden, hd = vt.head_dim();
    std::vector<float> out(static_cast<size_t>(n * d));
    // The pooling head's query is the learned probe, the same for every image.
    std::vector<float> q(static_cast<size_t>(d));
    ops::Linear(probe_.data(), 1, probe_q_w_, in_proj_b_.data(), q.data());
    for (int64_t b0 = 0; b0 < n; b0 += kMaxBatch) {
      const int64_t nb = std::min(kMaxBatch, n - b0), rows = nb * t;
      patches_.resize(static_cast<size_t>(rows * 3 * p * p));
      x_.resize(static_cast<size_t>(rows * d));
      for (int64_t b = 0; b < nb; ++b)
        ExtractPatches(pixels + (b0 + b) * 3 * s * s, s, p, patches_.data() + b * t * 3 * p * p);
      ops::Linear(patches_.data(), rows, patch_w_, patch_b_.data(), x_.data());
      for (int64_t b = 0; b < nb; ++b)
        ops::AddInPlace(x_.data() + b * t * d, vision_pos_.data(), t * d);
      for (const auto& layer : vision_layers_)
        RunEncoderLayer(layer, vt, x_.data(), nb, t, false, nullptr, &scratch_);
      ops::LayerNorm(x_.data(), rows, d, post_ln_g_.data(), post_ln_b_.data(), vt.eps, x_.data());
      // Attention pooling (torch.nn.MultiheadAttention, in_proj = [Wq; Wk; Wv]), one query per
      // image.
      kv_.resize(static_cast<size_t>(rows * 2 * d));
      ops::Linear(x_.data(), rows, head_kv_w_, in_proj_b_.data() + d, kv_.data());
      pooled_.resize(static_cast<size_t>(nb * d));
      ops::ParallelFor(nb * vt.heads, [&](int64_t task) {
        const int64_t b = task / vt.heads, h = task % vt.heads;
        thread_local std::vector<float> scores;
        scores.resize(static_cast<size_t>(t));
        const float* kv = kv_.data() + b * t * 2 * d + h * hd;
        ops::Attention(q.data() + h * hd, kv, kv + d, 2 * d, 1, t, 1, hd, false, nullptr,
                       pooled_.data() + b * d + h * hd, d, scores.data());
      });
      float* h = out.data() + b0 * d;  // h = out_proj(pooled); h += mlp(LN(h))
      ops::Linear(pooled_.data(), nb, head_out_w_, head_out_b_.data(), h);
      norm_.resize(static_cast<size_t>(nb * d));
      mlp_.resize(static_cast<size_t>(nb * vt.intermediate));
      ops::LayerNorm(h, nb, d, head_ln_g_.data(), head_ln_b_.data(), vt.eps, norm_.data());
      ops::Linear(norm_.data(), nb, head_fc1_w_, head_fc1_b_.data(), mlp_.data(),
                  {.activation = vt.act});
      ops::Linear(mlp_.data(), nb, head_fc2_w_, head_fc2_b_.data(), h, {.accumulate = true});
    }
    return out;
  }

  Result<std::vector<float>> EncodeTexts(const int64_t* ids, const int64_t* /*mask*/, int64_t n,
                                         int64_t len) override {
    // SigLIP was trained attending to the padding too: no mask, and the last position pools.
    const auto& tt = cfg_.text.tower;
    const int64_t d = tt.hidden;
    if (len != cfg_.text.max_positions)
      return InvalidArgument("SigLIP texts must be padded to exactly " +
                             std::to_string(cfg_.text.max_positions) + " tokens, got " +
                             std::to_string(len));
    for (int64_t i = 0; i < n * len; ++i)
      if (ids[i] < 0 || ids[i] >= cfg_.text.vocab_size)
        return InvalidArgument("token id " + std::to_string(ids[i]) + " is outside the vocabulary");
    std::vector<float> out(static_cast<size_t>(n * d));
    for (int64_t b0 = 0; b0 < n; b0 += kMaxBatch) {
      const int64_t nb = std::min(kMaxBatch, n - b0);
      x_.resize(static_cast<size_t>(nb * len * d));
      for (int64_t i = 0; i < nb * len; ++i) {
        const int64_t id = ids[b0 * len + i], pos = i % len;
        for (int64_t j = 0; j < d; ++j)
          x_[static_cast<size_t>(i * d + j)] = token_emb_[static_cast<size_t>(id * d + j)] +
                                               text_pos_[static_cast<size_t>(pos * d + j)];
      }
      // Pooling reads the last position alone: the last layer computes only its row.
      const std::vector<int64_t> last(static_cast<size_t>(nb), len - 1);
      for (size_t i = 0; i < text_layers_.size(); ++i) {
        if (i + 1 < text_layers_.size())
          RunEncoderLayer(text_layers_[i], tt, x_.data(), nb, len, false, nullptr, &scratch_);
        else
          RunEncoderLayerAt(text_layers_[i], tt, x_.data(), nb, len, false, nullptr, last.data(),
                            &scratch_);
      }
      pooled_.resize(static_cast<size_t>(nb * d));
      for (int64_t b = 0; b < nb; ++b)
        ops::LayerNorm(x_.data() + (b * len + len - 1) * d, 1, d, final_ln_g_.data(),
                       final_ln_b_.data(), tt.eps, pooled_.data() + b * d);
      ops::Linear(pooled_.data(), nb, text_head_w_, text_head_b_.data(), out.data() + b0 * d);
    }
    return out;
  }

 private:
  ImageTextConfig cfg_;
  std::vector<float> patch_b_, vision_pos_, post_ln_g_, post_ln_b_, probe_, in_proj_b_, head_out_b_,
      head_ln_g_, head_ln_b_, head_fc1_b_, head_fc2_b_, token_emb_, text_pos_, final_ln_g_,
      final_ln_b_, text_head_b_;
  ops::PackedWeights patch_w_, probe_q_w_, head_kv_w_, head_out_w_, head_fc1_w_, head_fc2_w_,
      text_head_w_;
  // Images / texts per matrix product (196 tokens each for base-patch16-224).
  static constexpr int64_t kMaxBatch = 16;
  std::vector<EncoderLayer> vision_layers_, text_layers_;
  ops::Precision precision_ = ops::Precision::kFloat32;
  bool switched_ = false;  // UsePrecision succeeded once
  // Image products are tuned at a batch's rows, up to this many (more costs load time and
  // does not change which backend wins).
  static constexpr int64_t kTuneRows = 256;
  float logit_scale_ = 1.0f, logit_bias_ = 0.0f;
  std::vector<float> patches_, x_, kv_, pooled_, norm_, mlp_;
  Scratch scratch_;
};

}  // namespace

Result<std::unique_ptr<ImageTextNetwork>> LoadSiglip(const ImageTextConfig& config,
                                                     WeightLoader& weights) {
  auto m = std::make_unique<SiglipNetwork>(config);
  SHOEBOX_RETURN_IF_ERROR(m->Load(weights, weights.label()));
  return std::unique_ptr<ImageTextNetwork>(std::move(m));
}

void SiglipConfigDefaults(const nlohmann::json& root, const nlohmann::json& text,
                          const nlohmann::json& vision, ImageTextConfig* c) {
  c->text.tower = {768, 3072, 12, 12, 1e-6f, ops::Activation::kGeluTanh};
  c->vision.tower = {768, 3072, 12, 12, 1e-6f, ops::Activation::kGeluTanh};
  c->text.vocab_size = ConfigOr<int64_t>(text, "vocab_size", 32000);
  c->text.max_positions = ConfigOr<int64_t>(text, "max_position_embeddings", 64);
  c->text.eos_token_id = ConfigOr<int64_t>(text, "eos_token_id", 49407);
  c->vision.patch_size = ConfigOr<int64_t>(vision, "patch_size", 16);
}

}  // namespace shoebox::engine
