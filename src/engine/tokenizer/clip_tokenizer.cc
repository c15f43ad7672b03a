#include "engine/tokenizer/clip_tokenizer.h"

#include <climits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "base/file_io.h"
#include "engine/tokenizer/text_cleanup.h"

namespace shoebox::engine {
namespace {

using nlohmann::json;

// A special token in tokenizer_config.json: a string, or {"content": ...} (older Hub layout).
std::string TokenText(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.contains("content") && j["content"].is_string())
    return j["content"].get<std::string>();
  return {};
}

// The pre-tokenizer regex of the reference, on lower-cased text:
// 's|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
std::vector<std::u32string> PreTokenize(const std::u32string& s) {
  static const std::u32string kContractions[] = {U"'s", U"'t",  U"'re", U"'ve",
                                                 U"'m", U"'ll", U"'d"};
  std::vector<std::u32string> out;
  size_t i = 0;
  while (i < s.size()) {
    char32_t c = s[i];
    if (text::IsPythonWhitespace(c)) {
      ++i;
      continue;
    }
    bool matched = false;
    if (c == U'\'') {
      for (const auto& k : kContractions)
        if (s.compare(i, k.size(), k) == 0) {
          out.push_back(k);
          i += k.size();
          matched = true;
          break;
        }
    }
    if (matched) continue;
    size_t j = i + 1;
    if (text::IsLetter(c)) {
      while (j < s.size() && text::IsLetter(s[j])) ++j;
    } else if (text::IsNumber(c)) {
      // one number character per piece
    } else {
      while (j < s.size() && !text::IsPythonWhitespace(s[j]) && !text::IsLetter(s[j]) &&
             !text::IsNumber(s[j]))
        ++j;
    }
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ClipTokenizer>> ClipTokenizer::Load(const std::filesystem::path& dir) {
  std::unique_ptr<ClipTokenizer> t(new ClipTokenizer());
  auto missing = [&](const char* name) -> std::optional<Status> {
    std::error_code ec;
    if (std::filesystem::exists(dir / name, ec)) return std::nullopt;
    return NotFound((dir / name).string() +
                    " is missing: a CLIP model folder needs the tokenizer's vocab.json and "
                    "merges.txt beside its weights (copy them from the model's repository, or let "
                    "`shoebox models pull` download the whole model)");
  };
  if (auto st = missing("vocab.json")) return *st;
  auto vocab_bytes = ReadWholeFile(dir / "vocab.json", 64 << 20);
  if (!vocab_bytes.ok())
    return Status(vocab_bytes.status().code(),
                  (dir / "vocab.json").string() + ": " + vocab_bytes.status().message());
  json vocab = json::parse(vocab_bytes->begin(), vocab_bytes->end(), nullptr, false);
  if (vocab.is_discarded() || !vocab.is_object())
    return Corrupt((dir / "vocab.json").string() + ": not a JSON object");
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer())
      return Corrupt((dir / "vocab.json").string() + ": id of '" + it.key() +
                     "' is not an integer");
    t->vocab_[it.key()] = it.value().get<int64_t>();
  }
  if (auto st = missing("merges.txt")) return *st;
  auto merges_bytes = ReadWholeFile(dir / "merges.txt", 64 << 20);
  if (!merges_bytes.ok())
    return Status(merges_bytes.status().code(),
                  (dir / "merges.txt").string() + ": " + merges_bytes.status().message());
  std::istringstream merges(std::string(merges_bytes->begin(), merges_bytes->end()));
  std::string line;
  int rank = 0;
  while (std::getline(merges, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string::npos)
      return Corrupt((dir / "merges.txt").string() + ": line " + std::to_string(rank + 2) +
                     " is not 'left right'");
    t->merge_rank_.emplace(line, rank++);
  }
  // OpenAI's bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n.
  int n = 0;
  for (int b = 0; b < 256; ++b) {
    bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    char32_t c = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
    t->byte_char_[b] = text::ToUtf8(std::u32string(1, c));
  }
  auto config_bytes = ReadWholeFile(dir / "tokenizer_config.json", 16 << 20);
  if (config_bytes.ok()) {
    json cfg = json::parse(config_bytes->begin(), config_bytes->end(), nullptr, false);
    if (cfg.is_object()) {
      if (cfg.contains("bos_token") && !TokenText(cfg["bos_token"]).empty())
        t->bos_text_ = TokenText(cfg["bos_token"]);
      if (cfg.contains("eos_token") && !TokenText(cfg["eos_token"]).empty())
        t->eos_text_ = TokenText(cfg["eos_token"]);
      std::string pad = cfg.contains("pad_token") ? TokenText(cfg["pad_token"]) : "";
      if (cfg.contains("model_max_length") && cfg["model_max_length"].is_number_integer()) {
        int64_t m = cfg["model_max_length"].get<int64_t>();
        if (m >= 2 && m <= 4096) t->max_length_ = static_cast<int>(m);  // HF writes 1e30 for "none"
      }
      if (!pad.empty() && t->vocab_.count(pad)) t->pad_ = t->vocab_[pad];
    }
  }
  for (auto [text, id] :
       {std::pair<std::string*, int64_t*>{&t->bos_text_, &t->bos_}, {&t->eos_text_, &t->eos_}}) {
    auto it = t->vocab_.find(*text);
    if (it == t->vocab_.end())
      return Corrupt((dir / "vocab.json").string() + ": special token " + *text + " missing");
    *id = it->second;
  }
  return t;
}

std::vector<std::string> ClipTokenizer::Bpe(const std::string& word) const {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (auto it = cache_.find(word); it != cache_.end()) return it->second;
  }
  // Split into characters (UTF-8 sequences); the last one carries the end-of-word mark.
  std::vector<std::string> parts;
  for (size_t i = 0; i < word.size();) {
    unsigned char b = static_cast<unsigned char>(word[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : 4;
    parts.push_back(word.substr(i, len));
    i += len;
  }
  if (parts.empty()) return {};
  parts.back() += "</w>";
  while (parts.size() > 1) {
    int best = INT_MAX;
    size_t best_i = 0;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      auto it = merge_rank_.find(parts[i] + " " + parts[i + 1]);
      if (it != merge_rank_.end() && it->second < best) {
        best = it->second;
        best_i = i;
      }
    }
    if (best == INT_MAX) break;
    // Merge every occurrence of that pair, left to right.
    const std::string left = parts[best_i], right = parts[best_i + 1];
    std::vector<std::string> merged;
    for (size_t i = 0; i < parts.size();) {
      if (i + 1 < parts.size() && parts[i] == left && parts[i + 1] == right) {
        merged.push_back(left + right);
        i += 2;
      } else {
        merged.push_back(parts[i++]);
      }
    }
    parts.swap(merged);
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (cache_.size() < 100000) cache_.emplace(word, parts);
  return parts;
}

void ClipTokenizer::AppendIds(const std::string& chunk, std::vector<int64_t>* ids,
                              std::vector<std::string>* pieces) const {
  std::string clean = text::Lower(text::CollapseWhitespace(text::FixText(chunk)));
  for (const std::u32string& piece : PreTokenize(text::ToUtf32(clean))) {
    std::string bytes = text::ToUtf8(piece), mapped;
    for (unsigned char b : bytes) mapped += byte_char_[b];
    for (const std::string& token : Bpe(mapped)) {
      auto it = vocab_.find(token);
      if (it == vocab_.end()) continue;  // cannot happen with a complete byte-level vocabulary
      ids->push_back(it->second);
      if (pieces) pieces->push_back(token);
    }
  }
}

std::vector<std::string> ClipTokenizer::Pieces(const std::string& text) const {
  std::vector<int64_t> ids;
  std::vector<std::string> pieces;
  AppendIds(text, &ids, &pieces);
  return pieces;
}

Encoding ClipTokenizer::Encode(const std::string& text) const {
  std::vector<int64_t> ids;
  // Special tokens written literally in the text are split out first, as HF does.
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t b = text.find(bos_text_, pos), e = text.find(eos_text_, pos);
    size_t next = std::min(b, e);
    AppendIds(text.substr(pos, next == std::string::npos ? std::string::npos : next - pos), &ids,
              nullptr);
    if (next == std::string::npos) break;
    ids.push_back(next == b ? bos_ : eos_);
    pos = next + (next == b ? bos_text_.size() : eos_text_.size());
  }
  Encoding enc;
  const size_t room = static_cast<size_t>(max_length_ - 2);
  enc.truncated = ids.size() > room;
  if (enc.truncated) ids.resize(room);
  enc.ids.push_back(bos_);
  enc.ids.insert(enc.ids.end(), ids.begin(), ids.end());
  enc.ids.push_back(eos_);
  enc.num_tokens = static_cast<int>(enc.ids.size());
  enc.attention_mask.assign(enc.ids.size(), 1);
  enc.ids.resize(static_cast<size_t>(max_length_), pad_);
  enc.attention_mask.resize(static_cast<size_t>(max_length_), 0);
  return enc;
}

}  // namespace shoebox::engine
