#include "ocr/text_gate.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace shoebox::ocr {
namespace {

constexpr int kCell = 8;
constexpr int kStep = 60;       // a sharp step: this much change over two pixels
constexpr int kMaxStroke = 6;   // widest stroke at 256 px
constexpr int kLevel = 20;      // back to within this of where it left
constexpr int kMinStrokes = 6;  // strokes in a cell's 8 rows for it to look like text
constexpr int kRun = 3;         // cells side by side: a line of text, not a twig
// Screenshots: 87-94% of pixels flat on the test set; camera photos under 20%.
constexpr double kFlatShare = 0.4;
// ... and 6.6-12% of their cells with two strokes or more; the flat graphics and test
// patterns of the corpus photos that hold no words, 0-1%.
constexpr double kMinStrokedShare = 0.04;

// Share of pixels equal to their right and lower neighbours. Screenshots and documents are
// mostly flat background to the last bit; camera photos almost never are (sensor noise).
double Flatness(const GreyImage& img) {
  int64_t flat = 0;
  for (int y = 0; y + 1 < img.height; ++y)
    for (int x = 0; x + 1 < img.width; ++x) {
      const int v = img.at(x, y);
      flat += v == img.at(x + 1, y) && v == img.at(x, y + 1);
    }
  return static_cast<double>(flat) / (static_cast<int64_t>(img.width - 1) * (img.height - 1));
}

GreyImage Shrink(const GreyImage& in, int long_side) {
  const int l = std::max(in.width, in.height);
  if (l <= long_side) return in;
  const int f = (l + long_side - 1) / long_side;  // box filter by an integer factor
  GreyImage out{in.width / f, in.height / f, {}};
  out.pixels.resize(static_cast<size_t>(out.width) * out.height);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      int sum = 0;
      for (int dy = 0; dy < f; ++dy)
        for (int dx = 0; dx < f; ++dx) sum += in.at(x * f + dx, y * f + dy);
      out.pixels[static_cast<size_t>(y) * out.width + x] = static_cast<uint8_t>(sum / (f * f));
    }
  return out;
}

}  // namespace

TextLook LookForText(const GreyImage& input) {
  TextLook look;
  if (input.width < 16 || input.height < 16) return look;
  const GreyImage img = Shrink(input, 256);
  const int cols = img.width / kCell, rows = img.height / kCell;
  if (cols < 2 || rows < 2) return look;
  std::vector<int> strokes(static_cast<size_t>(cols) * rows, 0);
  for (int y = 0; y < rows * kCell; ++y) {
    for (int x = 1; x + 2 < img.width; ++x) {
      const int before = img.at(x - 1, y);
      const int step = img.at(x + 1, y) - before;
      if (std::abs(step) < kStep) continue;
      // Look for the step back within a stroke's width.
      for (int k = x + 2; k < std::min(img.width - 1, x + 2 + kMaxStroke); ++k) {
        const int back = img.at(k + 1, y) - img.at(k - 1, y);
        if ((step > 0 ? -back : back) >= kStep && std::abs(img.at(k + 1, y) - before) <= kLevel) {
          const int cx = std::min(cols - 1, x / kCell);
          ++strokes[static_cast<size_t>(y / kCell) * cols + cx];
          x = k;
          break;
        }
      }
    }
  }
  // A cell is "texty" with kMinStrokes strokes in its 8 rows; score = the densest row of
  // cells, as the share of the long side's cells that are texty and in a run of kRun.
  double best = 0;
  for (int r = 0; r < rows; ++r) {
    int texty = 0;
    for (int c = 0; c < cols; ++c) {
      auto is_text = [&](int rr, int cc) {
        return rr >= 0 && rr < rows && cc >= 0 && cc < cols &&
               strokes[static_cast<size_t>(rr) * cols + cc] >= kMinStrokes;
      };
      int run = 0;
      for (int k = c - kRun + 1; k <= c + kRun - 1; ++k) {
        bool all = true;
        for (int j = k; j < k + kRun; ++j) all = all && is_text(r, j);
        if (all) {
          run = 1;
          break;
        }
      }
      if (is_text(r, c) && run) ++texty;
    }
    // Out of the long side's cells, so that a portrait photo needs as long a line as a
    // landscape one.
    best = std::max(best, static_cast<double>(texty) / std::max(cols, rows));
  }
  // A screenshot's letters blur into grey at 256 px; its flat background gives it away, with
  // a few strokes somewhere (a flat picture without any is a graphic, a chart, a test pattern).
  look.flat = Flatness(img) >= kFlatShare;
  int stroked = 0;
  for (int v : strokes) stroked += v >= 2;
  const bool some_strokes = stroked >= kMinStrokedShare * static_cast<double>(strokes.size());
  look.score = look.flat && some_strokes ? 1.0 : best;
  return look;
}

double TextScore(const GreyImage& small) { return LookForText(small).score; }

}  // namespace shoebox::ocr
