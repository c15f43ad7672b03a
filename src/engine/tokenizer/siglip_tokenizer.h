// SigLIP's SentencePiece tokenizer, as transformers' SiglipTokenizer computes it, through
// libsentencepiece on the checkpoint's spiece.model:
// "▁" + text (▁ in the text becomes a space) -> lower-case -> literal special tokens split
// out (stripping the spaces around them) -> per chunk: drop ASCII punctuation, collapse
// whitespace -> SentencePiece without its dummy prefix -> ids[:max-1] + [</s>], padded with </s>.
// Thread-safe for concurrent Encode calls.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace shoebox::engine {

class SiglipTokenizer {
 public:
  // dir holds spiece.model (or tokenizer.model); tokenizer_config.json is optional.
  static Result<std::unique_ptr<SiglipTokenizer>> Load(const std::filesystem::path& dir);
  ~SiglipTokenizer();

  // Exactly max_length ids (no attention mask: SigLIP is run without one).
  std::vector<int64_t> Encode(const std::string& text) const;
  int max_length() const { return max_length_; }

  // SigLIP's text clean-up: ASCII punctuation removed, whitespace collapsed, stripped.
  static std::string Canonicalize(const std::string& utf8);
  // A serialized SentencePiece ModelProto with normalizer_spec.add_dummy_prefix = false.
  static std::string WithoutDummyPrefix(const std::string& model_proto);

 private:
  SiglipTokenizer() = default;
  void AppendChunk(const std::string& chunk, std::vector<int64_t>* ids) const;

  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
  int64_t eos_ = 1, unk_ = 2, pad_ = 1;
  size_t unk_prefix_pieces_ = 0;  // how many pieces "<unk>" encodes to (HF's dummy-prefix trick)
  int max_length_ = 64;
};

}  // namespace shoebox::engine
