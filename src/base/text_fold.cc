#include "base/text_fold.h"

#include <cstdint>

namespace shoebox {
namespace {

// U+00C0..U+017F folded to ASCII ('\0': keep the character).
char FoldLatin(uint32_t cp) {
  static const char* kLatin1 =  // U+00C0..U+00FF
      "aaaaaaaceeeeiiii"        // C0-CF (Æ -> a)
      "dnooooo\0ouuuuyts"       // D0-DF (× kept, Þ -> t, ß -> s)
      "aaaaaaaceeeeiiii"        // E0-EF
      "dnooooo\0ouuuuyty";      // F0-FF (÷ kept)
  static const char* kExtA =    // U+0100..U+017F, pairs upper/lower
      "aaaaaaccccccccdd"
      "ddeeeeeeeeeegggg"
      "gggghhhhiiiiiiii"
      "iijjjjkkklllllll"
      "lllnnnnnnnnnoooo"
      "oooorrrrrrssssss"
      "ssttttttuuuuuuuu"
      "uuuuwwyyyzzzzzzs";
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) return kExtA[cp - 0x100];
  return 0;
}

// Decodes one UTF-8 character at s[i]; advances i. Malformed bytes come back as themselves.
uint32_t Next(std::string_view s, size_t& i) {
  const unsigned char c = s[i];
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
  for (int k = 1; k < len; ++k) {
    const unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) {
      len = 1;
      cp = c;
      break;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += len;
  return cp;
}

void Append(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string FoldText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const uint32_t cp = Next(s, i);
    if (cp < 0x80) {
      out += (cp >= 'A' && cp <= 'Z') ? static_cast<char>(cp + 32) : static_cast<char>(cp);
    } else if (char f = FoldLatin(cp)) {
      out += f;
    } else {
      Append(out, cp);
    }
  }
  return out;
}

std::vector<std::string> FoldedWords(std::string_view s) {
  const std::string folded = FoldText(s);
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < folded.size();) {
    const size_t at = i;
    const uint32_t cp = Next(folded, i);
    // Letters and digits; Latin-1's signs (¡ ¿ « ° × ÷), general punctuation (— “ ” …) and
    // CJK punctuation separate words, as unicode61 does.
    const bool separator = (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
                           (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F);
    const bool word_char =
        (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 0x80 && !separator);
    if (word_char) {
      cur.append(folded, at, i - at);
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

}  // namespace shoebox
