#include "engine/transformer.h"

#include <algorithm>

#include "engine/tensor/compute_pool.h"

namespace shoebox::engine {
namespace {

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

std::vector<float> WeightLoader::Random(const std::string& name, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  bool gain = name.find("norm") != std::string::npos && name.ends_with(".weight");
  for (auto& x : v) {
    // xorshift64*, then a sum of uniforms as a cheap near-normal
    float sum = 0;
    for (int k = 0; k < 4; ++k) {
      rng_state_ ^= rng_state_ >> 12;
      rng_state_ ^= rng_state_ << 25;
      rng_state_ ^= rng_state_ >> 27;
      sum += static_cast<float>((rng_state_ * 2685821657736338717ull) >> 40) /
                 static_cast<float>(1 << 24) -
             0.5f;
    }
    x = gain ? 1.0f : sum * 0.035f;  // std ~0.02
  }
  return v;
}

const TensorView* WeightLoader::Lookup(const std::string& name,
                                       const std::vector<int64_t>& expected) {
  const TensorView* t = file_->Find(name);
  if (!t) {
    missing_.push_back(name);
    return nullptr;
  }
  if (t->shape != expected) {
    wrong_.push_back(name + " is " + ShapeText(t->shape) + ", config implies " +
                     ShapeText(expected));
    return nullptr;
  }
  return t;
}

std::vector<float> WeightLoader::Get(const std::string& name,
                                     const std::vector<int64_t>& expected) {
  if (!file_) {
    int64_t n = 1;
    for (int64_t d : expected) n *= d;
    auto v = Random(name, n);
    if (record_) record_->push_back({name, expected, v});
    return v;
  }
  const TensorView* t = Lookup(name, expected);
  if (!t) return {};
  auto f = ToFloat32(*t);
  if (!f.ok()) {
    wrong_.push_back(f.status().message());
    return {};
  }
  file_->DoneWith(*t);
  return std::move(*f);
}

ops::PackedWeights WeightLoader::Packed(const std::string& name, int64_t out, int64_t in,
                                        const std::function<ops::PackedWeights()>& make) {
  return cache_ ? cache_->Get(name, out, in, make) : make();
}

ops::PackedWeights WeightLoader::GetPacked(const std::string& name, int64_t out, int64_t in,
                                           const std::vector<int64_t>& expected) {
  return Packed(name, out, in, [&]() -> ops::PackedWeights {
    if (file_) {
      const TensorView* t = Lookup(name, expected);
      if (!t) return {};
      if (t->dtype == DType::kF32 && reinterpret_cast<uintptr_t>(t->data) % alignof(float) == 0) {
        auto packed = ops::PackedWeights::Pack(reinterpret_cast<const float*>(t->data), out, in);
        file_->DoneWith(*t);
        return packed;
      }
    }
    auto v = Get(name, expected);  // F16/BF16 (converted) or random
    if (v.empty()) return {};
    return ops::PackedWeights::Pack(v.data(), out, in);
  });
}

Status WeightLoader::Finish() const {
  if (missing_.empty() && wrong_.empty()) return Status::Ok();
  std::string msg = label_ + ": ";
  if (!missing_.empty()) {
    msg += std::to_string(missing_.size()) + " tensor(s) missing: ";
    for (size_t i = 0; i < missing_.size() && i < 20; ++i) msg += (i ? ", " : "") + missing_[i];
    if (missing_.size() > 20) msg += ", ...";
    if (!wrong_.empty()) msg += "; ";
  }
  for (size_t i = 0; i < wrong_.size() && i < 20; ++i) msg += (i ? "; " : "") + wrong_[i];
  return missing_.empty() ? Corrupt(msg) : NotFound(msg);
}

ops::PackedWeights GetPacked(WeightLoader& w, const std::string& name, int64_t out, int64_t in) {
  return w.GetPacked(name, out, in, {out, in});
}

std::vector<EncoderLayer> LoadEncoderLayers(WeightLoader& w, const std::string& prefix,
                                            const TowerConfig& cfg) {
  const int64_t d = cfg.hidden, m = cfg.intermediate;
  std::vector<EncoderLayer> layers(static_cast<size_t>(cfg.layers));
  for (int64_t i = 0; i < cfg.layers; ++i) {
    std::string p = prefix + std::to_string(i) + ".";
    EncoderLayer& l = layers[static_cast<size_t>(i)];
    l.ln1_g = w.Get(p + "layer_norm1.weight", {d});
    l.ln1_b = w.Get(p + "layer_norm1.bias", {d});
    std::vector<float> qkv_b;
    bool complete = true;
    for (const char* name : {"q_proj", "k_proj", "v_proj"}) {
      auto b = w.Get(p + "self_attn." + name + ".bias", {d});
      complete = complete && !b.empty();
      qkv_b.insert(qkv_b.end(), b.begin(), b.end());
    }
    l.qkv.w = w.Packed(p + "self_attn.qkv_proj.weight", 3 * d, d, [&]() -> ops::PackedWeights {
      std::vector<float> qkv;
      for (const char* name : {"q_proj", "k_proj", "v_proj"}) {
        auto wt = w.Get(p + "self_attn." + name + ".weight", {d, d});
        if (wt.empty()) return {};
        qkv.insert(qkv.end(), wt.begin(), wt.end());
      }
      return ops::PackedWeights::Pack(qkv.data(), 3 * d, d);
    });
    if (complete) l.qkv_b = std::move(qkv_b);
    l.o.w = GetPacked(w, p + "self_attn.out_proj.weight", d, d);
    l.o_b = w.Get(p + "self_attn.out_proj.bias", {d});
    l.ln2_g = w.Get(p + "layer_norm2.weight", {d});
    l.ln2_b = w.Get(p + "layer_norm2.bias", {d});
    l.fc1.w = GetPacked(w, p + "mlp.fc1.weight", m, d);
    l.fc1_b = w.Get(p + "mlp.fc1.bias", {m});
    l.fc2.w = GetPacked(w, p + "mlp.fc2.weight", d, m);
    l.fc2_b = w.Get(p + "mlp.fc2.bias", {d});
  }
  return layers;
}

void Scratch::Reserve(int64_t rows, int64_t t, const TowerConfig& cfg) {
  auto grow = [](std::vector<float>& v, int64_t n) {
    if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
  };
  grow(norm, rows * cfg.hidden);
  grow(qkv, rows * 3 * cfg.hidden);
  grow(attn, rows * cfg.hidden);
  grow(mlp, rows * cfg.intermediate);
  grow(picked, rows * cfg.hidden);
}

std::string LayerMatrix::backend() const {
  if (!d.empty()) return std::string("onednn ") + ops::OnednnTypeName(d.type());
  if (!q.empty()) return "ours int8";
  return "ours float32";
}

bool CanRunPrecision(ops::Precision p) { return !ops::ProductBackends(p).empty(); }

bool SetLayerPrecision(std::vector<EncoderLayer>& layers, ops::Precision p, int64_t rows,
                       ops::ProductTuner* tuner) {
  const std::vector<std::string> backends = ops::ProductBackends(p);
  if (backends.empty()) return false;
  for (const EncoderLayer& l : layers)
    for (const LayerMatrix* m : {&l.qkv, &l.o, &l.fc1, &l.fc2})
      if (m->w.empty()) return false;  // already switched
  const ops::OnednnType type = ops::OnednnTypeOf(p);
  // Backends first (timing needs the whole machine), then the conversions, one matrix per
  // compute-pool thread at a time (each is single-threaded: unpacking, rounding, reordering).
  std::map<std::pair<int64_t, int64_t>, std::string> chosen;  // per (out, in)
  std::vector<std::pair<LayerMatrix*, const std::string*>> work;
  for (EncoderLayer& l : layers) {
    for (LayerMatrix* m : {&l.qkv, &l.o, &l.fc1, &l.fc2}) {
      const std::pair<int64_t, int64_t> shape{m->w.out(), m->w.in()};
      std::string& backend = chosen[shape];
      if (backend.empty())
        backend = tuner ? tuner->Choose(p, {rows, shape.first, shape.second}) : backends.front();
      work.emplace_back(m, &backend);
    }
  }
  ops::ParallelFor(static_cast<int64_t>(work.size()), [&](int64_t i) {
    LayerMatrix* m = work[static_cast<size_t>(i)].first;
    if (*work[static_cast<size_t>(i)].second == "onednn") {
      m->d = ops::OnednnWeights::Make(m->w, type);
      if (!m->d.empty()) {
        m->w = ops::PackedWeights();
        return;
      }
    }
    // Ours (or oneDNN could not make it after all: ours where ours runs p).
    if (p == ops::Precision::kInt8 && ops::Int8Available()) {
      m->q = ops::QuantizedWeights::Quantize(m->w);
      m->w = ops::PackedWeights();
    }
  });
  return true;
}

bool SetTowersPrecision(std::vector<EncoderLayer>& image, int64_t image_rows,
                        std::vector<EncoderLayer>& text, int64_t text_rows, ops::Precision p,
                        ops::ProductTuner* tuner) {
  if (!CanRunPrecision(p)) return false;
  for (const auto* tower : {&image, &text})
    for (const EncoderLayer& l : *tower)
      if (l.qkv.w.empty()) return false;  // switched before
  return SetLayerPrecision(image, p, image_rows, tuner) &&
         SetLayerPrecision(text, p, text_rows, tuner);
}

void CountBackends(const std::vector<EncoderLayer>& layers, std::map<std::string, int>* counts) {
  for (const EncoderLayer& l : layers)
    for (const LayerMatrix* m : {&l.qkv, &l.o, &l.fc1, &l.fc2}) ++(*counts)[m->backend()];
}

std::map<std::string, std::map<std::string, int>> TowersBackends(
    const std::vector<EncoderLayer>& image, const std::vector<EncoderLayer>& text) {
  std::map<std::string, std::map<std::string, int>> b;
  CountBackends(image, &b["image"]);
  CountBackends(text, &b["text"]);
  return b;
}

namespace {

// One of the layer's products, on whichever backend holds it.
void Product(const float* x, int64_t rows, const LayerMatrix& m, const float* bias, float* y,
             const ops::LinearOptions& o = {}) {
  if (!m.d.empty())
    ops::Linear(x, rows, m.d, bias, y, o);
  else if (!m.q.empty())
    ops::Linear(x, rows, m.q, bias, y, o);
  else
    ops::Linear(x, rows, m.w, bias, y, o);
}

}  // namespace

void RunEncoderLayer(const EncoderLayer& l, const TowerConfig& cfg, float* x, int64_t batch,
                     int64_t t, bool causal, const int64_t* key_valid, Scratch* s) {
  const int64_t d = cfg.hidden, rows = batch * t, heads = cfg.heads, hd = cfg.head_dim();
  s->Reserve(rows, t, cfg);
  ops::LayerNorm(x, rows, d, l.ln1_g.data(), l.ln1_b.data(), cfg.eps, s->norm.data());
  Product(s->norm.data(), rows, l.qkv, l.qkv_b.data(), s->qkv.data());
  const float* qkv = s->qkv.data();
  float* attn = s->attn.data();
  ops::ParallelFor(batch * heads, [&](int64_t task) {
    const int64_t b = task / heads, h = task % heads;
    const float* q = qkv + b * t * 3 * d + h * hd;
    thread_local std::vector<float> scores;
    if (static_cast<int64_t>(scores.size()) < t * t) scores.resize(static_cast<size_t>(t * t));
    ops::Attention(q, q + d, q + 2 * d, 3 * d, t, t, 1, hd, causal,
                   key_valid ? key_valid + b * t : nullptr, attn + b * t * d + h * hd, d,
                   scores.data());
  });
  Product(attn, rows, l.o, l.o_b.data(), x, {.accumulate = true});
  ops::LayerNorm(x, rows, d, l.ln2_g.data(), l.ln2_b.data(), cfg.eps, s->norm.data());
  Product(s->norm.data(), rows, l.fc1, l.fc1_b.data(), s->mlp.data(), {.activation = cfg.act});
  Product(s->mlp.data(), rows, l.fc2, l.fc2_b.data(), x, {.accumulate = true});
}

void RunEncoderLayerAt(const EncoderLayer& l, const TowerConfig& cfg, float* x, int64_t batch,
                       int64_t t, bool causal, const int64_t* key_valid, const int64_t* positions,
                       Scratch* s) {
  const int64_t d = cfg.hidden, rows = batch * t, heads = cfg.heads, hd = cfg.head_dim();
  s->Reserve(rows, t, cfg);
  ops::LayerNorm(x, rows, d, l.ln1_g.data(), l.ln1_b.data(), cfg.eps, s->norm.data());
  Product(s->norm.data(), rows, l.qkv, l.qkv_b.data(), s->qkv.data());
  const float* qkv = s->qkv.data();
  float* attn = s->attn.data();  // [batch, d]: one query per sequence
  ops::ParallelFor(batch * heads, [&](int64_t task) {
    const int64_t b = task / heads, h = task % heads, pos = positions[b];
    const float* seq = qkv + b * t * 3 * d + h * hd;
    thread_local std::vector<float> scores;
    if (static_cast<int64_t>(scores.size()) < t) scores.resize(static_cast<size_t>(t));
    // Causal: the query at pos sees keys 0..pos, i.e. an unmasked attention over pos + 1 keys.
    ops::Attention(seq + pos * 3 * d, seq + d, seq + 2 * d, 3 * d, 1, causal ? pos + 1 : t, 1, hd,
                   false, key_valid ? key_valid + b * t : nullptr, attn + b * d + h * hd, d,
                   scores.data());
  });
  float* picked = s->picked.data();  // [batch, d]: the rows of x that are read afterwards
  for (int64_t b = 0; b < batch; ++b)
    std::copy(x + (b * t + positions[b]) * d, x + (b * t + positions[b] + 1) * d, picked + b * d);
  Product(attn, batch, l.o, l.o_b.data(), picked, {.accumulate = true});
  ops::LayerNorm(picked, batch, d, l.ln2_g.data(), l.ln2_b.data(), cfg.eps, s->norm.data());
  Product(s->norm.data(), batch, l.fc1, l.fc1_b.data(), s->mlp.data(), {.activation = cfg.act});
  Product(s->mlp.data(), batch, l.fc2, l.fc2_b.data(), picked, {.accumulate = true});
  for (int64_t b = 0; b < batch; ++b)
    std::copy(picked + b * d, picked + (b + 1) * d, x + (b * t + positions[b]) * d);
}

}  // namespace shoebox::engine
