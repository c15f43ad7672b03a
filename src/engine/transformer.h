// Shared pieces of the CLIP and SigLIP towers: weight loading by Hugging Face parameter
// name with shape checks, and the pre-LayerNorm encoder layer both families use.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/tensor/gemm.h"
#include "engine/tensor/int8_gemm.h"
#include "engine/tensor/onednn_linear.h"
#include "engine/tensor/ops.h"
#include "engine/tensor/product_tuner.h"
#include "engine/weights/pack_cache.h"
#include "engine/weights/safetensors.h"

namespace shoebox::engine {

// Pulls float32 copies of named tensors out of a checkpoint, collecting every problem
// (missing tensor, wrong shape) so that one error can list them all.
class WeightLoader {
 public:
  // file == nullptr: every tensor is drawn at random (N(0, 0.02), LayerNorm gains 1), in the
  // shapes the config implies; for benchmarks of real architectures without real weights.
  WeightLoader(const SafetensorsFile* file, std::string label, uint64_t seed = 0)
      : file_(file), label_(std::move(label)), rng_state_(seed * 2654435761u + 12345) {}
  // Returns the tensor (empty on error, recorded). expected: the shape config.json implies.
  // The checkpoint's pages of a tensor are released once copied (see DoneWith).
  std::vector<float> Get(const std::string& name, const std::vector<int64_t>& expected);
  // A [out, in] matrix (stored with shape `expected`, e.g. a convolution's [out, 3, p, p])
  // packed for the matrix kernel straight from the mapped file when it is float32.
  ops::PackedWeights GetPacked(const std::string& name, int64_t out, int64_t in,
                               const std::vector<int64_t>& expected);
  // A packed matrix by a name of ours: from the pack cache when one is set and holds it,
  // else make() (which reads and packs from the checkpoint).
  ops::PackedWeights Packed(const std::string& name, int64_t out, int64_t in,
                            const std::function<ops::PackedWeights()>& make);
  void set_pack_cache(PackCache* cache) { cache_ = cache; }
  // Random weights only: keep each drawn tensor (name, shape, values), e.g. to write a
  // checkpoint in a real architecture's shapes for load benchmarks.
  struct Drawn {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> values;
  };
  void set_record(std::vector<Drawn>* record) { record_ = record; }
  // OK, or kCorrupt/kNotFound listing every missing or mis-shaped tensor.
  Status Finish() const;
  const std::string& label() const { return label_; }

 private:
  std::vector<float> Random(const std::string& name, int64_t n);
  const TensorView* Lookup(const std::string& name, const std::vector<int64_t>& expected);
  const SafetensorsFile* file_;
  PackCache* cache_ = nullptr;
  std::vector<Drawn>* record_ = nullptr;
  std::string label_;
  uint64_t rng_state_;
  std::vector<std::string> missing_, wrong_;
};

struct TowerConfig {
  int64_t hidden = 768, intermediate = 3072, layers = 12, heads = 12;
  float eps = 1e-5f;
  ops::Activation act = ops::Activation::kQuickGelu;
  int64_t head_dim() const { return hidden / heads; }
};

// One of a layer's matrices, held by the backend that runs it: our float32 kernel (w), our
// int8 kernel (q) or oneDNN in any precision (d). Exactly one is set.
struct LayerMatrix {
  ops::PackedWeights w;
  ops::QuantizedWeights q;
  ops::OnednnWeights d;
  // "ours float32", "ours int8", "onednn bf16"...
  std::string backend() const;
};

// Weights of one layer; q, k and v projections packed as one [3 hidden, hidden] product.
struct EncoderLayer {
  std::vector<float> ln1_g, ln1_b, qkv_b, o_b, ln2_g, ln2_b, fc1_b, fc2_b;
  LayerMatrix qkv, o, fc1, fc2;
};

// Whether a tower's layers can run in precision p on this CPU.
bool CanRunPrecision(ops::Precision p);
// Switches the layers' four matrix products from float32 to p, each matrix on the backend
// the tuner picks for its shape at `rows` rows (no tuner: ours where ours runs p, else
// oneDNN), and frees the float32 copies no longer used. False, with the layers untouched,
// where p cannot run here. Attention, LayerNorm and the towers' embeddings, heads and
// projections stay float32.
bool SetLayerPrecision(std::vector<EncoderLayer>& layers, ops::Precision p, int64_t rows,
                       ops::ProductTuner* tuner);
// Both towers of a model at once, or neither (see ImageTextNetwork::UsePrecision).
bool SetTowersPrecision(std::vector<EncoderLayer>& image, int64_t image_rows,
                        std::vector<EncoderLayer>& text, int64_t text_rows, ops::Precision p,
                        ops::ProductTuner* tuner);
// How many of the layers' products run on each backend: {"onednn int8": 48, ...}.
void CountBackends(const std::vector<EncoderLayer>& layers, std::map<std::string, int>* counts);
// Both towers': {"image": {...}, "text": {...}} (ImageTextNetwork::backends).
std::map<std::string, std::map<std::string, int>> TowersBackends(
    const std::vector<EncoderLayer>& image, const std::vector<EncoderLayer>& text);

// Loads [out, in] weights and packs them for the matrix-product kernel; empty on error
// (recorded in the loader).
ops::PackedWeights GetPacked(WeightLoader& w, const std::string& name, int64_t out, int64_t in);

// prefix: e.g. "vision_model.encoder.layers."
std::vector<EncoderLayer> LoadEncoderLayers(WeightLoader& w, const std::string& prefix,
                                            const TowerConfig& cfg);

// Reusable activation buffers (sized on first use, then kept: fresh pages are expensive).
struct Scratch {
  std::vector<float> norm, qkv, attn, mlp, picked;
  void Reserve(int64_t rows, int64_t t, const TowerConfig& cfg);
};

// x[batch * t, hidden] <- layer(x) for `batch` sequences of t tokens each:
// x += out(attn(LN1 x)); x += fc2(act(fc1(LN2 x))). The projections and the MLP run as one
// matrix product over all batch * t rows, with bias, activation and residual fused into it;
// attention runs per (sequence, head) on the compute pool. key_valid: [batch, t] or null;
// causal: see ops::Attention.
void RunEncoderLayer(const EncoderLayer& layer, const TowerConfig& cfg, float* x, int64_t batch,
                     int64_t t, bool causal, const int64_t* key_valid, Scratch* s);

// The same layer where only one position per sequence is read afterwards (the last layer
// before a class-token or EOS pooling): keys and values come from every position, but the
// attention output, projection and MLP are computed for position positions[b] of sequence b
// alone, which is written back into x; the other rows of x are left as they were. Exact:
// each row's arithmetic is the same as in RunEncoderLayer. (ViT-B/32 images: the MLP and
// projection of 49 of 50 tokens, ~7% of the tower, are skipped.)
void RunEncoderLayerAt(const EncoderLayer& layer, const TowerConfig& cfg, float* x, int64_t batch,
                       int64_t t, bool causal, const int64_t* key_valid, const int64_t* positions,
                       Scratch* s);

}  // namespace shoebox::engine
