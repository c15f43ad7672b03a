#include "ocr/text_reader.h"

#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ocr/text_variants.h"

namespace shoebox::ocr {
namespace {

// Images with a short side under this are enlarged 2x before reading: a 300 x 200 meme's
// letters are too small for Tesseract. From 300 up it bought no word on the test set (its
// 640 x 478 and 900 x 300 images) and doubled the time of each (bench/ocr_bench.cc).
constexpr int kEnlargeBelowShortSide = 300;

int Utf8Length(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool HasLetterOrDigit(const std::string& s) {
  for (unsigned char c : s)
    if (std::isalnum(c) || c >= 0x80) return true;
  return false;
}

// One Tesseract pass over an image; the words it is sure of.
struct Pass {
  std::vector<OcrWord> words;
  std::vector<int> line_of;  // the line each word sits on
  double weight = 0;         // sum over words of confidence x characters
  bool timed_out = false;
};

Pass Recognize(tesseract::TessBaseAPI* api, const GreyImage& img, int scale, int min_conf,
               int time_left_ms) {
  Pass pass;
  api->SetImage(img.pixels.data(), img.width, img.height, 1, img.width);
  api->SetSourceResolution(150);
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(std::max(1, time_left_ms));
  if (api->Recognize(&monitor) != 0) {
    pass.timed_out = true;
    api->Clear();
    return pass;
  }
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  int line = 0;
  if (it) {
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) ++line;
      std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!text) continue;
      OcrWord w;
      w.text = text.get();
      w.confidence = it->Confidence(tesseract::RIL_WORD);
      const int chars = Utf8Length(w.text);
      if (w.confidence < min_conf || !HasLetterOrDigit(w.text)) continue;
      // Textures read as short non-words ("Bx", "ie"); short real words ("a", "NO") are
      // in the language's dictionary.
      if (chars <= 2 && w.confidence < 90 && !it->WordIsFromDictionary()) continue;
      int l, t, r, b;
      if (!it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) continue;
      const float fw = static_cast<float>(img.width), fh = static_cast<float>(img.height);
      w.x = l / fw;
      w.y = t / fh;
      w.w = (r - l) / fw;
      w.h = (b - t) / fh;
      pass.words.push_back(std::move(w));
      pass.line_of.push_back(line);
    } while (it->Next(tesseract::RIL_WORD));
  }
  (void)scale;
  api->Clear();
  // A line of nothing but one- and two-letter words is a texture ("y", "AA", "ES" in grass
  // and noise); real short words stand beside longer ones.
  std::vector<bool> line_has_long(static_cast<size_t>(line) + 1, false);
  for (size_t i = 0; i < pass.words.size(); ++i)
    if (Utf8Length(pass.words[i].text) >= 3) line_has_long[pass.line_of[i]] = true;
  Pass kept;
  kept.timed_out = pass.timed_out;
  for (size_t i = 0; i < pass.words.size(); ++i) {
    if (!line_has_long[pass.line_of[i]]) continue;
    kept.weight += pass.words[i].confidence / 100.0 * Utf8Length(pass.words[i].text);
    kept.words.push_back(std::move(pass.words[i]));
    kept.line_of.push_back(pass.line_of[i]);
  }
  return kept;
}

// Boxes overlapping by more than half the smaller one are the same word.
bool SameSpot(const OcrWord& a, const OcrWord& b) {
  const float ix = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  const float iy = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return false;
  return ix * iy > 0.5f * std::min(a.w * a.h, b.w * b.h);
}

void Merge(Pass other, Pass* into) {
  int line = into->line_of.empty() ? 0 : into->line_of.back();
  int last_other_line = -1;
  for (size_t i = 0; i < other.words.size(); ++i) {
    bool taken = false;
    for (const OcrWord& w : into->words) taken = taken || SameSpot(w, other.words[i]);
    if (taken) continue;
    if (other.line_of[i] != last_other_line) ++line;
    last_other_line = other.line_of[i];
    into->words.push_back(std::move(other.words[i]));
    into->line_of.push_back(line);
  }
}

}  // namespace

std::string JoinNeighbours(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::vector<std::string> words;
    std::string cur;
    for (size_t i = start; i <= end; ++i) {
      const unsigned char c = i < end ? text[i] : ' ';
      if (c == ' ') {
        if (!cur.empty()) words.push_back(std::move(cur));
        cur.clear();
      } else if (std::isalnum(c) || c >= 0x80) {
        cur += static_cast<char>(c);
      }
    }
    for (size_t i = 0; i + 1 < words.size(); ++i) out += words[i] + words[i + 1] + "\n";
    start = end + 1;
  }
  return out;
}

std::string TessdataDir() {
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env && *env) return env;
  return "/usr/share/tesseract-ocr/5/tessdata";
}

