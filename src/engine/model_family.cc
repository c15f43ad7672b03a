#include "engine/model_family.h"

#include <cmath>

#include "engine/clip/clip_model.h"
#include "engine/siglip/siglip_model.h"
#include "engine/tokenizer/clip_tokenizer.h"
#include "engine/tokenizer/siglip_tokenizer.h"

namespace shoebox::engine {
namespace {

// CLIP's BPE: padded with EOS, with an attention mask (the text tower masks padding).
class ClipText : public TextTokenizer {
 public:
  explicit ClipText(std::unique_ptr<ClipTokenizer> t) : t_(std::move(t)) {}
  void Encode(const std::string& text, int64_t len, std::vector<int64_t>* ids,
              std::vector<int64_t>* mask) const override {
    Encoding e = t_->Encode(text);
    e.ids.resize(static_cast<size_t>(len), e.ids.back());
    e.attention_mask.resize(static_cast<size_t>(len), 0);
    ids->insert(ids->end(), e.ids.begin(), e.ids.end());
    mask->insert(mask->end(), e.attention_mask.begin(), e.attention_mask.end());
  }
  bool uses_mask() const override { return true; }

 private:
  std::unique_ptr<ClipTokenizer> t_;
};

// SigLIP's SentencePiece: padded to the full length, no mask (SigLIP runs without one).
class SiglipText : public TextTokenizer {
 public:
  explicit SiglipText(std::unique_ptr<SiglipTokenizer> t) : t_(std::move(t)) {}
  void Encode(const std::string& text, int64_t len, std::vector<int64_t>* ids,
              std::vector<int64_t>*) const override {
    std::vector<int64_t> e = t_->Encode(text);
    e.resize(static_cast<size_t>(len), e.back());
    ids->insert(ids->end(), e.begin(), e.end());
  }
  bool uses_mask() const override { return false; }

 private:
  std::unique_ptr<SiglipTokenizer> t_;
};

template <typename Tokenizer, typename Adapter>
Result<std::unique_ptr<TextTokenizer>> MakeTokenizer(const std::filesystem::path& dir) {
  auto t = Tokenizer::Load(dir);
  if (!t.ok()) return t.status();
  return std::unique_ptr<TextTokenizer>(new Adapter(std::move(*t)));
}

std::optional<double> NoProbability(float, const ImageTextNetwork&) { return std::nullopt; }

std::optional<double> Sigmoid(float score, const ImageTextNetwork& net) {
  return 1.0 / (1.0 + std::exp(-(score * net.logit_scale() + net.logit_bias())));
}

}  // namespace

const std::vector<ModelFamily>& ModelFamilies() {
  static const std::vector<ModelFamily> all = {
      {"clip", ClipConfigDefaults, LoadClip, MakeTokenizer<ClipTokenizer, ClipText>, NoProbability},
      {"siglip", SiglipConfigDefaults, LoadSiglip, MakeTokenizer<SiglipTokenizer, SiglipText>,
       Sigmoid},
  };
  return all;
}

Result<const ModelFamily*> FindModelFamily(std::string_view model_type, const std::string& label) {
  std::string names;
  for (const ModelFamily& f : ModelFamilies()) {
    if (f.model_type == model_type) return &f;
    names += (names.empty() ? "" : ", ") + std::string(f.model_type);
  }
  return Unsupported(label + ": model_type '" + std::string(model_type) +
                     "' is not supported (supported: " + names + ")");
}

}  // namespace shoebox::engine
