// The images Tesseract is shown besides the photo itself. Tesseract binarises with one global
// threshold (Otsu), which finds dark print on paper but not the words people photograph:
// white captions with a black outline over a busy photo, white letters on a green or blue
// sign. Those are light strokes with darker surroundings close by, whatever the rest of the
// photo does; LightStrokes turns exactly those pixels black on white.
#pragma once

#include "imaging/grey_image.h"

namespace shoebox::ocr {

// Ink where a pixel is light (>= 217) and some pixel within `radius` is dark (<= 60) and at
// least 90 darker; paper elsewhere. radius 0: chosen from the image size (letters' stroke width).
GreyImage LightStrokes(const GreyImage& in, int radius = 0);

// Twice the size (bilinear): Tesseract reads letters under ~20 px high poorly.
GreyImage Enlarge2x(const GreyImage& in);

}  // namespace shoebox::ocr
