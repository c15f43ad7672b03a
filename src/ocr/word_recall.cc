#include "ocr/word_recall.h"

#include <set>
#include <string>

#include "base/text_fold.h"

namespace shoebox::ocr {

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

}  // namespace shoebox::ocr
