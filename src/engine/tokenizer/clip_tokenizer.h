// CLIP's byte-level BPE tokenizer, as transformers' CLIPTokenizer (with ftfy) and OpenAI's
// simple_tokenizer compute it, from the Hub files vocab.json + merges.txt (+
// tokenizer_config.json).
//
// text -> special tokens split out -> ftfy subset + whitespace clean-up + lower-case ->
// pre-tokenizer regex ('s|'t|...|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+) -> bytes as unicode
// characters -> BPE with merge ranks -> [BOS] + ids[:max-2] + [EOS], padded to max.
// Thread-safe for concurrent Encode calls (the BPE cache is guarded).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace shoebox::engine {

struct Encoding {
  std::vector<int64_t> ids;             // exactly max_length
  std::vector<int64_t> attention_mask;  // 1 for real tokens, 0 for padding
  int num_tokens = 0;                   // real tokens, BOS and EOS included
  bool truncated = false;
};

class ClipTokenizer {
 public:
  // dir holds vocab.json and merges.txt; tokenizer_config.json is optional.
  static Result<std::unique_ptr<ClipTokenizer>> Load(const std::filesystem::path& dir);

  Encoding Encode(const std::string& text) const;
  // The BPE pieces (vocabulary strings) of the text, without BOS/EOS, for debugging and tests.
  std::vector<std::string> Pieces(const std::string& text) const;
  int max_length() const { return max_length_; }

 private:
  ClipTokenizer() = default;
  std::vector<std::string> Bpe(const std::string& word_in_byte_chars) const;
  void AppendIds(const std::string& chunk, std::vector<int64_t>* ids,
                 std::vector<std::string>* pieces) const;

  std::unordered_map<std::string, int64_t> vocab_;
  std::unordered_map<std::string, int> merge_rank_;  // "left right" -> rank
  std::string byte_char_[256];                       // bytes_to_unicode, as UTF-8
  int64_t bos_ = 49406, eos_ = 49407, pad_ = 49407;
  std::string bos_text_ = "<|startoftext|>", eos_text_ = "<|endoftext|>";
  int max_length_ = 77;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, std::vector<std::string>> cache_;
};

}  // namespace shoebox::engine
