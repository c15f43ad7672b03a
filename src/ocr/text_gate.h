// Which photos are worth reading. Most of a camera roll has no words, and reading one costs
// ~0.5-1 s of Tesseract; this looks at the small decode the thumbnail comes from (~256 px)
// for about a millisecond.
//
// Words are rows of narrow strokes of one contrast: scanning a row, a sharp step one way
// and, within a letter's stroke width, a sharp step back to nearly the same level. Such stroke
// pairs cluster on text lines; foliage and gravel make steps too, but rarely back to the
// level they left, and rarely as level runs across the image. The score is the share of
// 8 x 8 cells (at 256 px) whose rows hold several such strokes, three or more side by side, in
// the densest row of cells. Screenshots and documents, whose letters blur to grey at 256 px,
// are told by their background instead: 40% or more of the pixels exactly flat (1.0).
#pragma once

#include "imaging/grey_image.h"

namespace shoebox::ocr {

// The image is first shrunk (or kept) to about 256 px on its long side.
double TextScore(const GreyImage& small);

// Above this the photo is read (tuned on tests/data/text-photos and the corpus photos:
// see bench/ocr_bench.cc for the measured split).
inline constexpr double kTextScoreThreshold = 0.125;

}  // namespace shoebox::ocr
