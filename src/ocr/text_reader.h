// Reading the words in a photo (memes, screenshots, signs, documents) with Tesseract.
//
// One TextReader per worker thread: it owns a tesseract::TessBaseAPI, initialised once with
// its languages (loading them takes ~100 ms; the `tesseract` command line pays that per image).
// Read() runs Tesseract on the image as it is and on a mask of its light strokes (outlined
// meme captions, white letters on a coloured sign, light-on-dark screenshots), enlarging small
// images first, keeps the reading whose confident characters weigh more, and drops words under
// min_word_confidence so that foliage and gravel do not become text (text_variants.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "imaging/grey_image.h"

namespace tesseract {
class TessBaseAPI;
}

namespace shoebox::ocr {

// Bump when a change makes readings better: `shoebox ocr-missing` then re-reads the photos an
// older version read (and only those).
inline constexpr int kOcrVersion = 1;

struct OcrOptions {
  std::string languages = "eng+spa";  // Tesseract's codes joined by '+'
  int min_word_confidence = 60;       // 0-100; lower words are dropped
  int time_limit_ms = 15000;          // per image, all variants together
  // What a screenshot or document is decoded to for reading (long side, pixels): its letters
  // are small.
  int max_long_side = 2048;
  // ... and a camera photo: the words people photograph (signs, posters, shirts) are large,
  // and Tesseract's time grows with the pixels (the corpus photos the gate let through: 0.5 s
  // each at 2048).
  int photo_long_side = 1280;
  // The preprocessing steps (text_variants.h): a second pass on the light strokes (outlined
  // captions, light-on-dark text), and small images enlarged 2x. Off only to measure what each
  // buys (bench/ocr_bench.cc).
  bool light_strokes = true;
  bool enlarge_small = true;
};

struct OcrWord {
  std::string text;
  float confidence = 0;              // 0-100
  float x = 0, y = 0, w = 0, h = 0;  // the box, as fractions of the upright image
};

struct TextReading {
  std::string text;  // the kept words; lines end in '\n'
  std::vector<OcrWord> words;
  float confidence = 0;  // mean over kept words, 0-100 (0 when none)
  std::string languages;
  std::string variant;  // the preprocessing that won: "grey" or "light-strokes" (+ "x2")
  bool timed_out = false;
};

// Each pair of neighbouring words on a line, joined without the space ("Simp LY" -> "SimpLY"),
// one per line: Tesseract splits big letters into fragments, and the search index should
// still find the word. Words only (letters and digits kept).
std::string JoinNeighbours(const std::string& text);

// Where Tesseract's language files are: $TESSDATA_PREFIX, else Debian's folder.
std::string TessdataDir();
// OK when every language in "eng+spa" is installed; else kNotFound naming the Debian package
// that installs it ("apt-get install tesseract-ocr-fra").
Status CheckLanguages(const std::string& languages);

class TextReader {
 public:
  static Result<std::unique_ptr<TextReader>> Open(const OcrOptions& options = {});
  ~TextReader();
  TextReader(const TextReader&) = delete;
  TextReader& operator=(const TextReader&) = delete;

  // Never throws; an image too small to hold a word gives an empty reading. light_strokes:
  // whether this image gets the second pass (OcrOptions::light_strokes must allow it too).
  Result<TextReading> Read(const GreyImage& image, bool light_strokes = true);
  const OcrOptions& options() const { return options_; }

 private:
  TextReader() = default;
  OcrOptions options_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

}  // namespace shoebox::ocr
