// libFuzzer target for the code that looks at a photo's pixels and words before and after
// Tesseract, with hostile shapes and values: the text gate (ocr/text_gate.h) and the
// preprocessing variants (ocr/text_variants.h) on any image size from 1 x 1 up, and the
// folding of words as the full-text index compares them (base/text_fold.h) on any bytes,
// malformed UTF-8 included (OCR output, library titles, file names).
// Input: byte 0 = width - 1 (1-256 px), the rest are pixels row by row (the last partial row
// dropped); the same bytes are folded as text. Seeds: fuzz/corpus/text_pixels/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/text_fold.h"
#include "ocr/text_gate.h"
#include "ocr/text_variants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shoebox;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string folded = FoldText(text);
  for (const auto& w : FoldedWords(text))
    if (w.empty()) std::abort();  // a word is never empty
  (void)folded;
  if (size < 2) return 0;
  GreyImage img;
  img.width = data[0] + 1;
  img.height = static_cast<int>((size - 1) / img.width);
  if (img.height < 1) return 0;
  img.pixels.assign(data + 1, data + 1 + static_cast<size_t>(img.width) * img.height);
  const ocr::TextLook look = ocr::LookForText(img);
  if (look.score < 0 || look.score > 1) std::abort();
  const GreyImage light = ocr::LightStrokes(img);
  if (light.width != img.width || light.height != img.height ||
      light.pixels.size() != img.pixels.size())
    std::abort();
  const GreyImage big = ocr::Enlarge2x(img);
  if (big.pixels.size() != static_cast<size_t>(big.width) * big.height) std::abort();
  return 0;
}
