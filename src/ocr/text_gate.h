// Which photos are worth reading. Most of a camera roll has no words, and reading one costs
// ~0.5-1 s of Tesseract; this looks at the small decode the thumbnail comes from (~256 px)
// for about a millisecond.
//
// Words are rows of narrow strokes of one contrast: scanning a row, a sharp step one way
// and, within a letter's stroke width, a sharp step back to nearly the same level. Such stroke
// pairs cluster on text lines; foliage and gravel make steps too, but rarely back to the
// level they left, and rarely as level runs across the image. The score is the share of
// 8 x 8 cells (at 256 px) whose rows hold several such strokes, three or more side by side, in
// the densest row of cells, out of the 32 cells of the long side. Screenshots and documents, whose
// letters blur to grey at 256 px, are told by their background instead: 40% or more of the pixels
// exactly flat, and a few strokes (score 1.0).
#pragma once

#include "imaging/grey_image.h"

namespace shoebox::ocr {

struct TextLook {
  double score = 0;   // compare with kTextScoreThreshold
  bool flat = false;  // a screenshot, a document, a graphic: not a camera photo
};

// The image is first shrunk (or kept) to about 256 px on its long side.
TextLook LookForText(const GreyImage& small);
double TextScore(const GreyImage& small);  // LookForText(small).score

// At or above this the photo is read: five texty cells in a row. Measured:
// the test set's signs score 0.156-0.25, its memes 0.41-0.75, photos without text <= 0.094;
// the corpus photos that scored 0.125 (4 cells: texture) held no words and took 1.3-1.7 s
// of Tesseract each, more than `index` spends on all 62 photos without OCR.
inline constexpr double kTextScoreThreshold = 0.15;
// From this, words over a picture (the test set's memes: 0.34 and up), not a sign or a label
// in a photo (0.156-0.28). The score moves by a cell or more (1/32 each) between a thumbnail
// made by shrink-on-load and one resized from a full decode (what indexing with a model
// does): meme-pikachu scores 0.375 without a model and 0.344 with one, so the bound sits
// below both, or its outlined caption goes unread whenever a model is used.
inline constexpr double kStrongTextScore = 0.30;

}  // namespace shoebox::ocr
