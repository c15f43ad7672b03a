// An image-text embedding model (CLIP, SigLIP) loaded from a Hugging Face model folder:
// config.json + model.safetensors, exactly as their authors publish them.
//
// Families register in one place: the table in model_family.cc, found by config.json's
// model_type. Adding one: docs/adding-a-model.md.
// Thread-safety: Encode* calls on one object must not overlap (they reuse buffers).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/tensor/product_tuner.h"

namespace shoebox::engine {

class ImageTextNetwork {
 public:
  virtual ~ImageTextNetwork() = default;

  virtual std::string family() const = 0;   // its model_family.h row: "clip", "siglip"
  virtual int64_t image_size() const = 0;   // input side in pixels (224...)
  virtual int64_t embed_dim() const = 0;    // length of image and text embeddings
  virtual int64_t text_length() const = 0;  // token positions (77 CLIP, 64 SigLIP)
  virtual float logit_scale() const = 0;    // exp() already applied
  virtual float logit_bias() const { return 0.0f; }
  // How its text tower reads a batch (for callers without a tokenizer, e.g. benchmarks): the
  // id that pads a text, and whether it takes an attention mask.
  virtual int64_t pad_token_id() const = 0;
  virtual bool text_uses_mask() const = 0;

  // Switches both towers' encoder layers from float32 to p (bf16, int8: 1.5-4x the images/s
  // where the CPU has the instructions; cosine to float32 >= 0.999 on the golden models),
  // each product on the backend the tuner measures fastest for its shape
  // (tensor/product_tuner.h; no tuner: our kernels where they run p). The image tower is
  // tuned at a full batch's rows, the text tower at one query's. Also for p = float32, to
  // pick its backends. False, the model unchanged, where p cannot run here (bf16 without
  // native bf16 dot products) or after an earlier switch.
  virtual bool UsePrecision(ops::Precision p, ops::ProductTuner* tuner) = 0;
  // "float32", "bf16" or "int8".
  virtual std::string precision() const = 0;
  // A copy that shares the weight matrices with this one (UsePrecision on either replaces only
  // its own; the small tensors are copied): to try several precisions from one load.
  virtual std::unique_ptr<ImageTextNetwork> Clone() const = 0;
  // How many layer products of each tower run on each backend:
  // {"image": {"onednn int8": 48}, "text": {"ours int8": 48}}.
  virtual std::map<std::string, std::map<std::string, int>> backends() const = 0;

  // pixels: [n, 3, S, S] float32, already normalised by the preprocessor.
  // Returns [n, embed_dim] embeddings before L2 normalisation.
  virtual Result<std::vector<float>> EncodeImages(const float* pixels, int64_t n) = 0;
  // ids: [n, len] token ids; mask: [n, len] attention mask or null (all ones).
  virtual Result<std::vector<float>> EncodeTexts(const int64_t* ids, const int64_t* mask, int64_t n,
                                                 int64_t len) = 0;
};

// What a load found in the packed-weights cache.
struct PackCacheStats {
  int64_t hits = 0, misses = 0;  // matrices mapped from the cache / packed from the checkpoint
  std::filesystem::path file;
};

struct LoadOptions {
  // Where packed weights are cached between loads (engine/weights/pack_cache.h); empty: none.
  std::filesystem::path pack_cache_dir;
  PackCacheStats* pack_cache_stats = nullptr;  // filled after a load with a cache
  // UsePrecision(precision) after loading (stays float32 where the CPU cannot run it).
  ops::Precision precision = ops::Precision::kFloat32;
  // Where the product tuner keeps its choices; empty: no tuning, our kernels (reproducible
  // to the bit from run to run, which tests rely on).
  std::filesystem::path tuning_file;
  // Instead of `precision`: the fastest of float32, bf16 and int8 whose embeddings stay
  // within cosine 0.999 of float32's on probe images and texts, measured at the model's
  // first load on this machine (the model loaded once per mode) and kept in tuning_file.
  bool auto_precision = false;
};

// Reads config.json and model.safetensors from dir. Errors name the file and the problem
// (unsupported model_type, missing tensors listed, malformed weights).
Result<std::unique_ptr<ImageTextNetwork>> LoadImageTextNetwork(const std::filesystem::path& dir,
                                                               const LoadOptions& options = {});

// Writes dir/config.json and dir/model.safetensors (float32) holding the random weights of
// CreateRandomImageTextNetwork, under the Hub's parameter names: a real-sized checkpoint for
// load benchmarks.
Status WriteRandomCheckpoint(const std::string& config_json, const std::filesystem::path& dir,
                             uint64_t seed);

// The architecture a config.json describes, with random weights: for benchmarks.
Result<std::unique_ptr<ImageTextNetwork>> CreateRandomImageTextNetwork(
    const std::string& config_json, const std::string& label, uint64_t seed);

// In-place L2 normalisation of each of the n rows of length dim.
void NormalizeRows(float* x, int64_t n, int64_t dim);

}  // namespace shoebox::engine