Status CheckLanguages(const std::string& languages) {
  if (languages.empty()) return InvalidArgument("no OCR language given (e.g. --ocr-lang eng+spa)");
  const std::string dir = TessdataDir();
  size_t start = 0;
  while (start <= languages.size()) {
    size_t end = languages.find('+', start);
    if (end == std::string::npos) end = languages.size();
    const std::string lang = languages.substr(start, end - start);
    if (lang.empty() || lang.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
      return InvalidArgument(
          "'" + lang + "' is not a Tesseract language code (e.g. eng, spa, fra, deu, chi_sim)");
    if (!std::filesystem::exists(std::filesystem::path(dir) / (lang + ".traineddata"))) {
      std::string pkg = lang;
      for (char& c : pkg)
        if (c == '_') c = '-';
      return NotFound("OCR language '" + lang + "' is not installed (no " + lang +
                      ".traineddata in " + dir +
                      "): install it with `apt-get install tesseract-ocr-" + pkg +
                      "`, or choose others with --ocr-lang");
    }
    start = end + 1;
  }
  return Status::Ok();
}

Result<std::unique_ptr<TextReader>> TextReader::Open(const OcrOptions& options) {
  SHOEBOX_RETURN_IF_ERROR(CheckLanguages(options.languages));
  std::unique_ptr<TextReader> reader(new TextReader());
  reader->options_ = options;
  reader->api_ = std::make_unique<tesseract::TessBaseAPI>();
  // Quiet: Tesseract prints warnings (no resolution, empty page) to stderr otherwise.
  reader->api_->SetVariable("debug_file", "/dev/null");
  // Without the word lists (dawgs): the LSTM recognizer reads the same words on the test set
  // (identical output), and a reader loads in 130 ms instead of 245.
  std::vector<std::string> init_names = {"load_system_dawg", "load_freq_dawg"};
  std::vector<std::string> init_values = {"0", "0"};
  if (reader->api_->Init(TessdataDir().c_str(), options.languages.c_str(), tesseract::OEM_LSTM_ONLY,
                         nullptr, 0, &init_names, &init_values, false) != 0)
    return Corrupt("Tesseract could not load its language data (" + options.languages + ") from " +
                   TessdataDir() + ": reinstall tesseract-ocr-eng / the language packages");
  reader->api_->SetVariable("debug_file", "/dev/null");
  // Sparse text: captions and signs are words scattered over a picture, not a page (on the
  // test set: word recall 0.85 against 0.63 with the automatic page layout).
  reader->api_->SetPageSegMode(tesseract::PSM_SPARSE_TEXT);
  // No second, inverted recognition of low-confidence lines: the light-strokes pass reads
  // light-on-dark text already (test set: same recall, 7% less time).
  reader->api_->SetVariable("tessedit_do_invert", "0");
  return reader;
}

TextReader::~TextReader() {
  if (api_) api_->End();
}

Result<TextReading> TextReader::Read(const GreyImage& image, bool light_strokes) {
  TextReading out;
  out.languages = options_.languages;
  if (image.width < 8 || image.height < 8 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height)
    return out;
  // Tesseract's OpenMP threads spin while waiting: with one reader per core they took four
  // times the CPU of the work itself (20 s instead of 4 s for the test set here). This
  // thread's parallel regions run on it alone; the caller runs one reader per core.
  omp_set_max_active_levels(0);
  const auto start = std::chrono::steady_clock::now();
  auto left_ms = [&] {
    return options_.time_limit_ms -
           static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count());
  };
  const bool enlarge = options_.enlarge_small &&
                       std::min(image.width, image.height) < kEnlargeBelowShortSide &&
                       std::max(image.width, image.height) * 2 <= 2 * options_.max_long_side;
  GreyImage base = enlarge ? Enlarge2x(image) : image;
  const std::string suffix = enlarge ? " x2" : "";

  Pass best = Recognize(api_.get(), base, 1, options_.min_word_confidence, left_ms());
  std::string variant = "grey";
  if (light_strokes && options_.light_strokes && !best.timed_out && left_ms() > 0) {
    Pass light =
        Recognize(api_.get(), LightStrokes(base), 1, options_.min_word_confidence, left_ms());
    light.timed_out |= best.timed_out;
    if (light.weight > best.weight) {
      std::swap(best, light);
      variant = "light-strokes";
    }
    // The other reading's words where the better one has none (a meme's caption over a
    // photo whose sign the plain pass read).
    Merge(std::move(light), &best);
  }
  out.timed_out = best.timed_out || left_ms() <= 0;
  out.variant = variant + suffix;
  double conf = 0;
  for (size_t i = 0; i < best.words.size(); ++i) {
    if (i > 0) out.text += best.line_of[i] != best.line_of[i - 1] ? "\n" : " ";
    out.text += best.words[i].text;
    conf += best.words[i].confidence;
  }
  if (!best.words.empty()) {
    out.text += "\n";
    out.confidence = static_cast<float>(conf / best.words.size());
  }
  out.words = std::move(best.words);
  return out;
}

}  // namespace shoebox::ocr
