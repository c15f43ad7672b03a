// How well a reading matches the text that was drawn: the measure of the OCR tests and
// bench/ocr_bench.cc.
#pragma once

#include <string_view>

namespace shoebox::ocr {

// Share of the truth's words (folded as the search index folds them, base/text_fold.h) found
// among the read words, each read word counting once; 1 when the truth has none.
double WordRecall(std::string_view truth, std::string_view read);

}  // namespace shoebox::ocr
