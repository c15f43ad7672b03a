#include "ocr/reading_quality.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "base/text_fold.h"

namespace shoebox::ocr {
namespace {

// The folded words joined by spaces, as code points (so that "ñ" is one character).
std::u32string Joined(std::string_view text) {
  std::string joined;
  for (const auto& w : FoldedWords(text)) joined += (joined.empty() ? "" : " ") + w;
  std::u32string out;
  for (size_t i = 0; i < joined.size();) {
    const auto c = static_cast<unsigned char>(joined[i]);
    const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (int k = 1; k < len && i + k < joined.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(joined[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

}  // namespace

double WordRecall(std::string_view truth, std::string_view read) {
  const auto want = FoldedWords(truth);
  const auto got = FoldedWords(read);
  std::multiset<std::string> have(got.begin(), got.end());
  size_t found = 0;
  for (const auto& w : want)
    if (auto it = have.find(w); it != have.end()) {
      ++found;
      have.erase(it);
    }
  return want.empty() ? 1.0 : static_cast<double>(found) / static_cast<double>(want.size());
}

double CharacterErrorRate(std::string_view truth, std::string_view read) {
  const std::u32string a = Joined(truth), b = Joined(read);
  if (a.empty()) return b.empty() ? 0.0 : 1.0;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return static_cast<double>(row[b.size()]) / static_cast<double>(a.size());
}

}  // namespace shoebox::ocr
