// The words in and around each photo, as the catalog keeps them (schema v8):
//   asset_text  what OCR read in the pixels (or that the gate skipped the photo, or why it
//               failed), with each word's box for highlighting;
//   text_index  SQLite FTS5 over every word a user may search by: the OCR text ("words"),
//               what libraries say, i.e. titles, descriptions, keywords, album names ("about"),
//               and file and folder names ("names"); unicode61 with diacritics removed, so
//               "reunion" finds "REUNIÓN"; prefix indexes for 2 and 3 characters.
// Triggers on every table those words come from note the asset in text_stale; the index job
// calls Catalog::RefreshTextIndex to rewrite just those rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shoebox {

enum class TextState : int { kNone = 0, kRead = 1, kSkipped = 2, kFailed = 3 };

struct AssetTextRecord {
  TextState state = TextState::kNone;
  int version = 0;  // ocr::kOcrVersion that decided
  std::string languages;
  double confidence = 0;  // 0-100
  std::string text;
  std::string words_json;  // [[word, confidence, x, y, w, h], ...]
  // Neighbouring fragments of one line joined ("Simp LY" -> "SimpLY", "TE NSIÓN" ->
  // "TENSIÓN"): OCR splits big letters, and a search for "simply" should still find them.
  // Indexed, never shown.
  std::string joined;
  std::optional<double> gate_score;
  std::string error;
  int64_t read_at = 0;
};

// How far OCR has come over the catalog's photos (present, decodable ones).
struct TextCoverage {
  int64_t photos = 0;     // photos OCR could look at
  int64_t read = 0;       // read by OCR (any version)
  int64_t with_text = 0;  // of those, with at least one word
  int64_t skipped = 0;    // the gate saw no text
  int64_t failed = 0;
  int64_t outdated = 0;  // read by an older OCR version
  int64_t pending = 0;   // never looked at
};

// A photo OCR still has to look at, and one present file of it.
struct OcrCandidate {
  int64_t asset_id = 0;
  std::string path;
  std::string format;
};

// One part of a full-text query: a word, or several words that must follow each other
// (a quoted phrase); prefix: the last word may be the start of a longer one.
struct TextTerm {
  std::string text;
  bool prefix = false;
};

// All terms (or any of them, any = true), none of the excluded ones.
struct TextQuery {
  std::vector<TextTerm> terms, excluded;
  bool any = false;
};

struct TextHit {
  int64_t asset_id = 0;
  double rank = 0;  // FTS5 bm25: lower is better
};

// What text_index holds for a photo.
struct IndexedWords {
  std::string words, about, names;
};

}  // namespace shoebox
