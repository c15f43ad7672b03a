#include "engine/tokenizer/siglip_tokenizer.h"

#include <sentencepiece_processor.h>

#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "engine/tokenizer/text_cleanup.h"

namespace shoebox::engine {
namespace {

constexpr const char* kEos = "</s>";
constexpr const char* kUnk = "<unk>";
constexpr const char* kMarker = "\xE2\x96\x81";  // U+2581, SentencePiece's space

bool ReadVarint(const std::string& s, size_t* pos, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && *pos < s.size(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(s[(*pos)++]);
    *v |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

void WriteVarint(uint64_t v, std::string* out) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out->push_back(static_cast<char>(b | (v ? 0x80 : 0)));
  } while (v);
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

std::string Strip(const std::string& s) {
  std::u32string u = text::ToUtf32(s);
  size_t b = 0, e = u.size();
  while (b < e && text::IsPythonWhitespace(u[b])) ++b;
  while (e > b && text::IsPythonWhitespace(u[e - 1])) --e;
  return text::ToUtf8(u.substr(b, e - b));
}

}  // namespace

SiglipTokenizer::~SiglipTokenizer() = default;

std::string SiglipTokenizer::WithoutDummyPrefix(const std::string& proto) {
  // Protobuf wire format: ModelProto field 3 is normalizer_spec, whose field 3 is
  // add_dummy_prefix. Appending "3: false" to that message overrides it (last value wins).
  std::string out;
  size_t pos = 0;
  bool patched = false;
  while (pos < proto.size()) {
    size_t start = pos;
    uint64_t tag;
    if (!ReadVarint(proto, &pos, &tag)) return {};
    uint32_t field = static_cast<uint32_t>(tag >> 3), type = tag & 7;
    if (type == 2) {
      uint64_t len;
      if (!ReadVarint(proto, &pos, &len) || len > proto.size() - pos) return {};
      if (field == 3) {
        std::string body = proto.substr(pos, len) + std::string("\x18\x00", 2);
        WriteVarint(tag, &out);
        WriteVarint(body.size(), &out);
        out += body;
        patched = true;
      } else {
        out += proto.substr(start, pos - start + len);
      }
      pos += len;
    } else if (type == 0) {
      uint64_t v;
      if (!ReadVarint(proto, &pos, &v)) return {};
      out += proto.substr(start, pos - start);
    } else if (type == 1 || type == 5) {
      size_t n = type == 1 ? 8 : 4;
      if (pos + n > proto.size()) return {};
      pos += n;
      out += proto.substr(start, pos - start);
    } else {
      return {};
    }
  }
  if (!patched) out += std::string("\x1a\x02\x18\x00", 4);
  return out;
}

std::string SiglipTokenizer::Canonicalize(const std::string& utf8) {
  std::string kept;
  for (char c : utf8) {
    // Python's string.punctuation, ASCII only: ¿ ¡ ’ “ stay.
    if (c > 0 && std::ispunct(static_cast<unsigned char>(c))) continue;
    kept.push_back(c);
  }
  return Strip(text::CollapseWhitespace(kept));
}

Result<std::unique_ptr<SiglipTokenizer>> SiglipTokenizer::Load(const std::filesystem::path& dir) {
  std::filesystem::path model = dir / "spiece.model";
  if (!std::filesystem::exists(model)) model = dir / "tokenizer.model";
  if (!std::filesystem::exists(model))
    return NotFound(dir.string() +
                    ": no spiece.model or tokenizer.model (the SentencePiece vocabulary)");
  auto bytes = ReadWholeFile(model, 256 << 20);
  if (!bytes.ok())
    return Status(bytes.status().code(), model.string() + ": " + bytes.status().message());
  std::string patched = WithoutDummyPrefix(std::string(bytes->begin(), bytes->end()));
  if (patched.empty())
    return Corrupt(model.string() + ": not a SentencePiece model (bad protobuf)");
  std::unique_ptr<SiglipTokenizer> t(new SiglipTokenizer());
  t->sp_ = std::make_unique<sentencepiece::SentencePieceProcessor>();
  auto st = t->sp_->LoadFromSerializedProto(patched);
  if (!st.ok())
    return Corrupt(model.string() + ": not a SentencePiece model (" + st.ToString() + ")");
  t->eos_ = t->sp_->PieceToId(kEos);
  t->unk_ = t->sp_->PieceToId(kUnk);
  t->pad_ = t->eos_;
  if (t->sp_->IdToPiece(static_cast<int>(t->eos_)) != kEos)
    return Corrupt(model.string() + ": the vocabulary has no </s> piece");
  std::vector<int> unk_ids;
  t->sp_->Encode(kUnk, &unk_ids);
  t->unk_prefix_pieces_ = unk_ids.size();
  auto cfg_bytes = ReadWholeFile(dir / "tokenizer_config.json", 16 << 20);
  if (cfg_bytes.ok()) {
    auto cfg = nlohmann::json::parse(cfg_bytes->begin(), cfg_bytes->end(), nullptr, false);
    if (cfg.is_object() && cfg.contains("model_max_length") &&
        cfg["model_max_length"].is_number_integer()) {
      int64_t m = cfg["model_max_length"].get<int64_t>();
      if (m >= 2 && m <= 4096) t->max_length_ = static_cast<int>(m);
    }
  }
  return t;
}

void SiglipTokenizer::AppendChunk(const std::string& chunk, std::vector<int64_t>* ids) const {
  std::string canon = Canonicalize(chunk);
  std::vector<int> pieces;
  sp_->Encode(std::string(kUnk) + canon, &pieces);
  for (size_t i = unk_prefix_pieces_; i < pieces.size(); ++i) ids->push_back(pieces[i]);
}

std::vector<int64_t> SiglipTokenizer::Encode(const std::string& raw) const {
  std::string text = text::Lower(std::string(kMarker) + ReplaceAll(raw, kMarker, " "));
  std::vector<int64_t> ids;
  size_t pos = 0;
  bool strip_left = false;
  for (;;) {
    size_t e = text.find(kEos, pos), u = text.find(kUnk, pos);
    size_t next = std::min(e, u);
    std::string chunk =
        text.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    // Special tokens swallow the whitespace beside them (lstrip / rstrip).
    if (strip_left)
      chunk = Strip(chunk).empty() ? "" : chunk.substr(chunk.find_first_not_of(" \t\n\r\f\v"));
    if (next != std::string::npos) {
      size_t end = chunk.find_last_not_of(" \t\n\r\f\v");
      chunk = end == std::string::npos ? "" : chunk.substr(0, end + 1);
    }
    if (!chunk.empty()) AppendChunk(chunk, &ids);
    if (next == std::string::npos) break;
    ids.push_back(next == e ? eos_ : unk_);
    pos = next + (next == e ? std::strlen(kEos) : std::strlen(kUnk));
    strip_left = true;
  }
  const size_t room = static_cast<size_t>(max_length_ - 1);
  if (ids.size() > room) ids.resize(room);
  if (ids.empty() || ids.back() != eos_) ids.push_back(eos_);
  ids.resize(static_cast<size_t>(max_length_), pad_);
  return ids;
}

}  // namespace shoebox::engine
