// How well a reading matches the text that was drawn: the measures of the OCR tests and
// bench/ocr_bench.cc. Both compare folded words (base/text_fold.h: lower case, no accents,
// no punctuation), as the search index does: what matters is whether a search finds them.
#pragma once

#include <string_view>

namespace shoebox::ocr {

// Share of the truth's words found among the read words, each read word counting once; 1
// when the truth has none.
double WordRecall(std::string_view truth, std::string_view read);

// Character error rate: the edit distance (insertions, deletions, substitutions of Unicode
// characters) from the truth's folded words, joined by single spaces, to the reading's,
// over the truth's length; 0 is perfect, and words read that were never drawn (a label in
// the photo behind a caption) count as insertions. 0 when both are empty.
double CharacterErrorRate(std::string_view truth, std::string_view read);

}  // namespace shoebox::ocr
